/** tscodex/protocol: the data passed between services: items, prompts, model events, agent events, ids. */
export * as AgentEvent from "./AgentEvent.js"
export * as Ids from "./Ids.js"
export * as Items from "./Items.js"
export * as ModelEvent from "./ModelEvent.js"
export * as Prompt from "./Prompt.js"
