/** tscodex/agent: the turn loop, the runtime, turn events (as callbacks or a Stream) and compaction. */
export * as AgentEvents from "./AgentEvents.js"
export * as AgentLoop from "./AgentLoop.js"
export * as AgentRuntime from "./AgentRuntime.js"
export * as Compactor from "./Compactor.js"
export * as CompactorLive from "./CompactorLive.js"
export * as SubAgents from "./SubAgents.js"
export * as TurnStream from "./TurnStream.js"
