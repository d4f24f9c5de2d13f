/** ReadableRoots: the folders the file tools may read, and the check that keeps a path inside them. */
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect } from "effect"
import * as NodePath from "node:path"
import { isInside } from "../applyPatch/Workspace.js"

/**
 * Where reading is allowed: `undefined` means the whole file system (Codex's default read access);
 * otherwise a list of real absolute folders.
 */
export type ReadableRoots = ReadonlyArray<string> | undefined

/** The roots with symbolic links resolved (a root that does not exist is kept as written). */
export const resolveRoots = (
  fs: FileSystem.FileSystem,
  roots: ReadableRoots
): Effect.Effect<ReadableRoots> =>
  roots === undefined
    ? Effect.succeed(undefined)
    : Effect.forEach(roots, (root) => fs.realPath(NodePath.resolve(root)).pipe(Effect.orElseSucceed(() => NodePath.resolve(root))))

/** Whether the real path `path` lies in one of `roots`. */
export const allows = (roots: ReadableRoots, path: string): boolean =>
  roots === undefined || roots.some((root) => isInside(root, path))

/** The refusal text for a path outside the roots. */
export const refusal = (path: string): string =>
  `Error: \`${path}\` is outside the folders this session may read.`

/**
 * The real path of an existing `path` when reading it is allowed, or the refusal text. A path
 * whose real location cannot be found is checked as written.
 */
export const check = (
  fs: FileSystem.FileSystem,
  roots: ReadableRoots,
  path: string
): Effect.Effect<{ readonly real: string } | { readonly refused: string }> =>
  roots === undefined
    ? Effect.succeed({ real: path })
    : Effect.map(fs.realPath(path).pipe(Effect.orElseSucceed(() => path)), (real) =>
      allows(roots, real) ? { real } : { refused: refusal(path) })

/**
 * `path` as a model wrote it, tidied like a path object would: repeated slashes, `.` components
 * and a trailing slash removed (`..` is kept).
 */
export const normalize = (path: string): string => {
  if (path === "") return "."
  const absolute = path.startsWith("/")
  const parts = path.split("/").filter((part) => part !== "" && part !== ".")
  const joined = parts.join("/")
  return absolute ? `/${joined}` : joined === "" ? "." : joined
}
