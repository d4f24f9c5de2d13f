/** SendInput: the `send_input` tool, which queues (or, with `interrupt`, steers) a message to a sub-agent. */
import { Effect, Schema } from "effect"
import type * as SubAgents from "../../agent/SubAgents.js"
import { Truthy } from "../Coercion.js"
import * as Tool from "../Tool.js"
import { agentId, composePrompt, ID_REQUIRED, inputItems, ITEMS_NOT_LIST, optionalText, orRefusal } from "./Arguments.js"

export const NAME = "send_input"

export const NOTHING_TO_SEND = "Error: `message` or `items` is required."

export const Parameters = Schema.Struct({
  id: Schema.optionalWith(Schema.Unknown, { exact: true }),
  message: Schema.optionalWith(Schema.Unknown, { exact: true }),
  items: Schema.optionalWith(Schema.Unknown, { exact: true }),
  interrupt: Schema.optionalWith(Truthy, { exact: true })
})
export type Parameters = typeof Parameters.Type

/** send_input over `manager`: returns the submission id; unknown and closed agents are refused. */
export const make = (manager: SubAgents.SubAgents): Tool.Tool<Parameters> =>
  Tool.make({
    name: NAME,
    description: "Sends a message to a sub-agent, queued behind its current work or, with interrupt, delivered at once.",
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
