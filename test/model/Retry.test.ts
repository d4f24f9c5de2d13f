/** Tests of Retry: stream retries. */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Exit, Fiber, Ref, Stream, TestClock } from "effect"
import { ModelEvent } from "../../src/protocol/ModelEvent.js"
import { RetryableStreamError, type ModelError, ContextLengthExceeded } from "../../src/model/ModelError.js"
import type { ProviderInfo } from "../../src/config/CodexConfig.js"
import { reconnecting, retryPolicy, type RetryNotice } from "../../src/model/retry.js"
import type { FakeScriptInput, FakeTurn } from "../support/FakeResponsesServer.js"
import { options, prompt, provider, scriptedClient } from "./support.js"

/** Starts one request in a fiber; events are collected as they arrive. */
const start = (script: FakeScriptInput, knobs: Partial<ProviderInfo> = {}) =>
  Effect.gen(function* () {
    const { client, requests } = yield* scriptedClient(script, options({ provider: provider(knobs) }))
    const events = yield* Ref.make<ReadonlyArray<ModelEvent>>([])
    const fiber = yield* client.stream(prompt()).pipe(
      Stream.runForEach((event) => Ref.update(events, (all) => [...all, event])),
      Effect.fork
    )
    const count = Effect.map(requests, (all) => all.length)
    const notices = Effect.map(Ref.get(events), (all) => all.filter((e) => e._tag === "StreamError"))
    return { fiber, events, requests, count, notices }
  })

const http500: FakeTurn = {
  type: "http_error",
  status: 500,
  body: { error: { message: "The server had an error while processing your request. Sorry about that!", type: "server_error", param: null, code: null } },
  times: 40
}
const recovered: FakeTurn = { type: "message", text: "RECOVERED" }

describe("stream retries", () => {
  it.effect("announces a rate-limit retry with a zero delay, then succeeds (acceptance 19)", () =>
    Effect.gen(function* () {
      const run = yield* start(
        [
          { type: "failed", code: "rate_limit_exceeded", message: "Please try again in 0ms." },
          { type: "events", events: [{ type: "response.output_item.done", item: { type: "message", role: "assistant", content: [{ type: "output_text", text: "done" }] } }, { type: "response.completed" }] }
        ],
        { streamMaxRetries: 1 }
      )
      yield* Fiber.join(run.fiber)
      const events = yield* Ref.get(run.events)
      expect(events.map((e) => e._tag)).toEqual(["StreamError", "TokenCount", "Completed"])
      expect(events[0]).toMatchObject({ message: "Reconnecting... 1/1", attempt: 1, maxRetries: 1, delaySeconds: 0 })
      expect((events[0] as { error: string }).error).toContain("Please try again in 0ms.")
      expect(events[1]).toMatchObject({ usage: null })
      expect(events[2]).toMatchObject({ items: [{ _tag: "AssistantMessage", text: "done" }] })
      expect(yield* run.count).toBe(2)
    })
  )

  it.effect("never retries a context-length failure, even with retries left (acceptance 20)", () =>
    Effect.gen(function* () {
      const message =
        "This model's maximum context length is 262144 tokens. However, you requested 264568 tokens (264000 in the messages, 568 in the completion)."
      const run = yield* start([{ type: "failed", code: null, error_type: "context_length_exceeded", message, times: 5 }], { streamMaxRetries: 5 })
      const exit = yield* Fiber.await(run.fiber)
      expect(yield* run.count).toBe(1)
      expect(yield* Ref.get(run.events)).toEqual([])
      expect(exit).toStrictEqual(Exit.fail(expect.anything()))
      const error = Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined
      expect(error).toBeInstanceOf(ContextLengthExceeded)
      expect(error).toMatchObject({ requestedTokens: 264568, limitTokens: 262144 })
      expect(error!.message).toContain("maximum context length")
    })
  )

  it.effect("never retries model_output_invalid (acceptance 21)", () =>
    Effect.gen(function* () {
      const run = yield* start([{ type: "failed", code: null, error_type: "model_output_invalid", message: "outcomming chat completion ended without assistant content" }])
      const exit = yield* Fiber.await(run.fiber)
      expect(yield* run.count).toBe(1)
      expect(yield* Ref.get(run.events)).toEqual([])
      expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error._tag).toBe("ModelOutputInvalid")
    })
  )

  it.effect("maps quota and prompt codes to their errors", () =>
    Effect.gen(function* () {
      for (const [code, tag] of [["insufficient_quota", "QuotaExceeded"], ["usage_not_included", "QuotaExceeded"], ["invalid_prompt", "InvalidPrompt"]] as const) {
        const run = yield* start([{ type: "failed", code, message: "no" }])
        const exit = yield* Fiber.await(run.fiber)
        expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error._tag).toBe(tag)
        expect(yield* run.count).toBe(1)
      }
    })
  )

  it.effect("reconnects after dropped streams with 0.2 s then 0.4 s backoff, keeping delivered deltas", () =>
    Effect.gen(function* () {
      const run = yield* start({ turns: [{ type: "disconnect", after_events: 3, text: "partial", times: 2 }], exhausted: recovered })
      yield* TestClock.adjust("199 millis")
      expect(yield* run.count).toBe(1)
      yield* TestClock.adjust("1 millis")
      expect(yield* run.count).toBe(2)
      yield* TestClock.adjust("399 millis")
      expect(yield* run.count).toBe(2)
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(run.fiber)
      expect(yield* run.count).toBe(3)
      const events = yield* Ref.get(run.events)
      expect(events.map((e) => e._tag)).toEqual(["AssistantDelta", "StreamError", "AssistantDelta", "StreamError", "AssistantDelta", "TokenCount", "Completed"])
      const notices = yield* run.notices
      expect(notices.map((n) => [(n as { message: string }).message, (n as { delaySeconds: number }).delaySeconds])).toEqual([
        ["Reconnecting... 1/5", 0.2],
        ["Reconnecting... 2/5", 0.4]
      ])
      expect((notices[0] as { error: string }).error.split("\n")[0]).toBe("responses request failed while reading the HTTP stream")
      expect(events.at(-1)).toMatchObject({ items: [{ _tag: "AssistantMessage", text: "RECOVERED" }] })
    })
  )

  it.effect("surfaces the first retryable error at once with stream_max_retries = 0", () =>
    Effect.gen(function* () {
      const run = yield* start([{ type: "disconnect", after_events: 3 }], { streamMaxRetries: 0 })
      const exit = yield* Fiber.await(run.fiber)
      expect(Exit.isFailure(exit)).toBe(true)
      expect(yield* run.count).toBe(1)
      expect(yield* run.notices).toEqual([])
    })
  )

  it.effect("waits the time a rate-limit message asks for", () =>
    Effect.gen(function* () {
      const run = yield* start([{ type: "failed", code: "rate_limit_exceeded", message: "Rate limited. Please try again in 1.5s." }, recovered])
      yield* TestClock.adjust("1499 millis")
      expect(yield* run.count).toBe(1)
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(run.fiber)
      expect(yield* run.count).toBe(2)
      expect((yield* run.notices)[0]).toMatchObject({ delaySeconds: 1.5 })
    })
  )

  it.effect("retries a response.failed without an error object", () =>
    Effect.gen(function* () {
      const run = yield* start([{ type: "failed", no_error: true }, recovered])
      yield* TestClock.adjust("200 millis")
      yield* Fiber.join(run.fiber)
      const notice = (yield* run.notices)[0] as { error: string }
      expect(notice.error).toContain("- detail: responses stream failed")
    })
  )
})

