/** tscodex: the public library API — every sub-path's namespaces (agent, config, context, model, protocol, session, stack, tools) in one place. */
export * from "./agent/index.js"
export * from "./config/index.js"
export * from "./context/index.js"
export * from "./model/index.js"
export * from "./protocol/index.js"
export * from "./session/index.js"
export * from "./stack/index.js"
export * from "./tools/index.js"
