/** ExecCommand: the `exec_command` tool, which starts a shell command in a unified exec session. */
import { Effect, Schema } from "effect"
import { IntLike, OptionalIntLike, TextLike, Truthy } from "./Coercion.js"
import * as Tool from "./Tool.js"
import type { UnifiedExecError, UnifiedExecManager } from "./unifiedExec/UnifiedExecManager.js"

export const NAME = "exec_command"

/** How long exec_command waits for the command when the call does not say. */
export const DEFAULT_YIELD_TIME_MS = 10_000

/**
 * The arguments exec_command reads. The declaration also lists `justification`, `prefix_rule` and
 * `sandbox_permissions`; they only matter to an approval flow and are accepted and ignored here.
 */
export const Parameters = Schema.Struct({
  cmd: Schema.optionalWith(TextLike, { exact: true }),
  workdir: Schema.optionalWith(TextLike, { exact: true }),
  shell: Schema.optionalWith(TextLike, { exact: true }),
  login: Schema.optionalWith(Truthy, { exact: true }),
  tty: Schema.optionalWith(Truthy, { exact: true }),
  yield_time_ms: Schema.optionalWith(IntLike, { exact: true }),
  max_output_tokens: Schema.optionalWith(OptionalIntLike, { exact: true })
})
export type Parameters = typeof Parameters.Type

/** Error names the model sees for the ways starting a command can fail. */
export const failureName: Record<UnifiedExecError["reason"], string> = {
  WorkdirNotFound: "FileNotFoundError",
  NotADirectory: "NotADirectoryError",
  ProgramNotFound: "FileNotFoundError",
  PermissionDenied: "PermissionError",
  Spawn: "OSError",
  Write: "BrokenPipeError"
}

export const toToolFailure = (error: UnifiedExecError): Tool.ToolFailure =>
  new Tool.ToolFailure({ name: failureName[error.reason], message: error.message })

const blankToUndefined = (value: string | undefined) => (value === undefined || value === "" ? undefined : value)

/** The exec_command tool over `manager`. */
export const make = (manager: UnifiedExecManager): Tool.Tool<Parameters> =>
  Tool.make({
    name: NAME,
    description: "Runs a shell command and returns its output, or a session ID while it keeps running.",
    parameters: Parameters,
    // Codex declares exec_command parallel-safe: two commands of one response run at the same time.
    supportsParallel: true,
    handler: (args) => {
      const cmd = (args.cmd ?? "").trim()
      if (cmd === "") return Effect.succeed("Error: `cmd` is required.")
      return manager.execCommand({
        cmd,
        workdir: blankToUndefined(args.workdir),
        shell: blankToUndefined(args.shell),
        login: args.login ?? true,
        tty: args.tty ?? false,
        yieldTimeMs: args.yield_time_ms ?? DEFAULT_YIELD_TIME_MS,
        maxOutputTokens: args.max_output_tokens
      }).pipe(Effect.mapError(toToolFailure))
    }
  })
