/** Sandbox: runs the model's commands inside bubblewrap as sandbox_mode allows, or refuses them (fail closed). */
import * as Command from "@effect/platform/Command"
import * as CommandExecutor from "@effect/platform/CommandExecutor"
import { Context, Data, Effect, Either, Layer, Option, Stream } from "effect"
import * as NodeFs from "node:fs"
import * as NodeOs from "node:os"
import * as NodePath from "node:path"
import { CodexConfig } from "../config/CodexConfig.js"
import { Environment } from "../config/Environment.js"
import * as Bwrap from "./Bwrap.js"
import * as SandboxPolicy from "./SandboxPolicy.js"

/** Whether commands can be sandboxed on this machine. */
export type Availability = Data.TaggedEnum<{
  Available: { readonly bwrap: string }
  Unavailable: { readonly reason: string }
}>
export const Availability = Data.taggedEnum<Availability>()

/** A command that must run sandboxed while no sandbox can be provided. */
export class SandboxError extends Data.TaggedError("SandboxError")<{
  readonly reason: "Unavailable"
  readonly message: string
}> {}

export interface Sandbox {
  /** The settled policy: the requested mode, or the default the machine allows. */
  readonly policy: SandboxPolicy.SandboxPolicy
  /** True when config or flags named the mode (then an unavailable sandbox refuses every command). */
  readonly explicit: boolean
  readonly availability: Availability
  /** The one line to show at start-up, when the sandbox is missing. */
  readonly startupWarning: string | undefined
  /**
   * The argv that runs `argv` in `cwd` under the policy of turn `turnId` (see `policyFor`):
   * unchanged for danger-full-access, wrapped in bwrap otherwise; fails when a sandbox is needed
   * and cannot be provided.
   */
  readonly wrap: (
    argv: readonly [string, ...Array<string>],
    cwd: string,
    turnId?: string
  ) => Effect.Effect<readonly [string, ...Array<string>], SandboxError>
  /** Why writing the real absolute path is refused in turn `turnId`, or undefined when it is allowed. */
  readonly writeRefusal: (path: string, turnId?: string) => string | undefined
  /** The settled policy widened by what was granted for the session and for turn `turnId`. */
  readonly policyFor: (turnId?: string) => SandboxPolicy.SandboxPolicy
  /**
   * Records permissions the user granted through `request_permissions` (the answer's
   * `permissions`), for the rest of the session or for the rest of turn `turnId`.
   */
  readonly grant: (permissions: unknown, scope: "turn" | "session", turnId: string) => Effect.Effect<void>
}
export const Sandbox = Context.GenericTag<Sandbox>("tscodex/Sandbox")

/** What settles the policy. */
export interface MakeOptions {
  readonly settings: SandboxPolicy.SandboxSettings
  /** The session's working directory (a writable root under workspace-write). */
  readonly cwd: string
  /** `$TMPDIR`, a writable root under workspace-write unless excluded. */
  readonly tmpdir: string | undefined
  readonly availability: Availability
}

const FIX = "install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap), or set sandbox_mode = \"danger-full-access\" knowingly"

/** The message a refused command and the start-up warning carry. */
export const unavailableMessage = (mode: SandboxPolicy.SandboxMode, reason: string): string =>
  `sandbox_mode "${mode}" cannot be enforced: ${reason}; commands are refused until you ${FIX}`

/** Builds the service from settled facts (no probing). */
export const make = (options: MakeOptions): Sandbox => {
  const requested = options.settings.requestedMode
  const available = options.availability._tag === "Available"
  const mode: SandboxPolicy.SandboxMode = requested ?? (available ? SandboxPolicy.DEFAULT_SANDBOX_MODE : "danger-full-access")
  const policy = SandboxPolicy.policyFor(mode, options.settings, options.cwd, options.tmpdir)
  const reason = options.availability._tag === "Unavailable" ? options.availability.reason : ""
  const startupWarning = available || mode === "danger-full-access" && requested !== undefined
    ? undefined
    : requested === undefined
    ? `[warning] no sandbox: ${reason}; the model's commands run unsandboxed. To fix, ${FIX}.`
    : `[warning] ${unavailableMessage(mode, reason)}.`
  let sessionGrant = SandboxPolicy.NO_GRANT
  // grants of the latest turns only: an older turn has ended
  const turnGrants = new Map<string, SandboxPolicy.PermissionGrant>()
  const policyFor = (turnId?: string): SandboxPolicy.SandboxPolicy => {
    const turn = turnId === undefined ? undefined : turnGrants.get(turnId)
    return SandboxPolicy.widen(policy, turn === undefined ? sessionGrant : SandboxPolicy.mergeGrants(sessionGrant, turn))
  }
  const grant: Sandbox["grant"] = (permissions, scope, turnId) =>
    Effect.sync(() => {
      const granted = SandboxPolicy.grantOf(permissions)
      if (scope === "session") {
        sessionGrant = SandboxPolicy.mergeGrants(sessionGrant, granted)
        return
      }
      turnGrants.set(turnId, SandboxPolicy.mergeGrants(turnGrants.get(turnId) ?? SandboxPolicy.NO_GRANT, granted))
      for (const old of turnGrants.keys()) {
        if (turnGrants.size <= MAX_TURN_GRANTS) break
        turnGrants.delete(old)
      }
    })
  const wrap: Sandbox["wrap"] = (argv, cwd, turnId) => {
    if (mode === "danger-full-access") return Effect.succeed(argv)
    if (options.availability._tag === "Unavailable") {
      return Effect.fail(new SandboxError({ reason: "Unavailable", message: unavailableMessage(mode, reason) }))
    }
    return Effect.succeed(Bwrap.commandArgs(options.availability.bwrap, policyFor(turnId), argv, cwd))
  }
  return {
    policy,
    explicit: requested !== undefined,
    availability: options.availability,
    startupWarning,
    wrap,
    writeRefusal: (path, turnId) => SandboxPolicy.writeRefusal(policyFor(turnId), path),
    policyFor,
    grant
  }
}

