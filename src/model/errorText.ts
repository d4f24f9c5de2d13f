/** @internal The multi-line texts of model stream failures, and how each failure is classified. */
import { Duration } from "effect"
import { isContextLengthText } from "./ContextLength.js"
import { lenientText } from "../protocol/ResponsesWire.js"
import {
  ApiError,
  ContextLengthExceeded,
  InvalidPrompt,
  type ModelError,
  ModelOutputInvalid,
  QuotaExceeded,
  RetryableStreamError
} from "./ModelError.js"

/** Who was asked what: the base details of every structured message. */
export interface RequestContext {
  readonly providerName: string
  readonly model: string
  readonly url: string
  readonly sessionId: string
  /** The variable the API key came from (`env_key`), when the provider has one. */
  readonly envKey?: string
}

/** What one attempt saw before it broke. */
export interface Diagnostics {
  rawLines: number
  events: number
  items: number
  lastSseEvent?: string
  lastEventType?: string
  lastPayload?: string
}

export const emptyDiagnostics = (): Diagnostics => ({ rawLines: 0, events: 0, items: 0 })

export const texts = {
  transportSummary: "responses request failed while reading the HTTP stream",
  transportMeaning: "the HTTP response body ended before the SSE stream finished",
  transportHint:
    "the server or a proxy likely closed the connection before sending `response.completed` or `response.failed`",
  transportLocalHint:
    "if this goes through local `responses_server`, inspect that server's stderr/logs for the downstream backend failure",
  failedSummary: "responses stream failed on the server side",
  failedMeaning: "the server accepted the request but emitted a terminal `response.failed` event",
  failedDefault: "responses stream failed",
  incompleteSummary: "responses stream ended before `response.completed`",
  incompleteMeaning: "the stream ended without a terminal `response.completed` event",
  incompleteHint:
    "the server should emit `response.failed` on mid-stream errors; an abrupt end usually points to a backend, proxy, or server bug",
  invalidSummary: "responses stream contained an invalid JSON event"
} as const

type Detail = readonly [label: string, value: unknown]

/** A summary line and `- label: value` lines; details whose value is empty are left out. */
export const formatMessage = (summary: string, details: ReadonlyArray<Detail>): string => {
  const lines = [summary]
  for (const [label, value] of details) {
    const text = lenientText(value).trim()
    if (text !== "") lines.push(`- ${label}: ${text}`)
  }
  return lines.join("\n")
}

const baseDetails = (ctx: RequestContext): Array<Detail> => [
  ["provider", ctx.providerName],
  ["model", ctx.model],
  ["request", `POST ${ctx.url}`],
  ["session_id", ctx.sessionId]
]

/** The first 240 characters, with `...` when cut. */
export const excerpt = (text: string, limit = 240): string => (text.length > limit ? text.slice(0, limit) + "..." : text)

const isLocalUrl = (url: string): boolean => {
  try {
    const host = new URL(url).hostname
    return host === "127.0.0.1" || host === "localhost"
  } catch {
    return false
  }
}

/** A connection, timeout or read failure at any point of an attempt. */
export const transportMessage = (ctx: RequestContext, diag: Diagnostics, exception: string, detail: string): string =>
  formatMessage(texts.transportSummary, [
    ...baseDetails(ctx),
    ["raw_lines_received", String(diag.rawLines)],
    ["sse_events_received", String(diag.events)],
    ["output_items_received", String(diag.items)],
    ["last_sse_event", diag.lastSseEvent],
    ["last_event_type", diag.lastEventType],
    ["last_payload_excerpt", diag.lastPayload === undefined ? undefined : excerpt(diag.lastPayload)],
    ["exception", exception],
    ["detail", detail],
    ["meaning", texts.transportMeaning],
    ["hint", texts.transportHint],
    ...(isLocalUrl(ctx.url) ? ([["hint", texts.transportLocalHint]] as const) : [])
  ])

/** A terminal `response.failed`. */
export const failedMessage = (ctx: RequestContext, detail: string): string =>
  formatMessage(texts.failedSummary, [
    ...baseDetails(ctx),
    ["detail", detail.trim() === "" ? texts.failedDefault : detail],
    ["meaning", texts.failedMeaning]
  ])

