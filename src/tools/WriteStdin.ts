/** WriteStdin: the `write_stdin` tool, which types into (or polls) a running unified exec session. */
import { Effect, Schema } from "effect"
import { OptionalIntLike, TextLike } from "./Coercion.js"
import { outputFields, toToolFailure } from "./ExecCommand.js"
import * as Tool from "./Tool.js"
import type { UnifiedExecManager } from "./unifiedExec/UnifiedExecManager.js"

export const NAME = "write_stdin"

/** How long write_stdin waits for new output when the call does not say. */
export const DEFAULT_YIELD_TIME_MS = 250

export const Parameters = Schema.Struct({
  session_id: Tool.requiredArgument(OptionalIntLike, { type: "number", description: "The session ID reported by exec_command." }),
  chars: Tool.optionalArgument(TextLike, {
    type: "string",
    description: "Text to send to standard input; leave empty to only collect new output."
  }),
  ...outputFields
})
export type Parameters = typeof Parameters.Type

/** The write_stdin tool over `manager` (the one its exec_command uses). */
export const make = (manager: UnifiedExecManager): Tool.Tool<Parameters> =>
  Tool.make({
    name: NAME,
    description: "Sends characters to the standard input of a running exec session and returns its new output.",
    parameters: Parameters,
    handler: (args) => {
      if (args.session_id === undefined) {
        return Effect.succeed("Error: `session_id` is required.")
      }
      return manager.writeStdin({
        sessionId: args.session_id,
        chars: args.chars ?? "",
        yieldTimeMs: args.yield_time_ms ?? DEFAULT_YIELD_TIME_MS,
        maxOutputTokens: args.max_output_tokens
      }).pipe(Effect.mapError(toToolFailure))
    }
  })
