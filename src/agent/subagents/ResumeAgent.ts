/** ResumeAgent: the `resume_agent` tool, which brings a closed sub-agent back with its history. */
import type * as SubAgents from "../SubAgents.js"
import type * as Tool from "../../tools/Tool.js"
import { AgentIdParameters, byAgentId } from "./Arguments.js"

export const NAME = "resume_agent"

export const Parameters = AgentIdParameters("The id of the agent to resume.")
export type Parameters = typeof Parameters.Type

/** resume_agent over `manager`: `{"status": ...}`, `pending_init` when the agent was restarted. */
export const make = (manager: SubAgents.SubAgents): Tool.Tool<Parameters> =>
  byAgentId({
    name: NAME,
    description: "Brings a closed agent back so it can receive send_input calls again.",
    parameters: Parameters,
    action: (id) => manager.resume(id)
  })
