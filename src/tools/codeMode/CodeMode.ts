/** CodeMode: the `exec` tool (raw JavaScript run in a Node cell) and the `wait` tool (more output from a yielded cell). */
import type * as CommandExecutor from "@effect/platform/CommandExecutor"
import { Effect, Schema, type Scope } from "effect"
import { Environment } from "../../config/Environment.js"
import * as CodeModeManager from "./CodeModeManager.js"
import * as Pragma from "./Pragma.js"
import { IntLike, OptionalIntLike, TextLike, Truthy } from "../Coercion.js"
import * as Tool from "../Tool.js"

export const EXEC = "exec"
export const WAIT = "wait"
export const DEFAULT_WAIT_YIELD_MS = 10_000

/** The grammar of exec's input: an optional pragma line, then the source. */
export const EXEC_FORMAT = {
  type: "grammar",
  syntax: "lark",
  definition: "start: pragma_source | plain_source\npragma_source: PRAGMA_LINE NEWLINE SOURCE\nplain_source: SOURCE\n\n" +
    "PRAGMA_LINE: /[ \\t]*\\/\\/ @exec:[^\\r\\n]*/\nNEWLINE: /\\r?\\n/\nSOURCE: /[\\s\\S]+/\n"
}

export const WaitParameters = Schema.Struct({
  cell_id: Tool.requiredArgument(TextLike, { type: "string", description: "The cell to wait on, as exec reported it." }),
  yield_time_ms: Tool.optionalArgument(IntLike, { type: "integer", description: "Milliseconds to wait for more output before returning." }),
  max_tokens: Tool.optionalArgument(OptionalIntLike, { type: "integer", description: "Output budget of this answer, in tokens." }),
  terminate: Tool.optionalArgument(Truthy, { type: "boolean", description: "Stop the cell instead of waiting for it." })
})
export type WaitParameters = typeof WaitParameters.Type

export interface CodeModeTools {
  readonly exec: Tool.Tool<string>
  readonly wait: Tool.Tool<WaitParameters>
  readonly manager: CodeModeManager.CodeModeManager
}

export interface CodeModeOptions {
  /** Working directory of the cells (default: the current directory). */
  readonly cwd?: string
  /** The sandbox and approval policies every cell starts under. */
  readonly gate?: CodeModeManager.CodeModeOptions["gate"]
}

/**
 * exec and wait over one manager. Nested tool calls go through the registry given to
 * `manager.bind`; every cell process ends with the current Scope at the latest.
 */
export const make = (
  options: CodeModeOptions = {}
): Effect.Effect<CodeModeTools, never, Scope.Scope | CommandExecutor.CommandExecutor | Environment> =>
  Effect.gen(function*() {
    const environment = yield* Environment
    const manager = yield* CodeModeManager.make({
      cwd: options.cwd ?? process.cwd(),
      env: environment.all(),
      ...(options.gate !== undefined ? { gate: options.gate } : {})
    })
    const exec = Tool.makeCustom({
      name: EXEC,
      description: "Runs raw JavaScript (not JSON, not a quoted string, no markdown fences) in a fresh Node process. " +
        "Write output with text(...); call tools through tools.<name>(args). An optional first line " +
        "`// @exec: {\"yield_time_ms\": N, \"max_output_tokens\": N}` returns early with a cell ID to wait on.",
      format: EXEC_FORMAT,
      handler: (input, context) => {
        const parsed = Pragma.parse(input)
        return typeof parsed === "string" ? Effect.succeed(parsed) : manager.exec(parsed, context)
      }
    })
    const wait = Tool.make({
      name: WAIT,
      description: "Waits for more output from an exec cell that returned early, or stops it.",
      parameters: WaitParameters,
      handler: (args) => {
        const cellId = (args.cell_id ?? "").trim()
        if (cellId === "") return Effect.succeed("Error: `cell_id` is required.")
        return manager.wait({
          cellId,
          yieldTimeMs: args.yield_time_ms ?? DEFAULT_WAIT_YIELD_MS,
          maxTokens: args.max_tokens,
          terminate: args.terminate ?? false
        })
      }
    })
    return { exec, wait, manager }
  })
