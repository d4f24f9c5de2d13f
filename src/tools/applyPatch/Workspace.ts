/** Workspace: resolves patch paths against the workspace root, following symlinks, and keeps them inside it. */
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect } from "effect"
import * as NodePath from "node:path"
import * as PatchError from "./PatchError.js"

/** The most symlinks followed while resolving one path (as the OS does, to stop loops). */
const MAX_SYMLINKS = 40

/** A symlink's target, or undefined when the path is not a symlink (or does not exist). */
const linkTarget = (fs: FileSystem.FileSystem, path: string) =>
  fs.readLink(path).pipe(Effect.option, Effect.map((o) => (o._tag === "Some" ? o.value : undefined)))

/**
 * The absolute path `path` stands for, with `.`/`..` applied and every symlink followed, component
 * by component, as the OS would when opening it. Components that do not exist are kept as written,
 * and a dangling symlink resolves to where it points. Fails on a symlink loop.
 */
export const resolveReal = (fs: FileSystem.FileSystem, path: string): Effect.Effect<string, string> =>
  Effect.gen(function*() {
    let pending = path.split("/").filter((c) => c !== "" && c !== ".")
    let current = "/"
    let followed = 0
    while (pending.length > 0) {
      const [component, ...rest] = pending as [string, ...Array<string>]
      pending = rest
      if (component === "..") {
        current = NodePath.dirname(current)
        continue
      }
      if (component === ".") continue
      const next = NodePath.join(current, component)
      const target = yield* linkTarget(fs, next)
      if (target === undefined) {
        current = next
        continue
      }
      if (++followed > MAX_SYMLINKS) return yield* Effect.fail(`too many levels of symbolic links in ${path}`)
      if (target.startsWith("/")) current = "/"
      pending = [...target.split("/").filter((c) => c !== ""), ...pending]
    }
    return current
  })

/** Whether `path` is `root` or below it. */
export const isInside = (root: string, path: string): boolean =>
  path === root || path.startsWith(root.endsWith("/") ? root : `${root}/`)

/** The workspace: its real root, and the resolution of patch paths against it. */
export interface Workspace {
  readonly root: string
  /** The real absolute path of a patch path; refuses anything outside the root. */
  readonly resolve: (path: string) => Effect.Effect<string, PatchError.PatchError>
  /** A resolved path as shown to the model: relative to the root, with `/` separators. */
  readonly display: (resolved: string) => string
}

/** Why writing a real absolute path is refused (the sandbox policy), or undefined when it is allowed. */
export type WriteRefusal = (path: string) => string | undefined

/**
 * The workspace rooted at `cwd` (which is resolved to its real path first). With `refuse`, paths
 * inside the root are also checked against the sandbox policy.
 */
export const make = (fs: FileSystem.FileSystem, cwd: string, refuse?: WriteRefusal): Effect.Effect<Workspace, string> =>
  Effect.gen(function*() {
    const root = yield* resolveReal(fs, NodePath.resolve(cwd))
    return {
      root,
      resolve: (path) =>
        resolveReal(fs, NodePath.isAbsolute(path) ? path : NodePath.join(root, path)).pipe(
          Effect.mapError((problem) => PatchError.verification(problem)),
          Effect.filterOrFail((resolved) => isInside(root, resolved), () => PatchError.outsideWorkspace()),
          Effect.tap((resolved) => {
            const refusal = refuse?.(resolved)
            return refusal === undefined ? Effect.void : Effect.fail(PatchError.sandboxRefusal(refusal))
          })
        ),
      display: (resolved) => {
        const relative = NodePath.relative(root, resolved)
        return (relative === "" ? "." : relative).split(NodePath.sep).join("/")
      }
    }
  })
