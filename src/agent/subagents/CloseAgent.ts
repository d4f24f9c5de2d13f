/** CloseAgent: the `close_agent` tool, which stops a sub-agent and reports the status it had. */
import { Effect, Schema } from "effect"
import type * as SubAgents from "../SubAgents.js"
import * as Tool from "../../tools/Tool.js"
import { agentId, ID_REQUIRED } from "./Arguments.js"

export const NAME = "close_agent"

export const Parameters = Schema.Struct({
  id: Tool.requiredArgument(Schema.Unknown.annotations({ jsonSchema: { type: "string", description: "The id of the agent to close." } }))
})
export type Parameters = typeof Parameters.Type

/** close_agent over `manager`: `{"status": <status before closing>}`. */
export const make = (manager: SubAgents.SubAgents): Tool.Tool<Parameters> =>
  Tool.make({
    name: NAME,
    description: "Shuts an agent down when its work is finished or no longer needed, and returns its last status.",
    parameters: Parameters,
    handler: (args) => {
      const id = agentId(args.id)
      return id === undefined ? Effect.succeed(ID_REQUIRED) : manager.close(id)
    }
  })
