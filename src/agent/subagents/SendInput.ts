/** SendInput: the `send_input` tool, which queues (or, with `interrupt`, steers) a message to a sub-agent. */
import { Effect, Schema } from "effect"
import type * as SubAgents from "../SubAgents.js"
import { Truthy } from "../../tools/Coercion.js"
import * as Tool from "../../tools/Tool.js"
import { agentId, composePrompt, ID_REQUIRED, inputItems, ITEMS_NOT_LIST, optionalText, orRefusal } from "./Arguments.js"

export const NAME = "send_input"

export const NOTHING_TO_SEND = "Error: `message` or `items` is required."

export const Parameters = Schema.Struct({
  id: Tool.requiredArgument(Schema.Unknown.annotations({ jsonSchema: { type: "string", description: "The id of the agent, as returned by spawn_agent." } })),
  message: Schema.optionalWith(Schema.Unknown.annotations({ jsonSchema: { type: "string", description: "The message as plain text. Give either this or items." } }), { exact: true }),
  items: Schema.optionalWith(Schema.Unknown.annotations({
    jsonSchema: {
      type: "array",
      items: {
        type: "object",
        properties: {
          image_url: { type: "string", description: "Address of the image, used when type is image." },
          name: { type: "string", description: "Name to display, used when type is skill or mention." },
          path: {
            type: "string",
            description: "Path of a local image (local_image), of a skill file (skill), or the target of a mention such as app://<connector-id> (mention)."
          },
          text: { type: "string", description: "The text itself, used when type is text." },
          type: { type: "string", description: "Kind of item: text, image, local_image, skill or mention." }
        },
        additionalProperties: false
      },
      description: "Structured input items (text, images, skills, mentions). Give either this or message, not both."
    }
  }), { exact: true }),
  interrupt: Schema.optionalWith(Truthy.annotations({
    jsonSchema: {
      type: "boolean",
      description: "When true, stop what the agent is doing and hand it this message immediately; when false (the default), queue it."
    }
  }), { exact: true })
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
