/** The ways one sampling request can fail, as tagged errors (model-and-cli §3). */
import { Data, type Duration } from "effect"
import type { ModelOutputItem } from "../protocol/Items.js"
import { contextLengthUsage, type ContextLengthUsage, contextLimit } from "./ContextLength.js"

/**
 * The provider says the prompt does not fit the model's context window. Never retried. The token
 * counts are read from the provider text once, where the error is made (`fromText`).
 */
export class ContextLengthExceeded extends Data.TaggedError("ContextLengthExceeded")<{
  readonly message: string
  /** Tokens the request needed ("requested N tokens"), when the text says. */
  readonly requestedTokens?: number
  /** The model's limit ("maximum context length is N tokens"), when the text says. */
  readonly limitTokens?: number
  /** Of the requested tokens, those in the messages, when the text splits them. */
  readonly inputTokens?: number
  /** Of the requested tokens, those reserved for the completion, when the text splits them. */
  readonly outputTokens?: number
}> {
  /** The error for a provider text, with the counts it names. */
  static fromText(message: string): ContextLengthExceeded {
    const usage = contextLengthUsage(message)
    const limit = contextLimit(message)
    return new ContextLengthExceeded({
      message,
      ...(usage !== undefined ? { requestedTokens: usage.total_tokens, inputTokens: usage.input_tokens } : {}),
      ...(usage?.output_tokens !== undefined ? { outputTokens: usage.output_tokens } : {}),
      ...(limit !== undefined ? { limitTokens: limit } : {})
    })
  }

  /** The usage the error reports (`total_tokens`, `input_tokens`, then `output_tokens`), if it names one. */
  get usage(): ContextLengthUsage | undefined {
    if (this.requestedTokens === undefined) return undefined
    const base = { total_tokens: this.requestedTokens, input_tokens: this.inputTokens ?? this.requestedTokens }
    return this.outputTokens === undefined ? base : { ...base, output_tokens: this.outputTokens }
  }
}

/** A failure worth another attempt: 5xx, transport errors, incomplete streams, retryable `response.failed`. */
export class RetryableStreamError extends Data.TaggedError("RetryableStreamError")<{
  readonly message: string
  /** Server hint (`retry-after`, "try again in 2s"); overrides the backoff when set. */
  readonly retryAfter?: Duration.Duration
  /** The HTTP status that stood for the error, when it was one (5xx, 429). */
  readonly status?: number
}> {}

/** A non-retryable API error: a 4xx status, or a `response.failed` with a fatal code. */
export class ApiError extends Data.TaggedError("ApiError")<{
  readonly message: string
  readonly status?: number
  readonly code?: string
}> {}

/** `insufficient_quota` / `usage_not_included`. */
export class QuotaExceeded extends Data.TaggedError("QuotaExceeded")<{ readonly message: string; readonly code: string }> {}

/** `invalid_prompt`. */
export class InvalidPrompt extends Data.TaggedError("InvalidPrompt")<{ readonly message: string }> {}

/** `model_output_invalid`, or an output item the client cannot read (bad function arguments). */
export class ModelOutputInvalid extends Data.TaggedError("ModelOutputInvalid")<{ readonly message: string }> {}

/** No event arrived within `stream_idle_timeout_ms`. Retryable like any transport error. */
export class StreamIdleTimeout extends Data.TaggedError("StreamIdleTimeout")<{
  readonly message: string
  readonly idleMillis: number
}> {}

/** The provider names an `env_key` whose variable is unset or empty. Never retried. */
export class MissingApiKey extends Data.TaggedError("MissingApiKey")<{ readonly envKey: string }> {
  override get message() {
    return `missing API key environment variable: ${this.envKey}`
  }
}

/**
 * The server ended the response with `response.incomplete` (`max_output_tokens`, `content_filter`, ...).
 * Never retried; the items completed before it are kept (and their tool calls still run).
 */
export class IncompleteResponse extends Data.TaggedError("IncompleteResponse")<{
  readonly reason: string
  readonly items: ReadonlyArray<ModelOutputItem>
}> {
  override get message() {
    return `Incomplete response returned, reason: ${this.reason}`
  }
}

export type ModelError =
  | ContextLengthExceeded
  | RetryableStreamError
  | ApiError
  | QuotaExceeded
  | InvalidPrompt
  | ModelOutputInvalid
  | StreamIdleTimeout
  | MissingApiKey
  | IncompleteResponse

export const isRetryable = (error: ModelError): boolean =>
  error._tag === "RetryableStreamError" || error._tag === "StreamIdleTimeout"
