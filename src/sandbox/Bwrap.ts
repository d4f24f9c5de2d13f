/** Bwrap: the bubblewrap command line for a sandbox policy, and locating the `bwrap` program. */
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import type { SandboxPolicy } from "./SandboxPolicy.js"
import { isWithin, readAccess } from "./SandboxPolicy.js"

/** Where `bwrap` is: the configured path when given (it must exist), else the first one on PATH. */
export const locate = (
  configured: string | undefined,
  pathVariable: string | undefined
): { readonly path: string } | { readonly problem: string } => {
  if (configured !== undefined) {
    return isExecutable(configured)
      ? { path: configured }
      : { problem: `the configured bwrap_path ${configured} is not an executable file` }
  }
  for (const dir of (pathVariable ?? "").split(":")) {
    if (dir === "") continue
    const candidate = NodePath.join(dir, "bwrap")
    if (isExecutable(candidate)) return { path: candidate }
  }
  return { problem: "bubblewrap (bwrap) was not found on PATH" }
}

const isExecutable = (path: string): boolean => {
  try {
    NodeFs.accessSync(path, NodeFs.constants.X_OK)
    return NodeFs.statSync(path).isFile()
  } catch {
    return false
  }
}

const lstat = (path: string): NodeFs.Stats | undefined => {
  try {
    return NodeFs.lstatSync(path)
  } catch {
    return undefined
  }
}

const realPath = (path: string): string | undefined => {
  try {
    return NodeFs.realpathSync(path)
  } catch {
    return undefined
  }
}

/**
 * The mount arguments: the whole file system read-only, a fresh `/dev`, each writable root bound
 * writable, then each protected path inside a root mounted read-only again so it wins. A protected
 * path that is a symlink gets `/dev/null` mounted over it so it cannot be redirected; one that does
 * not exist is not protected (as in Codex). Writable roots that do not exist are left out.
 */
export const filesystemArgs = (policy: SandboxPolicy): Array<string> => {
  // What commands may read (readAccess): its roots read-only, and fresh /dev (and /proc, see
  // commandArgs) in place of the host's, the paths readAccess leaves out.
  const args = [...(readAccess(policy)?.roots ?? ["/"]).flatMap((root) => ["--ro-bind", root, root]), "--dev", "/dev"]
  const roots: Array<string> = []
  for (const writable of policy.writableRoots) {
    const real = realPath(writable.root)
    if (real === undefined || roots.includes(real)) continue
    roots.push(real)
    args.push("--bind", real, real)
  }
  const protectedPaths = new Set<string>()
  for (const writable of policy.writableRoots) {
    const real = realPath(writable.root)
    if (real === undefined) continue
    for (const subpath of writable.readOnlySubpaths) {
      protectedPaths.add(NodePath.join(real, NodePath.relative(writable.root, subpath)))
    }
  }
  for (const subpath of protectedPaths) {
    if (!roots.some((root) => isWithin(root, subpath))) continue
    const info = lstat(subpath)
    // A protected path that does not exist is left alone, as Codex does: mounting over it would
    // make bwrap create an empty file of that name on the host (a stray `.git` in every root).
    if (info === undefined) continue
    if (info.isSymbolicLink()) {
      args.push("--ro-bind", "/dev/null", subpath)
    } else {
      args.push("--ro-bind", subpath, subpath)
    }
  }
  return args
}

/**
 * The full argv running `command` in `cwd` under `bwrap` with `policy` (not for danger-full-access):
 * a new session (no access to the caller's terminal), killed with its parent, its own process-id
 * namespace (so everything it starts ends with it) and no network unless the policy allows it.
 */
export const commandArgs = (
  bwrap: string,
  policy: SandboxPolicy,
  command: ReadonlyArray<string>,
  cwd: string
): readonly [string, ...Array<string>] => [
  bwrap,
  "--new-session",
  "--die-with-parent",
  ...filesystemArgs(policy),
  "--unshare-pid",
  ...(policy.networkAccess ? [] : ["--unshare-net"]),
  "--proc",
  "/proc",
  "--chdir",
  cwd,
  "--",
  ...command
]
