/** ExecCommand: the `exec_command` tool, which starts a shell command in a unified exec session. */
import { Effect, Schema } from "effect"
import { IntLike, OptionalIntLike, TextLike, Truthy } from "./Coercion.js"
import * as Tool from "./Tool.js"
import type { UnifiedExecError, UnifiedExecManager } from "./unifiedExec/UnifiedExecManager.js"

export const NAME = "exec_command"

/** How long exec_command waits for the command when the call does not say. */
export const DEFAULT_YIELD_TIME_MS = 10_000

/** The waiting and output-size arguments exec_command and write_stdin share. */
export const outputFields = {
  yield_time_ms: Tool.optionalArgument(IntLike, { type: "number", description: "Milliseconds to wait for the command to finish before returning." }),
  max_output_tokens: Tool.optionalArgument(OptionalIntLike, {
    type: "number",
    description: "Upper bound on the tokens of output returned; longer output is cut in the middle."
  })
}

/**
 * The arguments exec_command reads, annotated with the declaration the model sees. `sandbox_permissions`
 * and `justification` feed the approval flow; `prefix_rule` (a rule the user could keep for later)
 * is accepted and not used.
 */
export const Parameters = Schema.Struct({
  cmd: Tool.requiredArgument(TextLike, { type: "string", description: "The command line to run in the shell." }),
  workdir: Tool.optionalArgument(TextLike, {
    type: "string",
    description: "Directory to run the command in. Defaults to the working directory of the turn."
  }),
  shell: Tool.optionalArgument(TextLike, { type: "string", description: "The shell program to use. Defaults to the user's login shell." }),
  login: Tool.optionalArgument(Truthy, { type: "boolean", description: "Start the shell as a login shell (-l). Defaults to true." }),
  tty: Tool.optionalArgument(Truthy, {
    type: "boolean",
    description: "Run the command attached to a terminal (true) instead of plain pipes (false, the default). Use it for programs that need an interactive terminal."
  }),
  ...outputFields,
  justification: Tool.optionalArgument(TextLike, {
    type: "string",
    description: "Only used together with sandbox_permissions set to \"require_escalated\": one short question, shown to the user, asking whether the command may run outside the sandbox. Phrase it so the user can answer yes or no, e.g. \"Allow installing the project dependencies from the network?\"."
  }),
  prefix_rule: Tool.optionalArgument(Schema.Unknown, {
    type: "array",
    items: { type: "string" },
    description: "Only used together with sandbox_permissions set to \"require_escalated\": an argv prefix (for example [\"npm\", \"install\"]) that the user could approve once for all similar commands in the future. Keep it narrow enough to be safe and general enough to be reusable; leave it out when no sensible prefix exists."
  }),
  sandbox_permissions: Tool.optionalArgument(TextLike, {
    type: "string",
    description: "How to sandbox the command: \"use_default\" (the default) keeps the turn's sandbox; \"require_escalated\" asks the user to run it without one."
  })
})
export type Parameters = typeof Parameters.Type

/** Error names the model sees for the ways starting a command can fail. */
export const failureName: Record<UnifiedExecError["reason"], string> = {
  WorkdirNotFound: "FileNotFoundError",
  NotADirectory: "NotADirectoryError",
  ProgramNotFound: "FileNotFoundError",
  PermissionDenied: "PermissionError",
  Spawn: "OSError",
  Write: "BrokenPipeError",
  Sandbox: "SandboxError"
}

/** The values `sandbox_permissions` takes. */
export const SANDBOX_PERMISSIONS = ["use_default", "require_escalated"] as const

export const toToolFailure = (error: UnifiedExecError): Tool.ToolFailure =>
  new Tool.ToolFailure({ name: failureName[error.reason], message: error.message })

const blankToUndefined = (value: string | undefined) => (value === undefined || value === "" ? undefined : value)

/** The exec_command tool over `manager`. */
export const make = (manager: UnifiedExecManager): Tool.Tool<Parameters> =>
  Tool.make({
    name: NAME,
    description: "Starts a shell command and returns its output so far, or a session ID to keep talking to it.",
    parameters: Parameters,
    // Codex declares exec_command parallel-safe: two commands of one response run at the same time.
    supportsParallel: true,
    handler: (args, context) => {
      const cmd = (args.cmd ?? "").trim()
      if (cmd === "") return Effect.succeed("Error: `cmd` is required.")
      const permissions = blankToUndefined(args.sandbox_permissions?.trim()) ?? "use_default"
      if (!(SANDBOX_PERMISSIONS as ReadonlyArray<string>).includes(permissions)) {
        return Effect.succeed(
          `Error: unknown sandbox_permissions ${JSON.stringify(permissions)}; expected one of ${SANDBOX_PERMISSIONS.join(", ")}.`
        )
      }
      return manager.execCommand({
        cmd,
        workdir: blankToUndefined(args.workdir),
        shell: blankToUndefined(args.shell),
        login: args.login ?? true,
        tty: args.tty ?? false,
        yieldTimeMs: args.yield_time_ms ?? DEFAULT_YIELD_TIME_MS,
        maxOutputTokens: args.max_output_tokens,
        sandboxPermissions: permissions as (typeof SANDBOX_PERMISSIONS)[number],
        justification: blankToUndefined(args.justification?.trim()),
        turnId: context.turnId
      }).pipe(Effect.mapError(toToolFailure))
    }
  })
