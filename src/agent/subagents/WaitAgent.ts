/** WaitAgent: the `wait_agent` tool, which waits until one of the given sub-agents finishes or a timeout passes. */
import { Effect, Schema } from "effect"
import type * as SubAgents from "../SubAgents.js"
import { OptionalIntLike } from "../../tools/Coercion.js"
import * as Tool from "../../tools/Tool.js"
import { textOf } from "./Arguments.js"

export const NAME = "wait_agent"

/** How long a wait lasts when the call does not say. */
export const DEFAULT_TIMEOUT_MS = 30_000

export const IDS_NOT_LIST = "Error: `ids` must be a non-empty list."
export const IDS_BLANK = "Error: `ids` must include at least one non-empty id."

export const Parameters = Schema.Struct({
  ids: Tool.requiredArgument(Schema.Unknown, {
    type: "array",
    items: { type: "string" },
    description: "The ids of the agents to wait for; the call returns as soon as any of them is done."
  }),
  timeout_ms: Tool.optionalArgument(OptionalIntLike, {
    type: "number",
    description: "How long to wait, in milliseconds (default 30000, between 10000 and 3600000). Prefer long waits over frequent polling."
  })
})
export type Parameters = typeof Parameters.Type

/**
 * wait_agent over `manager`. The timeout is used as given (no clamping to the declared range). The
 * loop turns completed and errored statuses of the result into notifications for the model.
 */
export const make = (manager: SubAgents.SubAgents): Tool.Tool<Parameters> =>
  Tool.make({
    name: NAME,
    description: "Waits until at least one of the given agents reaches a final status (completed, errored, shutdown or not found) or the timeout passes, and returns the status of each. A timeout returns an empty status map with timed_out set.",
    parameters: Parameters,
    handler: (args) => {
      if (!Array.isArray(args.ids) || args.ids.length === 0) return Effect.succeed(IDS_NOT_LIST)
      const ids = (args.ids as ReadonlyArray<unknown>).map((id) => textOf(id).trim()).filter((id) => id !== "")
      if (ids.length === 0) return Effect.succeed(IDS_BLANK)
      return manager.wait(ids, args.timeout_ms ?? DEFAULT_TIMEOUT_MS)
    }
  })
