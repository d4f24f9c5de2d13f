/** UnifiedExecTools: exec_command and write_stdin built together over one scoped session manager. */
import * as CommandExecutor from "@effect/platform/CommandExecutor"
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, type Scope } from "effect"
import { Environment } from "../config/Environment.js"
import * as ExecCommand from "./ExecCommand.js"
import type * as Tool from "./Tool.js"
import * as ToolDeclarations from "./ToolDeclarations.js"
import * as ExecBackend from "./unifiedExec/ExecBackend.js"
import * as PtyBackend from "./unifiedExec/PtyBackend.js"
import * as UnifiedExecManager from "./unifiedExec/UnifiedExecManager.js"
import * as WriteStdin from "./WriteStdin.js"

export interface UnifiedExecToolsOptions {
  /** Default working directory of the commands (default: the process's current directory). */
  readonly cwd?: string
  /** Wire declarations to attach (default: read from the package's prompts folder). */
  readonly declarations?: ToolDeclarations.ToolDeclarations
  /**
   * How processes are started (default: pipes through the platform CommandExecutor, and a
   * pseudo-terminal for `tty: true` when node-pty can be loaded).
   */
  readonly backend?: ExecBackend.ExecBackend
  /** Loads the pseudo-terminal support for the default backend (default: node-pty, at the first `tty: true`). */
  readonly ptyLoader?: PtyBackend.PtyLoader
}

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
  ToolDeclarations.ToolDeclarationError,
  Scope.Scope | FileSystem.FileSystem | CommandExecutor.CommandExecutor | Environment
> =>
  Effect.gen(function*() {
    const declarations = options.declarations ?? (yield* ToolDeclarations.load())
    const backend = options.backend ??
      (yield* PtyBackend.withPty(ExecBackend.makePipeBackend(yield* CommandExecutor.CommandExecutor), options.ptyLoader))
    const manager = yield* UnifiedExecManager.make({
      cwd: options.cwd ?? process.cwd(),
      backend,
      environment: yield* Environment
    })
    const execCommand = ToolDeclarations.attach(declarations, ExecCommand.make(manager))
    const writeStdin = ToolDeclarations.attach(declarations, WriteStdin.make(manager))
    return { execCommand, writeStdin, manager, tools: [execCommand, writeStdin] }
  })