describe("request retries (request_max_retries) inside stream retries", () => {
  it.effect("thirty HTTP 500s with default knobs: six groups of five requests, then the status error", () =>
    Effect.gen(function* () {
      const run = yield* start({ turns: [http500], exhausted: recovered })
      // each group: 0.2 + 0.4 + 0.8 + 1.6 = 3.0 s of silent request retries; between groups 0.2 ... 3.2 s
      yield* TestClock.adjust("3 seconds")
      expect(yield* run.count).toBe(5)
      expect(yield* run.notices).toHaveLength(1) // announced before the wait
      yield* TestClock.adjust("199 millis")
      expect(yield* run.count).toBe(5)
      expect(yield* run.notices).toHaveLength(1)
      yield* TestClock.adjust("1 millis")
      expect(yield* run.count).toBe(6)
      yield* TestClock.adjust(Duration.millis(24_200 - 3_200 - 1))
      expect(yield* run.count).toBe(29)
      yield* TestClock.adjust("1 millis")
      const exit = yield* Fiber.await(run.fiber)
      expect(yield* run.count).toBe(30)
      const error = Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined
      expect(error?._tag).toBe("RetryableStreamError")
      expect(error?.message).toBe(
        "responses request failed with status 500: The server had an error while processing your request. Sorry about that!"
      )
      const notices = yield* run.notices
      expect(notices.map((n) => (n as { message: string }).message)).toEqual([1, 2, 3, 4, 5].map((n) => `Reconnecting... ${n}/5`))
      expect(notices.map((n) => (n as { delaySeconds: number }).delaySeconds)).toEqual([0.2, 0.4, 0.8, 1.6, 3.2])
    })
  )

  it.effect("request_max_retries = 1, stream_max_retries = 2: six requests in three pairs", () =>
    Effect.gen(function* () {
      const run = yield* start({ turns: [http500], exhausted: recovered }, { requestMaxRetries: 1, streamMaxRetries: 2 })
      const counts: Array<number> = []
      for (const step of [0, 200, 200, 200, 400, 200]) {
        yield* TestClock.adjust(Duration.millis(step))
        counts.push(yield* run.count)
      }
      expect(counts).toEqual([1, 2, 3, 4, 5, 6])
      const exit = yield* Fiber.await(run.fiber)
      expect(Exit.isFailure(exit)).toBe(true)
      expect((yield* run.notices).length).toBe(2)
    })
  )

  it.effect("HTTP 429 is retried after its retry-after header, each wait announced (as Codex does)", () =>
    Effect.gen(function* () {
      const run = yield* start({
        turns: [
          {
            type: "http_error",
            status: 429,
            headers: { "retry-after": "1" },
            body: { error: { message: "Rate limit reached. Please try again in 1s.", type: "tokens", param: null, code: "rate_limit_exceeded" } },
            times: 2
          }
        ],
        exhausted: recovered
      })
      yield* TestClock.adjust("999 millis")
      expect(yield* run.count).toBe(1)
      yield* TestClock.adjust("1 millis")
      expect(yield* run.count).toBe(2)
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(run.fiber)
      expect(yield* run.count).toBe(3)
      const notices = yield* run.notices
      expect(notices.map((n) => [(n as { message: string }).message, (n as { delaySeconds: number }).delaySeconds])).toEqual([
        ["Reconnecting... 1/5", 1],
        ["Reconnecting... 2/5", 1]
      ])
      expect((notices[0] as { error: string }).error).toContain("429")
      expect(notices.every((n) => (n as { rateLimited?: boolean }).rateLimited === true)).toBe(true)
    })
  )

  it.effect("HTTP 400 fails at once with status and code", () =>
    Effect.gen(function* () {
      const body = { error: { message: "Invalid value for 'input': fake bad request.", type: "invalid_request_error", param: "input", code: "invalid_value" } }
      const run = yield* start([{ type: "http_error", status: 400, body, times: 10 }])
      const exit = yield* Fiber.await(run.fiber)
      expect(yield* run.count).toBe(1)
      const error = Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined
      expect(error).toMatchObject({ _tag: "ApiError", status: 400, code: "invalid_value", message: `responses request failed with status 400: ${body.error.message}` })
    })
  )

  it.effect("a 5xx whose body speaks of the context length is not retried", () =>
    Effect.gen(function* () {
      const run = yield* start([{ type: "http_error", status: 500, body: "maximum context length is 10 tokens", times: 5 }])
      const exit = yield* Fiber.await(run.fiber)
      expect(yield* run.count).toBe(1)
      expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error._tag).toBe("ContextLengthExceeded")
      expect(yield* run.notices).toEqual([])
    })
  )
})