/** The body ended without `response.completed`. */
export const incompleteMessage = (ctx: RequestContext, lastEventType: string | undefined, items: number): string =>
  formatMessage(texts.incompleteSummary, [
    ...baseDetails(ctx),
    ["last_event", lastEventType],
    ["output_items_received", String(items)],
    ["meaning", texts.incompleteMeaning],
    ["hint", texts.incompleteHint]
  ])

/** A data payload that is not JSON. */
export const invalidJsonMessage = (ctx: RequestContext, eventName: string, detail: string, data: string): string =>
  formatMessage(texts.invalidSummary, [
    ...baseDetails(ctx),
    ["event", eventName],
    ["exception", "SyntaxError"],
    ["detail", detail],
    ["data_excerpt", excerpt(data)]
  ])

/** The text people should read from an error body: a JSON body's `error.message` (or `message`, `detail`), else the body. */
export const bodyText = (body: string): string => {
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    return body
  }
  const top = errorObject(json)
  const error = errorObject(top?.error)
  for (const candidate of [error?.message, top?.error, top?.message, top?.detail]) {
    if (typeof candidate === "string" && candidate.trim() !== "") return candidate
  }
  return body
}

/**
 * A non-2xx answer. With the request context, 401/403 name the provider and the variable the key
 * came from, and 404 the URL with what to check.
 */
export const statusMessage = (status: number, body: string, ctx?: RequestContext): string => {
  const first = `responses request failed with status ${status}: ${bodyText(body).slice(0, 500)}`
  if (ctx === undefined) return first
  if (status === 401 || status === 403) {
    const key = ctx.envKey === undefined
      ? `no API key was sent: provider \`${ctx.providerName}\` has no \`env_key\``
      : `the API key comes from the environment variable ${ctx.envKey}; check that it holds a valid key for provider \`${ctx.providerName}\``
    return formatMessage(first, [["provider", ctx.providerName], ["request", `POST ${ctx.url}`], ["hint", key]])
  }
  if (status === 404) {
    return formatMessage(first, [
      ["provider", ctx.providerName],
      ["request", `POST ${ctx.url}`],
      ["hint", `nothing answers at this URL: check \`base_url\` (most servers expect it to end in /v1) and \`wire_api\` of provider \`${ctx.providerName}\``]
    ])
  }
  return first
}

