/** CloseAgent: the `close_agent` tool, which stops a sub-agent and reports the status it had. */
import type * as SubAgents from "../SubAgents.js"
import type * as Tool from "../../tools/Tool.js"
import { AgentIdParameters, byAgentId } from "./Arguments.js"

export const NAME = "close_agent"

export const Parameters = AgentIdParameters("The id of the agent to close.")
export type Parameters = typeof Parameters.Type

/** close_agent over `manager`: `{"status": <status before closing>}`. */
export const make = (manager: SubAgents.SubAgents): Tool.Tool<Parameters> =>
  byAgentId({
    name: NAME,
    description: "Shuts an agent down when its work is finished or no longer needed, and returns its last status.",
    parameters: Parameters,
    action: (id) => manager.close(id)
  })
