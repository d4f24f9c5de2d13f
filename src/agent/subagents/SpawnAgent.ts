/** SpawnAgent: the `spawn_agent` tool, which starts a sub-agent on a message and returns its id and nickname. */
import { Effect, Schema } from "effect"
import type * as SubAgents from "../SubAgents.js"
import { Truthy } from "../../tools/Coercion.js"
import * as Tool from "../../tools/Tool.js"
import { composePrompt, inputItems, inputItemsArgument, ITEMS_NOT_LIST, optionalText, orRefusal } from "./Arguments.js"

export const NAME = "spawn_agent"

export const NOTHING_TO_SEND = "Provide one of: message or items"

/** `agent_type` is accepted for compatibility and has no effect. */
export const Parameters = Schema.Struct({
  message: Tool.optionalArgument(Schema.Unknown, { type: "string", description: "The task for the new agent as plain text. Give either this or items." }),
  items: inputItemsArgument,
  agent_type: Tool.optionalArgument(Schema.Unknown, {
    type: "string",
    description: "The role of the new agent: \"default\" (general purpose), \"explorer\" (reads and answers questions about the code base, no edits) or \"worker\" (implements a well-defined change). Defaults to \"default\"."
  }),
  fork_context: Tool.optionalArgument(Truthy, {
    type: "boolean",
    description: "When true, the new agent starts with a copy of the current conversation, so the message only needs to describe its part of the work."
  }),
  model: Tool.optionalArgument(Schema.Unknown, { type: "string", description: "A different model for the new agent; by default it uses yours." }),
  reasoning_effort: Tool.optionalArgument(Schema.Unknown, {
    type: "string",
    description: "A different reasoning effort for the new agent; by default it uses yours."
  })
})
export type Parameters = typeof Parameters.Type

/** spawn_agent over `manager`; with `fork_context` the agent starts from the caller's history. */
export const make = (manager: SubAgents.SubAgents): Tool.Tool<Parameters> =>
  Tool.make({
    name: NAME,
    description: "Starts a sub-agent that works on a task in parallel with you and returns its id.\n" +
      "\n" +
      "Only spawn agents when the user explicitly asks for sub-agents, delegation or parallel work; otherwise do the work yourself.\n" +
      "\n" +
      "Guidelines:\n" +
      "- Give each agent a self-contained task with all the context it needs; it does not see your conversation unless fork_context is set.\n" +
      "- Split work into independent pieces so agents do not edit the same files.\n" +
      "- Keep working on your own part while agents run, and use wait_agent only when you need their results.\n" +
      "- Close agents you no longer need with close_agent.",
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
