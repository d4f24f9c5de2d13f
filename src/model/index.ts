/** tscodex/model: the ModelClient service (with a scripted client), its errors, and the Responses API client. */
export * as ModelClient from "./ModelClient.js"
export * as ModelError from "./ModelError.js"
export * as ResponsesModelClient from "./ResponsesModelClient.js"
