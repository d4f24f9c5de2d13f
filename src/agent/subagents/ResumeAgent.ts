/** ResumeAgent: the `resume_agent` tool, which brings a closed sub-agent back with its history. */
import { Effect, Schema } from "effect"
import type * as SubAgents from "../SubAgents.js"
import * as Tool from "../../tools/Tool.js"
import { agentId, ID_REQUIRED } from "./Arguments.js"

export const NAME = "resume_agent"

export const Parameters = Schema.Struct({
  id: Tool.requiredArgument(Schema.Unknown.annotations({ jsonSchema: { type: "string", description: "The id of the agent to resume." } }))
})
export type Parameters = typeof Parameters.Type

/** resume_agent over `manager`: `{"status": ...}`, `pending_init` when the agent was restarted. */
export const make = (manager: SubAgents.SubAgents): Tool.Tool<Parameters> =>
  Tool.make({
    name: NAME,
    description: "Brings a closed agent back so it can receive send_input calls again.",
    parameters: Parameters,
    handler: (args) => {
      const id = agentId(args.id)
      return id === undefined ? Effect.succeed(ID_REQUIRED) : manager.resume(id)
    }
  })
