/** ReadableRoots: the folders the file tools may read, and the check that keeps a path inside them. */
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect } from "effect"
import * as NodePath from "node:path"
import { isInside } from "../applyPatch/Workspace.js"

/** Folders to read, with paths inside them that stay closed (the sandbox's own /proc and /dev, say). */
export interface ReadAccess {
  readonly roots: ReadonlyArray<string>
  readonly except: ReadonlyArray<string>
}

/**
 * Where reading is allowed: `undefined` means the whole file system (Codex's default read access);
 * otherwise a list of folders, or folders with exceptions.
 */
export type ReadableRoots = ReadonlyArray<string> | ReadAccess | undefined

/** Readable roots with real absolute paths, as the checks use them. */
export type ResolvedRoots = ReadAccess | undefined

const realOrAsWritten = (fs: FileSystem.FileSystem, path: string) =>
  fs.realPath(NodePath.resolve(path)).pipe(Effect.orElseSucceed(() => NodePath.resolve(path)))

/** The roots (and exceptions) with symbolic links resolved (a path that does not exist is kept as written). */
export const resolveRoots = (
  fs: FileSystem.FileSystem,
  roots: ReadableRoots
): Effect.Effect<ResolvedRoots> => {
  if (roots === undefined) return Effect.succeed(undefined)
  const access: ReadAccess = "roots" in roots ? roots : { roots: roots as ReadonlyArray<string>, except: [] }
  return Effect.all({
    roots: Effect.forEach(access.roots, (root) => realOrAsWritten(fs, root)),
    except: Effect.forEach(access.except, (path) => realOrAsWritten(fs, path))
  })
}

/** Whether the real path `path` lies in one of the roots and in none of the exceptions. */
export const allows = (roots: ResolvedRoots, path: string): boolean =>
  roots === undefined ||
  roots.roots.some((root) => isInside(root, path)) && !roots.except.some((closed) => isInside(closed, path))

/** The refusal text for a path outside the roots. */
export const refusal = (path: string): string =>
  `Error: \`${path}\` is outside the folders this session may read.`

/**
 * The real path of an existing `path` when reading it is allowed, or the refusal text. A path
 * whose real location cannot be found is checked as written.
 */
export const check = (
  fs: FileSystem.FileSystem,
  roots: ResolvedRoots,
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
