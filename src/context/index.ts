/** tscodex/context: the service that turns history and configuration into the prompt, and its live layer. */
export * as ContextManager from "./ContextManager.js"
export * as ContextManagerLive from "./ContextManagerLive.js"
