/** UnifiedExecTools: exec_command and write_stdin built together over one scoped session manager. */
import * as CommandExecutor from "@effect/platform/CommandExecutor"
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, type Scope } from "effect"
import { Environment } from "../config/Environment.js"
import * as Approvals from "../sandbox/Approvals.js"
import * as CommandGate from "../sandbox/CommandGate.js"
import * as Sandbox from "../sandbox/Sandbox.js"
import * as ExecCommand from "./ExecCommand.js"
import type * as Tool from "./Tool.js"
import * as ExecBackend from "./unifiedExec/ExecBackend.js"
import * as PtyBackend from "./unifiedExec/PtyBackend.js"
import * as UnifiedExecManager from "./unifiedExec/UnifiedExecManager.js"
import * as WriteStdin from "./WriteStdin.js"

export interface UnifiedExecToolsOptions {
  /** Default working directory of the commands (default: the process's current directory). */
  readonly cwd?: string
  /**
   * How processes are started (default: pipes through the platform CommandExecutor, and a
   * pseudo-terminal for `tty: true` when node-pty can be loaded).
   */
  readonly backend?: ExecBackend.ExecBackend
  /** Loads the pseudo-terminal support for the default backend (default: node-pty, at the first `tty: true`). */
  readonly ptyLoader?: PtyBackend.PtyLoader
  /**
   * Sandbox and approval policies for every command (default: the Sandbox and Approvals services
   * when the context has them; commands run as given when it has no Sandbox).
   */
  readonly gate?: UnifiedExecManager.ExecGate
}

/** The exec gate over a session's command gate; a missing sandbox is a SandboxError result. */
export const execGate = (gate: CommandGate.Gate): UnifiedExecManager.ExecGate =>
  (request, launch) =>
    gate.run(request, launch).pipe(
      Effect.catchTag("SandboxError", (error) =>
        Effect.fail(new UnifiedExecManager.UnifiedExecError({ reason: "Sandbox", message: error.message })))
    )

/** The gate that runs commands through `sandbox` and `approvals`. */
export const sandboxGate = (sandbox: Sandbox.Sandbox, approvals: Approvals.Approvals): UnifiedExecManager.ExecGate =>
  execGate(CommandGate.make(sandbox, approvals))

/** The gate of the context's Sandbox and Approvals services (approvals default to `never`, nobody asked). */
export const contextGate: Effect.Effect<UnifiedExecManager.ExecGate | undefined> = Effect.map(
  CommandGate.fromContext,
  (gate) => gate === undefined ? undefined : execGate(gate)
)

export interface UnifiedExecTools {
  readonly execCommand: Tool.Tool<ExecCommand.Parameters>
  readonly writeStdin: Tool.Tool<WriteStdin.Parameters>
  readonly manager: UnifiedExecManager.UnifiedExecManager
  /** Both tools, in declaration order. */
  readonly tools: ReadonlyArray<Tool.Tool>
}

/**
 * exec_command and write_stdin sharing one manager. Every process they start belongs to the current
 * Scope and is terminated when it closes.
 */
export const makeUnifiedExecTools = (
  options: UnifiedExecToolsOptions = {}
): Effect.Effect<
  UnifiedExecTools,
  never,
  Scope.Scope | FileSystem.FileSystem | CommandExecutor.CommandExecutor | Environment
> =>
  Effect.gen(function*() {
    const gate = options.gate ?? (yield* contextGate)
    const backend = options.backend ??
      (yield* PtyBackend.withPty(ExecBackend.makePipeBackend(yield* CommandExecutor.CommandExecutor), options.ptyLoader))
    const manager = yield* UnifiedExecManager.make({
      cwd: options.cwd ?? process.cwd(),
      backend,
      environment: yield* Environment,
      ...(gate !== undefined ? { gate } : {})
    })
    const execCommand = ExecCommand.make(manager)
    const writeStdin = WriteStdin.make(manager)
    return { execCommand, writeStdin, manager, tools: [execCommand, writeStdin] }
  })
