/** SandboxPolicy: the sandbox settings of config.toml, and what they allow (writable roots, network). */
import { Data, Either } from "effect"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"

/** The sandbox modes, as Codex names them. */
export const SANDBOX_MODES = ["read-only", "workspace-write", "danger-full-access"] as const
export type SandboxMode = (typeof SANDBOX_MODES)[number]

/** The mode used when neither config nor flags name one (and the sandbox works). */
export const DEFAULT_SANDBOX_MODE: SandboxMode = "workspace-write"

/** A sandbox setting that cannot be used; `message` names the key. */
export class SandboxConfigError extends Data.TaggedError("SandboxConfigError")<{
  readonly key: string
  readonly message: string
}> {}

/** The resolved settings. */
export interface SandboxSettings {
  /** The mode asked for in config or flags; undefined when nothing asked (the default applies). */
  readonly requestedMode: SandboxMode | undefined
  /** `[sandbox_workspace_write].writable_roots`, absolute. */
  readonly writableRoots: ReadonlyArray<string>
  /** `[sandbox_workspace_write].network_access`. */
  readonly networkAccess: boolean
  readonly excludeTmpdirEnvVar: boolean
  readonly excludeSlashTmp: boolean
  /** `bwrap_path`: the bubblewrap program to use instead of the one on PATH. */
  readonly bwrapPath: string | undefined
}

/** A directory the sandboxed command may write, with the parts of it that stay read-only. */
export interface WritableRoot {
  readonly root: string
  readonly readOnlySubpaths: ReadonlyArray<string>
}

/** What a command may do once the mode is settled. */
export interface SandboxPolicy {
  readonly mode: SandboxMode
  /** Writable roots for workspace-write (empty for read-only; unused for danger-full-access). */
  readonly writableRoots: ReadonlyArray<WritableRoot>
  readonly networkAccess: boolean
}

/** Inside each writable root these stay read-only, as Codex keeps them. */
export const PROTECTED_NAMES = [".git"] as const

const normalizeMode = (name: string): string => name.trim().toLowerCase().replace(/_/g, "-")

/** A mode name from config or a flag; unknown names are an error listing the known ones. */
export const parseMode = (value: unknown, key = "sandbox_mode"): Either.Either<SandboxMode | undefined, SandboxConfigError> => {
  if (value === undefined) return Either.right(undefined)
  if (typeof value !== "string") {
    return Either.left(new SandboxConfigError({ key, message: `${key} must be text, one of ${SANDBOX_MODES.join(", ")}` }))
  }
  const mode = normalizeMode(value)
  if (mode === "") return Either.right(undefined)
  return (SANDBOX_MODES as ReadonlyArray<string>).includes(mode)
    ? Either.right(mode as SandboxMode)
    : Either.left(new SandboxConfigError({ key, message: `unknown ${key} "${value}"; expected one of ${SANDBOX_MODES.join(", ")}` }))
}

const isTable = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date)

const bool = (table: Readonly<Record<string, unknown>>, name: string, key: string) =>
  Either.gen(function*() {
    const value = table[name]
    if (value === undefined) return false
    if (typeof value !== "boolean") {
      return yield* Either.left(new SandboxConfigError({ key: `${key}.${name}`, message: `${key}.${name} must be true or false` }))
    }
    return value
  })

/**
 * Reads the sandbox keys of the merged config table: `sandbox_mode`, `bwrap_path` and the
 * `[sandbox_workspace_write]` table. Relative writable roots are resolved against `base`.
 */
export const fromConfig = (
  raw: Readonly<Record<string, unknown>>,
  base: string
): Either.Either<SandboxSettings, SandboxConfigError> =>
  Either.gen(function*() {
    const requestedMode = yield* parseMode(raw["sandbox_mode"])
    const key = "sandbox_workspace_write"
    const table = raw[key] ?? {}
    if (!isTable(table)) return yield* Either.left(new SandboxConfigError({ key, message: `[${key}] must be a table` }))
    const roots = table["writable_roots"] ?? []
    if (!Array.isArray(roots) || roots.some((root) => typeof root !== "string" || root.trim() === "")) {
      return yield* Either.left(
        new SandboxConfigError({ key: `${key}.writable_roots`, message: `${key}.writable_roots must be a list of paths` })
      )
    }
    const bwrap = raw["bwrap_path"]
    if (bwrap !== undefined && (typeof bwrap !== "string" || bwrap.trim() === "")) {
      return yield* Either.left(new SandboxConfigError({ key: "bwrap_path", message: "bwrap_path must be a path" }))
    }
    return {
      requestedMode,
      writableRoots: (roots as ReadonlyArray<string>).map((root) => NodePath.resolve(base, root.trim())),
      networkAccess: yield* bool(table, "network_access", key),
      excludeTmpdirEnvVar: yield* bool(table, "exclude_tmpdir_env_var", key),
      excludeSlashTmp: yield* bool(table, "exclude_slash_tmp", key),
      bwrapPath: typeof bwrap === "string" ? bwrap.trim() : undefined
    }
  })

/**
 * The writable roots of workspace-write: the cwd, `/tmp` (unless excluded), `$TMPDIR` (unless
 * excluded) and the configured roots, without duplicates or roots inside another one; each
 * keeps its `.git` read-only.
 */
