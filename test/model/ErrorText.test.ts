/** Tests of ErrorText: error texts. */
import { describe, expect, it } from "@effect/vitest"
import { Duration } from "effect"
import * as ErrorText from "../../src/model/errorText.js"

const ctx: ErrorText.RequestContext = {
  providerName: "demo",
  model: "demo-model",
  url: "http://127.0.0.1:8000/v1/responses",
  sessionId: "00000000-0000-7000-8000-000000000000"
}

describe("error texts", () => {
  it("formats a transport failure with every detail and the local-server hint (acceptance 17)", () => {
    const message = ErrorText.transportMessage(
      ctx,
      {
        rawLines: 6,
        events: 2,
        items: 0,
        lastSseEvent: "response.output_text.delta",
        lastEventType: "response.output_text.delta",
        lastPayload: "{\"type\":\"response.output_text.delta\",\"delta\":\"partial\"}"
      },
      "ChunkedEncodingError",
      "Response ended prematurely"
    )
    expect(message).toBe(
      [
        "responses request failed while reading the HTTP stream",
        "- provider: demo",
        "- model: demo-model",
        "- request: POST http://127.0.0.1:8000/v1/responses",
        "- session_id: 00000000-0000-7000-8000-000000000000",
        "- raw_lines_received: 6",
        "- sse_events_received: 2",
        "- output_items_received: 0",
        "- last_sse_event: response.output_text.delta",
        "- last_event_type: response.output_text.delta",
        "- last_payload_excerpt: {\"type\":\"response.output_text.delta\",\"delta\":\"partial\"}",
        "- exception: ChunkedEncodingError",
        "- detail: Response ended prematurely",
        "- meaning: the HTTP response body ended before the SSE stream finished",
        "- hint: the server or a proxy likely closed the connection before sending `response.completed` or `response.failed`",
        "- hint: if this goes through local `responses_server`, inspect that server's stderr/logs for the downstream backend failure"
      ].join("\n")
    )
  })

  it("leaves out the local hint for remote hosts and empty details", () => {
    const message = ErrorText.transportMessage({ ...ctx, url: "https://api.example.com/v1/responses" }, ErrorText.emptyDiagnostics(), "ECONNREFUSED", "")
    expect(message).not.toContain("responses_server")
    expect(message).not.toContain("- detail:")
    expect(message).not.toContain("- last_sse_event:")
  })

  it("cuts payload excerpts at 240 characters", () => {
    expect(ErrorText.excerpt("x".repeat(241))).toBe("x".repeat(240) + "...")
    expect(ErrorText.excerpt("x".repeat(240))).toBe("x".repeat(240))
  })

  it("formats a server-side failure", () => {
    expect(ErrorText.failedMessage(ctx, "")).toBe(
      [
        "responses stream failed on the server side",
        "- provider: demo",
        "- model: demo-model",
        "- request: POST http://127.0.0.1:8000/v1/responses",
        "- session_id: 00000000-0000-7000-8000-000000000000",
        "- detail: responses stream failed",
        "- meaning: the server accepted the request but emitted a terminal `response.failed` event"
      ].join("\n")
    )
  })

  it("shows a JSON error body as its message", () => {
    const body = JSON.stringify({ error: { message: "Invalid value for 'input'.", type: "invalid_request_error", code: "invalid_value" } })
    expect(ErrorText.statusMessage(400, body)).toBe("responses request failed with status 400: Invalid value for 'input'.")
    expect(ErrorText.statusMessage(400, JSON.stringify({ detail: "Not allowed" }))).toBe("responses request failed with status 400: Not allowed")
    expect(ErrorText.statusMessage(400, "{\"error\":{}}")).toBe("responses request failed with status 400: {\"error\":{}}")
  })

  it("401 and 403 name the provider and the variable the key came from", () => {
    const body = JSON.stringify({ error: { message: "Incorrect API key provided." } })
    expect(ErrorText.statusMessage(401, body, { ...ctx, envKey: "DEMO_API_KEY" }).split("\n")).toEqual([
      "responses request failed with status 401: Incorrect API key provided.",
      "- provider: demo",
      "- request: POST http://127.0.0.1:8000/v1/responses",
      "- hint: the API key comes from the environment variable DEMO_API_KEY; check that it holds a valid key for provider `demo`"
    ])
    expect(ErrorText.statusMessage(403, "forbidden", ctx)).toContain("- hint: no API key was sent: provider `demo` has no `env_key`")
  })

  it("404 names the URL and suggests base_url and wire_api", () => {
    expect(ErrorText.statusMessage(404, "Not Found", ctx).split("\n")).toEqual([
      "responses request failed with status 404: Not Found",
      "- provider: demo",
      "- request: POST http://127.0.0.1:8000/v1/responses",
      "- hint: nothing answers at this URL: check `base_url` (most servers expect it to end in /v1) and `wire_api` of provider `demo`"
    ])
  })

  it("unreachable servers are named with the hints that apply, and nothing about streams", () => {
    const dns = ErrorText.connectMessage({ ...ctx, url: "https://api.exampel.com/v1/responses" }, "ENOTFOUND", "getaddrinfo ENOTFOUND api.exampel.com")!
    expect(dns.split("\n")[0]).toBe("could not connect to https://api.exampel.com/v1/responses: unknown host")
    expect(dns).toContain("- meaning: the host name of api.exampel.com could not be resolved")
    expect(dns).not.toContain("SSE")
    expect(dns).not.toContain("responses_server")
    expect(ErrorText.connectMessage(ctx, "ECONNRESET", "socket hang up")).toBeUndefined()
  })

  it("cuts status bodies at 500 characters", () => {
    expect(ErrorText.statusMessage(502, "y".repeat(600))).toBe(`responses request failed with status 502: ${"y".repeat(500)}`)
  })
})

