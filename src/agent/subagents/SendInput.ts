/** SendInput: the `send_input` tool, which queues (or, with `interrupt`, steers) a message to a sub-agent. */
import { Effect, Schema } from "effect"
import type * as SubAgents from "../SubAgents.js"
import { Truthy } from "../../tools/Coercion.js"
import * as Tool from "../../tools/Tool.js"
import {
  agentId,
  agentIdArgument,
  composePrompt,
  ID_REQUIRED,
  inputItems,
  inputItemsArgument,
  ITEMS_NOT_LIST,
  optionalText,
  orRefusal
} from "./Arguments.js"

export const NAME = "send_input"

export const NOTHING_TO_SEND = "Error: `message` or `items` is required."

export const Parameters = Schema.Struct({
  id: agentIdArgument("The id of the agent, as returned by spawn_agent."),
  message: Tool.optionalArgument(Schema.Unknown, { type: "string", description: "The message as plain text. Give either this or items." }),
  items: inputItemsArgument,
  interrupt: Tool.optionalArgument(Truthy, {
    type: "boolean",
    description: "When true, stop what the agent is doing and hand it this message immediately; when false (the default), queue it."
  })
})
export type Parameters = typeof Parameters.Type

/** send_input over `manager`: returns the submission id; unknown and closed agents are refused. */
export const make = (manager: SubAgents.SubAgents): Tool.Tool<Parameters> =>
  Tool.make({
    name: NAME,
    description: "Sends a new message to an existing agent. By default the message waits until the agent's current turn ends; set interrupt to deliver it at once.",
    parameters: Parameters,
    handler: (args) => {
      const id = agentId(args.id)
      if (id === undefined) return Effect.succeed(ID_REQUIRED)
      const items = inputItems(args.items)
      if (items === undefined) return Effect.succeed(ITEMS_NOT_LIST)
      const text = composePrompt(optionalText(args.message), items)
      if (text === "") return Effect.succeed(NOTHING_TO_SEND)
      return orRefusal(manager.sendInput(id, text, args.interrupt === true))
    }
  })