/** How many turns' grants are remembered (the running turns of a session and its sub-agents). */
const MAX_TURN_GRANTS = 16

/** Runs `argv`; its exit code and standard error (-1 and the failure when it cannot start). */
export const runQuiet = (
  executor: CommandExecutor.CommandExecutor,
  argv: readonly [string, ...Array<string>]
): Effect.Effect<{ readonly exitCode: number; readonly stderr: string }> =>
  Effect.scoped(Effect.gen(function*() {
    const [program, ...args] = argv
    const child = yield* executor.start(Command.make(program, ...args).pipe(Command.stdin("pipe")))
    const [, stderr, exitCode] = yield* Effect.all([
      Stream.runDrain(child.stdout),
      child.stderr.pipe(Stream.decodeText(), Stream.mkString),
      child.exitCode
    ], { concurrency: "unbounded" })
    return { exitCode: exitCode as number, stderr: stderr.trim() }
  })).pipe(
    Effect.timeout("10 seconds"),
    Effect.catchAll((error) => Effect.succeed({ exitCode: -1, stderr: error.message }))
  )

const PROBE_POLICY: SandboxPolicy.SandboxPolicy = { mode: "read-only", writableRoots: [], networkAccess: false }

/**
 * Finds bwrap and checks that it can build a sandbox here (user namespaces allowed, and so on)
 * by running `true`-like shell inside the strictest policy.
 */
export const probe = (
  settings: SandboxPolicy.SandboxSettings,
  pathVariable: string | undefined
): Effect.Effect<Availability, never, CommandExecutor.CommandExecutor> =>
  Effect.gen(function*() {
    if (process.platform !== "linux") {
      return Availability.Unavailable({ reason: `sandboxing needs Linux with bubblewrap (this is ${process.platform})` })
    }
    const found = Bwrap.locate(settings.bwrapPath, pathVariable)
    if ("problem" in found) return Availability.Unavailable({ reason: found.problem })
    const executor = yield* CommandExecutor.CommandExecutor
    const run = yield* runQuiet(executor, Bwrap.commandArgs(found.path, PROBE_POLICY, ["/bin/sh", "-c", "exit 0"], "/"))
    if (run.exitCode !== 0) {
      const detail = run.stderr.split("\n")[0] ?? ""
      return Availability.Unavailable({
        reason: `${found.path} cannot create a sandbox here (${detail === "" ? `exit code ${run.exitCode}` : detail}); user namespaces may be disabled`
      })
    }
    return Availability.Available({ bwrap: found.path })
  })

/**
 * Runs a write into a fresh temporary folder under the read-only policy: undefined when the
 * write was refused (the sandbox works), else what went wrong.
 */
export const probeWriteRefused = (
  bwrap: string
): Effect.Effect<string | undefined, never, CommandExecutor.CommandExecutor> =>
  Effect.gen(function*() {
    const dir = NodeFs.mkdtempSync(NodePath.join(NodeOs.tmpdir(), "tscodex-sandbox-probe-"))
    const target = NodePath.join(dir, "probe")
    try {
      const executor = yield* CommandExecutor.CommandExecutor
      const run = yield* runQuiet(executor, Bwrap.commandArgs(bwrap, PROBE_POLICY, ["/bin/sh", "-c", `echo x > '${target}'`], "/"))
      if (NodeFs.existsSync(target)) return `a sandboxed command wrote ${target}`
      return run.exitCode === 0 ? "the sandboxed write reported success" : undefined
    } finally {
      NodeFs.rmSync(dir, { recursive: true, force: true })
    }
  })

/** Options of the live layer. */
export interface LayerOptions {
  /** The session's working directory (default: the process's). */
  readonly cwd?: string
  /** Command-line overrides of the settings (`--sandbox`). */
  readonly mode?: SandboxPolicy.SandboxMode
  /** Told the start-up warning, once, when the sandbox is missing. */
  readonly onWarning?: (message: string) => Effect.Effect<void>
}

/** The sandbox for config.toml on this machine (probes bwrap once, unless danger-full-access was asked for). */
export const layer = (options: LayerOptions = {}) =>
  Layer.effect(
    Sandbox,
    Effect.gen(function*() {
      const config = yield* CodexConfig
      const env = yield* Environment
      const parsed = SandboxPolicy.fromConfig(config.raw, NodePath.dirname(config.configPath))
      if (Either.isLeft(parsed)) return yield* Effect.fail(parsed.left)
      const settings = options.mode === undefined ? parsed.right : { ...parsed.right, requestedMode: options.mode }
      const availability = settings.requestedMode === "danger-full-access"
        ? Availability.Unavailable({ reason: "not probed (danger-full-access)" })
        : yield* probe(settings, env.get("PATH"))
      const cwd = NodeFs.realpathSync(options.cwd ?? process.cwd())
      const sandbox = make({ settings, cwd, tmpdir: Option.getOrUndefined(Option.fromNullable(env.get("TMPDIR"))), availability })
      if (sandbox.startupWarning !== undefined && options.onWarning !== undefined) yield* options.onWarning(sandbox.startupWarning)
      return sandbox
    })
  )
