/** @internal The pieces of a Responses request: URLs, headers and body. */
import { Either } from "effect"
import type { ProviderInfo } from "../config/CodexConfig.js"
import type { Environment } from "../config/Environment.js"
import { asciiJson, toResponsesInput } from "../protocol/Items.js"
import { type Prompt, serializeToolSpec } from "../protocol/Prompt.js"
import type { ResponsesRequest, TextOptions } from "../protocol/ResponsesWire.js"
import { InvalidPrompt, MissingApiKey } from "./ModelError.js"

/** `text`: the verbosity and, with an output schema, the strict `json_schema` format Codex sends. */
const textControls = (verbosity: string | undefined, schema: unknown): { readonly text?: typeof TextOptions.Type } => {
  const text: typeof TextOptions.Type = {
    ...(verbosity !== undefined ? { verbosity } : {}),
    ...(schema !== undefined ? { format: { type: "json_schema" as const, strict: true, schema, name: "codex_output_schema" } } : {})
  }
  return Object.keys(text).length > 0 ? { text } : {}
}

/** What the request builders need to know about the client. */
export interface RequestSettings {
  readonly provider: ProviderInfo
  readonly originator: string
  readonly userAgent: string
  readonly reasoningEffort?: string | undefined
  readonly reasoningSummary?: string | undefined
  readonly verbosity?: string | undefined
  readonly guardianApproval: boolean
  readonly subagent?: string | undefined
}

export type HeaderList = ReadonlyArray<readonly [name: string, value: string]>

const endpoint = (provider: ProviderInfo, path: string): string => {
  const base = provider.baseUrl.replace(/\/+$/, "")
  if (provider.queryParams.length === 0) return `${base}${path}`
  return `${base}${path}?${new URLSearchParams(provider.queryParams.map(([k, v]): [string, string] => [k, v])).toString()}`
}

/** `<base_url without trailing slashes>/responses[?query]`. */
export const responsesUrl = (provider: ProviderInfo): string => endpoint(provider, "/responses")

/** `<base_url without trailing slashes>/models[?query]`. */
export const modelsUrl = (provider: ProviderInfo): string => endpoint(provider, "/models")

/** The API key, read now: none without `env_key`; an unset or empty variable is an error. */
export const apiKey = (provider: ProviderInfo, env: Environment): Either.Either<string | undefined, MissingApiKey> => {
  if (provider.envKey === undefined || provider.envKey === "") return Either.right(undefined)
  const value = env.get(provider.envKey)
  return value === undefined || value === "" ? Either.left(new MissingApiKey({ envKey: provider.envKey })) : Either.right(value)
}

/** Headers shared by both endpoints after the identity ones, then the provider's extra headers. */
const tailHeaders = (settings: RequestSettings, key: string | undefined): Array<readonly [string, string]> => {
  const headers: Array<readonly [string, string]> = []
  if (key !== undefined) headers.push(["authorization", `Bearer ${key}`])
  if (settings.guardianApproval) headers.push(["x-codex-beta-features", "guardian_approval"])
  if (settings.subagent !== undefined && settings.subagent !== "") headers.push(["x-openai-subagent", settings.subagent])
  return headers
}

const extraHeaders = (provider: ProviderInfo, env: Environment): Array<readonly [string, string]> => {
  const headers: Array<readonly [string, string]> = [...provider.httpHeaders]
  for (const [header, variable] of provider.envHttpHeaders) {
    const value = env.get(variable)
    if (value !== undefined && value.trim() !== "") headers.push([header, value])
  }
  return headers
}

/** Headers of `POST /responses`, in wire order. Transport headers are not part of this list. */
export const responsesHeaders = (
  settings: RequestSettings,
  sessionId: string,
  key: string | undefined,
  prompt: Pick<Prompt, "turnMetadata">,
  env: Environment
): HeaderList => [
  ["content-type", "application/json"],
  ["accept", "text/event-stream"],
  ["x-client-request-id", sessionId],
  ["session_id", sessionId],
  ["originator", settings.originator],
  ["user-agent", settings.userAgent],
  ...tailHeaders(settings, key),
  ...(prompt.turnMetadata !== undefined ? [["x-codex-turn-metadata", asciiJson(prompt.turnMetadata)] as const] : []),
  ...extraHeaders(settings.provider, env)
]

/** Headers of `GET /models`, in wire order. */
export const modelsHeaders = (settings: RequestSettings, key: string | undefined, env: Environment): HeaderList => [
  ["accept", "application/json"],
  ["originator", settings.originator],
  ["user-agent", settings.userAgent],
  ...tailHeaders(settings, key),
  ...extraHeaders(settings.provider, env)
]

/** The request body, keys in wire order. */
export const responsesBody = (
  settings: RequestSettings,
  model: string,
  sessionId: string,
  prompt: Prompt
): Either.Either<ResponsesRequest, InvalidPrompt> => {
  const input: Array<Record<string, unknown>> = []
  for (const item of prompt.input) {
    const encoded = toResponsesInput(item)
    if (Either.isLeft(encoded)) return Either.left(new InvalidPrompt({ message: `cannot encode input item: ${encoded.left.message}` }))
    input.push(encoded.right)
  }
  const tools: Array<Record<string, unknown>> = []
  for (const spec of prompt.tools) {
    const encoded = serializeToolSpec(spec)
    if (Either.isLeft(encoded)) return Either.left(new InvalidPrompt({ message: `cannot encode tool ${spec.name}: ${encoded.left.message}` }))
    tools.push(encoded.right)
  }
  const reasoning = {
    ...(settings.reasoningEffort !== undefined ? { effort: settings.reasoningEffort } : {}),
    ...(settings.reasoningSummary !== undefined ? { summary: settings.reasoningSummary } : {})
  }
  return Either.right({
    model,
    instructions: prompt.baseInstructions ?? "",
    input,
    tools,
    parallel_tool_calls: prompt.parallelToolCalls,
    store: false,
    stream: true,
    include: ["reasoning.encrypted_content"],
    prompt_cache_key: sessionId,
    ...(tools.length > 0 ? { tool_choice: "auto" } : {}),
    ...(Object.keys(reasoning).length > 0 ? { reasoning } : {}),
    ...textControls(settings.verbosity, prompt.outputSchema)
  })
}
