/** tscodex/config: the resolved configuration, its loader from config.toml and the process environment. */
export * as CodexConfig from "./CodexConfig.js"
export * as ConfigLoader from "./ConfigLoader.js"
export * as Environment from "./Environment.js"