export const writableRoots = (
  settings: SandboxSettings,
  cwd: string,
  tmpdir: string | undefined
): ReadonlyArray<WritableRoot> => {
  const candidates = [cwd, ...settings.writableRoots]
  if (!settings.excludeSlashTmp) candidates.push("/tmp")
  if (!settings.excludeTmpdirEnvVar && tmpdir !== undefined && tmpdir.trim() !== "") candidates.push(tmpdir.trim())
  const roots: Array<string> = []
  for (const candidate of candidates.map((path) => NodePath.resolve(path))) {
    if (!roots.includes(candidate)) roots.push(candidate)
  }
  return roots.map(protectedRoot)
}

/** A writable root that keeps its protected names (`.git`) read-only. */
const protectedRoot = (root: string): WritableRoot => ({ root, readOnlySubpaths: PROTECTED_NAMES.map((name) => NodePath.join(root, name)) })

/** The policy of a settled mode. */
export const policyFor = (
  mode: SandboxMode,
  settings: SandboxSettings,
  cwd: string,
  tmpdir: string | undefined
): SandboxPolicy => {
  switch (mode) {
    case "read-only":
      return { mode, writableRoots: [], networkAccess: false }
    case "workspace-write":
      return { mode, writableRoots: writableRoots(settings, cwd, tmpdir), networkAccess: settings.networkAccess }
    case "danger-full-access":
      return { mode, writableRoots: [], networkAccess: true }
  }
}

/** Whether `path` is `root` or below it. */
export const isWithin = (root: string, path: string): boolean =>
  path === root || path.startsWith(root.endsWith("/") ? root : `${root}/`)

/**
 * Why a write to the real absolute `path` is refused under `policy`, or undefined when it is
 * allowed. Danger-full-access allows everything.
 */
export const writeRefusal = (policy: SandboxPolicy, path: string): string | undefined => {
  if (policy.mode === "danger-full-access") return undefined
  const root = policy.writableRoots.find((candidate) => isWithin(candidate.root, path))
  // under read-only, only paths the user granted are writable
  if (root === undefined && policy.mode === "read-only") return "writing is blocked by read-only sandbox"
  if (root === undefined) return `${path} is outside the writable roots of the workspace-write sandbox`
  const locked = root.readOnlySubpaths.find((subpath) => isWithin(subpath, path))
  return locked === undefined ? undefined : `${locked} stays read-only in the ${policy.mode} sandbox`
}

/** What sandboxed commands may read: folders, minus paths the sandbox replaces with its own. */
export interface ReadAccess {
  readonly roots: ReadonlyArray<string>
  readonly except: ReadonlyArray<string>
}

/**
 * What commands under `policy` can read, or undefined for anything (danger-full-access). The
 * sandbox mounts the whole file system read-only but gives commands their own `/proc` and
 * `/dev`, so the host's process table (other processes' environments and command lines) and
 * devices are out of reach. The file tools read by the same rule.
 */
export const readAccess = (policy: SandboxPolicy): ReadAccess | undefined =>
  policy.mode === "danger-full-access" ? undefined : { roots: ["/"], except: ["/proc", "/dev"] }

/** Extra access the user granted through `request_permissions`. */
export interface PermissionGrant {
  readonly network: boolean
  /** Absolute folders (or files) commands may also write. */
  readonly writableRoots: ReadonlyArray<string>
}

export const NO_GRANT: PermissionGrant = { network: false, writableRoots: [] }

/**
 * The grant a `request_permissions` answer gives: `network.enabled: true` turns the network on,
 * `file_system.write` adds writable paths (absolute ones only; others are ignored). Read access is
 * not narrowed by the sandbox, so `file_system.read` adds nothing.
 */
export const grantOf = (permissions: unknown): PermissionGrant => {
  if (!isTable(permissions)) return NO_GRANT
  const network = isTable(permissions["network"]) && permissions["network"]["enabled"] === true
  const fileSystem = permissions["file_system"]
  const write = isTable(fileSystem) && Array.isArray(fileSystem["write"]) ? fileSystem["write"] : []
  const writableRoots = write.filter((path): path is string => typeof path === "string" && NodePath.isAbsolute(path))
    .map((path) => realOrResolved(path))
  return { network, writableRoots }
}

/** The real path (links resolved, as the sandbox mounts it and write checks compare it), else the path made absolute. */
const realOrResolved = (path: string): string => {
  try {
    return NodeFs.realpathSync(path)
  } catch {
    return NodePath.resolve(path)
  }
}

/** Two grants together. */
export const mergeGrants = (a: PermissionGrant, b: PermissionGrant): PermissionGrant => ({
  network: a.network || b.network,
  writableRoots: [...a.writableRoots, ...b.writableRoots.filter((root) => !a.writableRoots.includes(root))]
})

/**
 * `policy` widened by `grant`: the granted paths become writable roots (each keeping its `.git`
 * read-only) and a granted network turns it on. Danger-full-access is already everything.
 */
export const widen = (policy: SandboxPolicy, grant: PermissionGrant): SandboxPolicy => {
  if (policy.mode === "danger-full-access" || (!grant.network && grant.writableRoots.length === 0)) return policy
  const known = policy.writableRoots.map((root) => root.root)
  const added = grant.writableRoots.filter((root) => !known.includes(root)).map(protectedRoot)
  return { mode: policy.mode, writableRoots: [...policy.writableRoots, ...added], networkAccess: policy.networkAccess || grant.network }
}
