/** SpawnAgent: the `spawn_agent` tool, which starts a sub-agent on a message and returns its id and nickname. */
import { Effect, Schema } from "effect"
import type * as SubAgents from "../../agent/SubAgents.js"
import { Truthy } from "../Coercion.js"
import * as Tool from "../Tool.js"
import { composePrompt, inputItems, ITEMS_NOT_LIST, optionalText, orRefusal } from "./Arguments.js"

export const NAME = "spawn_agent"

export const NOTHING_TO_SEND = "Provide one of: message or items"

/** `agent_type` is accepted for compatibility and has no effect. */
export const Parameters = Schema.Struct({
  message: Schema.optionalWith(Schema.Unknown, { exact: true }),
  items: Schema.optionalWith(Schema.Unknown, { exact: true }),
  agent_type: Schema.optionalWith(Schema.Unknown, { exact: true }),
  fork_context: Schema.optionalWith(Truthy, { exact: true }),
  model: Schema.optionalWith(Schema.Unknown, { exact: true }),
  reasoning_effort: Schema.optionalWith(Schema.Unknown, { exact: true })
})
export type Parameters = typeof Parameters.Type

/** spawn_agent over `manager`; with `fork_context` the agent starts from the caller's history. */
export const make = (manager: SubAgents.SubAgents): Tool.Tool<Parameters> =>
  Tool.make({
    name: NAME,
    description: "Starts a sub-agent on a task given as a message or input items, and returns its id and nickname.",
    parameters: Parameters,
    handler: (args, context) => {
      const message = optionalText(args.message)
      const items = inputItems(args.items)
      if (items === undefined) return Effect.succeed(ITEMS_NOT_LIST)
      if (message === undefined && items.length === 0) return Effect.succeed(NOTHING_TO_SEND)
      const model = optionalText(args.model)
      const reasoningEffort = optionalText(args.reasoning_effort)
      return orRefusal(manager.spawn({
        prompt: composePrompt(message, items),
        ...(model !== undefined ? { model } : {}),
        ...(reasoningEffort !== undefined ? { reasoningEffort } : {}),
        initialHistory: args.fork_context === true ? context.history : []
      }))
    }
  })
