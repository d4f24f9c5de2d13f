/** ChatRequest: an inbound Responses request -> the canonical Chat Completions request sent downstream. */
import { Either } from "effect"
import type { ChatRequest, MutableChatRequest } from "../../protocol/ChatWire.js"
import { customToolNames, type CustomToolOptions } from "./CustomTools.js"
import * as PayloadProcessors from "./PayloadProcessors.js"
import type { TranslateError, UnsupportedFeature } from "./RequestErrors.js"
import { checkHeader, requireObject } from "./Validate.js"
import { TOOL_SEARCH_NAME, translateInput } from "./ChatInputItems.js"
import { loadedToolDefinitions, translateTools, translateToolChoice } from "./ChatTools.js"
import { isPositiveInteger, text } from "./Values.js"

export { TOOL_SEARCH_NAME }

/** What a downstream provider accepts. */
export interface ProviderCapabilities {
  /** Reasoning items are replayed as the assistant's `reasoning`. */
  readonly chatReasoning: boolean
  /** The stream is asked to report token usage (`stream_options.include_usage`). */
  readonly streamUsage: boolean
}

const KNOWN_CAPABILITIES: ReadonlyMap<string, ProviderCapabilities> = new Map([
  ["vllm", { chatReasoning: true, streamUsage: true }],
  ["stepfun", { chatReasoning: true, streamUsage: true }]
])

/** Capabilities of a `model_provider`; unknown providers are treated like vLLM. */
export const providerCapabilities = (provider: string | null | undefined): ProviderCapabilities =>
  KNOWN_CAPABILITIES.get(PayloadProcessors.providerKey(provider)) ??
  KNOWN_CAPABILITIES.get(PayloadProcessors.FALLBACK_PROVIDER)!

/** How a request is translated. */
export interface TranslateOptions extends CustomToolOptions {
  /** The configured `model_provider`: selects capabilities and the payload processor. */
  readonly provider?: string | null | undefined
  /** Overrides the provider's capabilities. */
  readonly capabilities?: ProviderCapabilities
  /** Ask the backend for prompt and output token ids (set when trajectories are dumped). */
  readonly returnTokenIds?: boolean
  /** The payload processor registry (the built-ins by default). */
  readonly processors?: PayloadProcessors.Registry
}

/** The result of translating one inbound request. */
export interface TranslatedRequest {
  /** The trimmed model id (never replaced). */
  readonly model: string
  /** The canonical request, before the provider's processor ran. */
  readonly canonical: ChatRequest
  /** The request to send: canonical, with `return_token_ids` if asked, after the provider's processor. */
  readonly request: ChatRequest
  /** Names of inbound custom tools: downstream calls to them become `custom_tool_call` items. */
  readonly customToolNames: ReadonlySet<string>
  /** Tool name -> namespace, for tools that arrived inside a `namespace` tool. */
  readonly namespacedTools: ReadonlyMap<string, string>
  /** Whether a `tool_search` tool is offered: downstream calls to it become `tool_search_call` items. */
  readonly toolSearch: boolean
}

/** The output token limit: `max_output_tokens`, else `max_tokens`, when a positive integer. */
export const outputTokenLimit = (body: Readonly<Record<string, unknown>>): number | undefined =>
  isPositiveInteger(body.max_output_tokens)
    ? body.max_output_tokens
    : isPositiveInteger(body.max_tokens)
      ? body.max_tokens
      : undefined

interface Built {
  readonly request: ChatRequest
  readonly namespacedTools: ReadonlyMap<string, string>
}

const build = (
  body: Readonly<Record<string, unknown>>,
  options: TranslateOptions
): Either.Either<Built, UnsupportedFeature> =>
  Either.gen(function* () {
    const model = yield* checkHeader(body)
    const capabilities = options.capabilities ?? providerCapabilities(options.provider)
    const input = yield* translateInput(body.instructions, body.input, capabilities)
    const request: MutableChatRequest = { model, messages: input.messages, stream: true }
    const limit = outputTokenLimit(body)
    if (limit !== undefined) request.max_tokens = limit
    if (capabilities.streamUsage) request.stream_options = { include_usage: true }
    const offered = yield* translateTools(body.tools, options)
    const tools = input.loadedTools.length > 0 ? loadedToolDefinitions(input.loadedTools, offered, options) : offered
    if (tools.tools.length > 0) request.tools = tools.tools
    if (body.tool_choice !== undefined && body.tool_choice !== null) {
      request.tool_choice = yield* translateToolChoice(body.tool_choice)
    }
    if (typeof body.parallel_tool_calls === "boolean") request.parallel_tool_calls = body.parallel_tool_calls
    if (options.returnTokenIds === true) request.return_token_ids = true
    return { request, namespacedTools: tools.namespaces }
  })

/**
 * The canonical chat request of an inbound body (an object), or the first
 * unsupported feature it uses. Deterministic: building twice gives equal results.
 */
export const buildChatRequest = (
  body: Readonly<Record<string, unknown>>,
  options: TranslateOptions = {}
): Either.Either<ChatRequest, UnsupportedFeature> => Either.map(build(body, options), (built) => built.request)

/**
 * Translate a parsed inbound body: check it, build the canonical chat request,
 * run the provider's payload processor on a copy, and collect what the response
 * side needs to map downstream calls back to Responses items.
 */
export const translateRequest = (
  body: unknown,
  options: TranslateOptions = {}
): Either.Either<TranslatedRequest, TranslateError> =>
  Either.gen(function* () {
    const object = yield* requireObject(body)
    const built = yield* build(object, options)
    const request = yield* PayloadProcessors.apply(
      options.processors ?? PayloadProcessors.builtins,
      options.provider,
      built.request
    )
    const tools = built.request.tools ?? []
    return {
      model: built.request.model,
      canonical: built.request,
      request,
      customToolNames: customToolNames(object.tools),
      namespacedTools: built.namespacedTools,
      toolSearch: tools.some((tool) => tool.name === TOOL_SEARCH_NAME)
    }
  })

/**
 * The session a request belongs to: the `x-client-request-id` header when set,
 * else the body's `prompt_cache_key`, else none.
 */
export const sessionIdOf = (body: Readonly<Record<string, unknown>>, clientRequestId?: string | null): string | null => {
  if (clientRequestId !== undefined && clientRequestId !== null && clientRequestId !== "") return clientRequestId
  const key = text(body.prompt_cache_key).trim()
  return key === "" ? null : key
}
