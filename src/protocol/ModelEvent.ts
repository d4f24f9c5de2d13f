/** What a ModelClient stream emits while one sampling request runs, ending with the response. */
import { Data } from "effect"
import type { ModelOutputItem } from "./Items.js"

/** Token usage as the provider reported it; only `total_tokens` is read by the kernel. */
export type Usage = Readonly<Record<string, unknown>> & { readonly total_tokens?: number }

/** Details of a provider-side web search, reported as a `tool_called` event. */
export interface WebSearchAction {
  readonly actionType: string
  readonly query?: unknown
  readonly queries?: ReadonlyArray<string>
  readonly url?: unknown
  readonly pattern?: unknown
}

/** A retry is about to happen ("Reconnecting... n/max"). */
export interface Reconnecting {
  readonly message: string
  readonly attempt: number
  readonly maxRetries: number
  readonly delaySeconds: number
  readonly error: string
  /** Set when the server answered 429: the wait is the server's, and worth showing even in plain progress. */
  readonly rateLimited?: true
}

export type ModelEvent = Data.TaggedEnum<{
  /** A piece of assistant text. */
  AssistantDelta: { readonly delta: string }
  /** A tool call (or provider web search) was parsed from the stream. */
  ToolCallSeen: { readonly callId: string; readonly toolName: string; readonly webSearch?: WebSearchAction }
  /** Usage from `response.completed` (null when the provider sent none). */
  TokenCount: { readonly usage: Usage | null }
  /** The request failed and is being retried. */
  StreamError: Reconnecting
  /** The response completed; the last event of a successful stream. */
  Completed: { readonly items: ReadonlyArray<ModelOutputItem> }
}>
export const ModelEvent = Data.taggedEnum<ModelEvent>()