describe("idle timeout", () => {
  it.effect("fails a silent stream after stream_idle_timeout_ms and retries it", () =>
    Effect.gen(function* () {
      const run = yield* start({ turns: [{ type: "hang", after_events: 1 }], exhausted: recovered }, { streamIdleTimeoutMs: 1000, streamMaxRetries: 1 })
      yield* TestClock.adjust("999 millis")
      expect(yield* run.notices).toEqual([])
      yield* TestClock.adjust("1 millis")
      const notices = yield* run.notices
      expect(notices).toHaveLength(1)
      expect((notices[0] as { error: string }).error).toContain("- exception: ReadTimeout")
      yield* TestClock.adjust("200 millis")
      yield* Fiber.join(run.fiber)
      expect(yield* run.count).toBe(2)
    })
  )

  it.effect("is a StreamIdleTimeout when no retries are left", () =>
    Effect.gen(function* () {
      const run = yield* start([{ type: "hang", after_events: 2 }], { streamIdleTimeoutMs: 50, streamMaxRetries: 0 })
      yield* TestClock.adjust("50 millis")
      const exit = yield* Fiber.await(run.fiber)
      const error = Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined
      expect(error).toMatchObject({ _tag: "StreamIdleTimeout", idleMillis: 50 })
      expect(error!.message).toContain("- sse_events_received: 2")
    })
  )
})

describe("retryPolicy", () => {
  it.effect("announces each retry once, never the final failure", () =>
    Effect.gen(function* () {
      const notices = yield* Ref.make<ReadonlyArray<RetryNotice>>([])
      const attempts = yield* Ref.make(0)
      const failing = Ref.updateAndGet(attempts, (n) => n + 1).pipe(
        Effect.flatMap(() => Effect.fail<ModelError>(new RetryableStreamError({ message: "boom" })))
      )
      const fiber = yield* failing.pipe(
        Effect.retry(retryPolicy(2, (n) => Ref.update(notices, (all) => [...all, n]))),
        Effect.fork
      )
      yield* TestClock.adjust("600 millis")
      yield* Fiber.await(fiber)
      expect(yield* Ref.get(attempts)).toBe(3)
      expect((yield* Ref.get(notices)).map((n) => reconnecting(n))).toEqual([
        ModelEvent.StreamError({ message: "Reconnecting... 1/2", attempt: 1, maxRetries: 2, delaySeconds: 0.2, error: "boom" }),
        ModelEvent.StreamError({ message: "Reconnecting... 2/2", attempt: 2, maxRetries: 2, delaySeconds: 0.4, error: "boom" })
      ])
    })
  )
})
