/** tscodex/stack: the assembled agent as layers (Agent) and the built-in tool sets the CLI offers. */
export * as Agent from "./Agent.js"
export * as ExecModeTools from "./ExecModeTools.js"
export * as FullTools from "./FullTools.js"
export * as SubAgentTools from "./SubAgentTools.js"
export * as ToolSets from "./ToolSets.js"