describe("classification", () => {
  it("parses rate-limit hints in seconds and milliseconds", () => {
    expect(ErrorText.rateLimitDelay("Please try again in 0ms.")).toEqual(Duration.millis(0))
    expect(ErrorText.rateLimitDelay("please TRY AGAIN IN 2.5 seconds")).toEqual(Duration.millis(2500))
    expect(ErrorText.rateLimitDelay("Try again in 20ms")).toEqual(Duration.millis(20))
    expect(ErrorText.rateLimitDelay("later")).toBeUndefined()
  })

  it("reads retry-after as seconds or a date", () => {
    expect(ErrorText.retryAfterHeader("3", 0)).toEqual(Duration.millis(3000))
    expect(ErrorText.retryAfterHeader(new Date(10_000).toUTCString(), 4_000)).toEqual(Duration.millis(6000))
    expect(ErrorText.retryAfterHeader("soon", 0)).toBeUndefined()
  })

  it("only a rate_limit_exceeded code takes its delay from the message", () => {
    const other = ErrorText.classifyFailed(ctx, { error: { code: "server_error", message: "try again in 3s" } })
    expect(other._tag).toBe("RetryableStreamError")
    expect(other).not.toHaveProperty("retryAfter")
    const limited = ErrorText.classifyFailed(ctx, { error: { code: "rate_limit_exceeded", message: "try again in 3s" } })
    expect(limited).toMatchObject({ _tag: "RetryableStreamError", retryAfter: Duration.millis(3000) })
  })

  it("classifies context-length texts by message as well as by code", () => {
    const byMessage = ErrorText.classifyFailed(ctx, { error: { code: "weird", message: "This model's Maximum Context Length is 8 tokens" } })
    expect(byMessage._tag).toBe("ContextLengthExceeded")
    const byType = ErrorText.classifyFailed(ctx, { error: { code: null, type: "context_length_exceeded", message: "too long" } })
    expect(byType._tag).toBe("ContextLengthExceeded")
  })

  it("parses requested and limit tokens with thousands separators", () => {
    const error = ErrorText.contextLengthExceeded("maximum context length is 20,000 tokens. However, you requested 30,000 tokens")
    expect(error).toMatchObject({ requestedTokens: 30000, limitTokens: 20000 })
  })

  it("treats insufficient_quota on a 429 as final", () => {
    const error = ErrorText.classifyStatus(429, JSON.stringify({ error: { code: "insufficient_quota", message: "no credit" } }), undefined)
    expect(error._tag).toBe("QuotaExceeded")
  })
})