/** Node error codes of failures to reach the server at all. */
const unreachable = {
  refused: new Set(["ECONNREFUSED"]),
  dns: new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_FAIL"]),
  timeout: new Set(["ConnectTimeout", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH"])
} as const

const isTlsCode = (code: string): boolean =>
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|ERR_CERT)/.test(code) ||
  code === "EPROTO"

const hostOf = (url: string): string => {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}

/**
 * The server could not be reached (refused, unknown host, TLS, connect timeout): a message naming
 * the URL and only the hints that apply. `undefined` for other transport failures.
 */
export const connectMessage = (ctx: RequestContext, exception: string, detail: string): string | undefined => {
  const host = hostOf(ctx.url)
  const checkUrl = `check \`base_url\` of provider \`${ctx.providerName}\``
  const [summary, meaning, hint] = unreachable.refused.has(exception)
    ? [`could not connect to ${ctx.url}: connection refused`, `nothing accepts connections at ${host}`, `${checkUrl}, and that the server is running`]
    : unreachable.dns.has(exception)
    ? [`could not connect to ${ctx.url}: unknown host`, `the host name of ${host} could not be resolved`, `${checkUrl} for a typo, and the network or DNS settings`]
    : unreachable.timeout.has(exception)
    ? [`could not connect to ${ctx.url}: no connection in time`, `${host} did not accept a connection before the connect timeout`, `${checkUrl}, the network, and any firewall or proxy in between`]
    : isTlsCode(exception)
    ? [`could not connect to ${ctx.url}: TLS handshake failed`, `the secure connection to ${host} could not be set up`, "check that the URL should use https, and for private certificates set SSL_CERT_FILE (or REQUESTS_CA_BUNDLE) to their CA bundle"]
    : [undefined, undefined, undefined]
  if (summary === undefined) return undefined
  return formatMessage(summary, [
    ...baseDetails(ctx),
    ["exception", exception],
    ["detail", detail],
    ["meaning", meaning],
    ["hint", hint]
  ])
}

// ---------------------------------------------------------------------------
// classification

/** A ContextLengthExceeded carrying the token counts the text mentions. */
export const contextLengthExceeded = (message: string): ContextLengthExceeded => ContextLengthExceeded.fromText(message)

/** "try again in 1.5s" / "in 20ms" / "in 2 seconds": the wait the provider asks for. */
export const rateLimitDelay = (message: string): Duration.Duration | undefined => {
  const match = /try again in\s*(\d+(?:\.\d+)?)\s*(ms|seconds|second|s)/i.exec(message)
  if (match === null) return undefined
  const amount = Number(match[1])
  return match[2]!.toLowerCase() === "ms" ? Duration.millis(amount) : Duration.millis(amount * 1000)
}

/** `retry-after` as seconds or an HTTP date, relative to `nowMillis`. */
export const retryAfterHeader = (value: string | undefined, nowMillis: number): Duration.Duration | undefined => {
  if (value === undefined || value.trim() === "") return undefined
  const seconds = Number(value.trim())
  if (Number.isFinite(seconds) && seconds >= 0) return Duration.millis(seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Duration.millis(Math.max(0, date - nowMillis))
}

const fatalCodes = new Set(["context_length_exceeded", "insufficient_quota", "invalid_prompt", "model_output_invalid", "usage_not_included"])

const errorObject = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined

/** `code`, else `type`, as trimmed text. */
const errorCode = (error: Record<string, unknown>): string => {
  const code = error.code !== undefined && error.code !== null && error.code !== "" ? error.code : error.type
  return lenientText(code).trim()
}

const byCode = (code: string, message: string, status?: number): ModelError | undefined => {
  switch (code) {
    case "context_length_exceeded":
      return contextLengthExceeded(message)
    case "insufficient_quota":
    case "usage_not_included":
      return new QuotaExceeded({ message, code })
    case "invalid_prompt":
      return new InvalidPrompt({ message })
    case "model_output_invalid":
      return new ModelOutputInvalid({ message })
    default:
      return status === undefined ? undefined : new ApiError({ message, status, code })
  }
}

/** The error a `response.failed` event stands for (`response` as received). */
export const classifyFailed = (ctx: RequestContext, response: unknown): ModelError => {
  const error = errorObject(errorObject(response)?.error)
  if (error === undefined) return new RetryableStreamError({ message: failedMessage(ctx, "") })
  const detail = lenientText(error.message)
  const message = failedMessage(ctx, detail)
  if (isContextLengthText(detail)) return contextLengthExceeded(message)
  const code = errorCode(error)
  if (fatalCodes.has(code)) return byCode(code, message)!
  const retryAfter = code === "rate_limit_exceeded" ? rateLimitDelay(detail) : undefined
  return new RetryableStreamError({ message, ...(retryAfter !== undefined ? { retryAfter } : {}) })
}

/** The error a non-2xx answer stands for. 5xx and 429 are retryable; other 4xx are not. */
export const classifyStatus = (
  status: number,
  body: string,
  retryAfter: Duration.Duration | undefined,
  ctx?: RequestContext
): ModelError => {
  const message = statusMessage(status, body, ctx)
  if (isContextLengthText(body)) return contextLengthExceeded(message)
  let error: Record<string, unknown> | undefined
  try {
    error = errorObject(errorObject(JSON.parse(body))?.error)
  } catch {
    error = undefined
  }
  const code = error === undefined ? "" : errorCode(error)
  if (fatalCodes.has(code)) return byCode(code, message)!
  if (status >= 500 || status === 429) {
    const hint = retryAfter ?? (error === undefined ? undefined : rateLimitDelay(lenientText(error.message)))
    return new RetryableStreamError({ message, status, ...(hint !== undefined ? { retryAfter: hint } : {}) })
  }
  return new ApiError({ message, status, ...(code !== "" ? { code } : {}) })
}
