/** Tests of StreamParsing: parsing a Responses stream. */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { complete, joinDeltas } from "../../src/model/ModelClient.js"
import { ModelEvent } from "../../src/protocol/ModelEvent.js"
import { toResponsesInputUnsafe } from "../../src/protocol/Items.js"
import type { FakeTurn } from "../support/FakeResponsesServer.js"
import { clientWith, options, prompt, provider, scriptedClient } from "./support.js"

const noRetry = options({ provider: provider({ streamMaxRetries: 0, requestMaxRetries: 0 }) })

/** Runs one request whose body is exactly these events; returns its events and outcome. */
const run = (events: ReadonlyArray<Record<string, unknown>>, then: "end" | "disconnect" = "end") =>
  Effect.gen(function* () {
    const turn: FakeTurn = { type: "events", events, then }
    const { client, requests } = yield* scriptedClient([turn], noRetry)
    const seen: Array<ModelEvent> = []
    const result = yield* client.stream(prompt()).pipe(
      Stream.runForEach((event) => Effect.sync(() => seen.push(event))),
      Effect.either
    )
    return { seen, result, requests: yield* requests }
  })

const created = { type: "response.created", response: { id: "r1" } }
const done = { type: "response.output_item.done", item: { type: "message", role: "assistant", content: [{ type: "output_text", text: "done" }] } }
const completed = { type: "response.completed", response: { id: "r1", usage: { input_tokens: 11, output_tokens: 7, total_tokens: 18 } } }

describe("parsing a Responses stream", () => {
  it.effect("returns the tool call and the message, then usage (acceptance 16)", () =>
    Effect.gen(function* () {
      const { seen } = yield* run([
        created,
        { type: "response.output_item.done", item: { type: "function_call", name: "echo", arguments: "{\"text\":\"hello\"}", call_id: "call_1" } },
        done,
        completed
      ])
      expect(seen.map((e) => e._tag)).toEqual(["ToolCallSeen", "TokenCount", "Completed"])
      expect(seen[0]).toMatchObject({ callId: "call_1", toolName: "echo" })
      expect(seen[1]).toMatchObject({ usage: { input_tokens: 11, output_tokens: 7, total_tokens: 18 } })
      expect(seen[2]).toMatchObject({
        items: [
          { _tag: "ToolCall", callId: "call_1", name: "echo", arguments: { text: "hello" }, toolType: "function" },
          { _tag: "AssistantMessage", text: "done" }
        ]
      })
    })
  )

  it.effect("streams deltas (empty ones too) and stops reading at response.completed", () =>
    Effect.gen(function* () {
      const { seen, result } = yield* run([
        { type: "response.output_text.delta", delta: "he" },
        { type: "response.output_text.delta", delta: "" },
        { type: "response.output_text.delta" },
        done,
        { type: "response.completed" },
        { type: "response.output_text.delta", delta: "after the end" }
      ])
      expect(result._tag).toBe("Right")
      expect(seen.filter((e) => e._tag === "AssistantDelta").map((e) => (e as { delta: string }).delta)).toEqual(["he", "", ""])
      expect(seen.find((e) => e._tag === "TokenCount")).toMatchObject({ usage: null })
    })
  )

  it.effect("reads usage from the top level only when `response` is not an object", () =>
    Effect.gen(function* () {
      const top = yield* run([{ type: "response.completed", response: "x", usage: { total_tokens: 5 } }])
      expect(top.seen[0]).toMatchObject({ _tag: "TokenCount", usage: { total_tokens: 5 } })
      const inner = yield* run([{ type: "response.completed", response: { usage: "n/a" }, usage: { total_tokens: 5 } }])
      expect(inner.seen[0]).toMatchObject({ _tag: "TokenCount", usage: null })
    })
  )

  it.effect("keeps a reasoning item verbatim (acceptance 22)", () =>
    Effect.gen(function* () {
      const item = { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "thinking" }], encrypted_content: "enc" }
      const { seen } = yield* run([{ type: "response.output_item.done", item }, completed])
      const last = seen.at(-1) as Extract<ModelEvent, { _tag: "Completed" }>
      expect(last.items).toHaveLength(1)
      expect(toResponsesInputUnsafe(last.items[0]!)).toEqual(item)
    })
  )

  it.effect("reads a custom tool call (acceptance 23)", () =>
    Effect.gen(function* () {
      const { seen } = yield* run([
        { type: "response.output_item.done", item: { type: "custom_tool_call", name: "apply_patch", input: "*** Begin Patch\n*** End Patch", call_id: "call_2" } },
        completed
      ])
      expect(seen[0]).toMatchObject({ _tag: "ToolCallSeen", callId: "call_2", toolName: "apply_patch" })
      expect((seen.at(-1) as Extract<ModelEvent, { _tag: "Completed" }>).items).toEqual([
        { _tag: "ToolCall", callId: "call_2", name: "apply_patch", arguments: "*** Begin Patch\n*** End Patch", toolType: "custom" }
      ])
    })
  )

  it.effect("reports a web search without adding it to the items (acceptance 24)", () =>
    Effect.gen(function* () {
      const { seen } = yield* run([
        {
          type: "response.output_item.done",
          item: { type: "web_search_call", id: "ws_1", action: { type: "search", query: "github codex", queries: ["github codex", "  "] } }
        },
        done,
        completed
      ])
      expect(seen[0]).toEqual({
        _tag: "ToolCallSeen",
        callId: "ws_1",
        toolName: "web_search",
        webSearch: { actionType: "search", query: "github codex", queries: ["github codex"] }
      })
      expect((seen.at(-1) as Extract<ModelEvent, { _tag: "Completed" }>).items).toEqual([{ _tag: "AssistantMessage", text: "done" }])
    })
  )

  it.effect("ignores other roles, unknown item kinds and unknown event types", () =>
    Effect.gen(function* () {
      const { seen } = yield* run([
        { type: "response.output_item.done", item: { type: "message", role: "user", content: [{ type: "output_text", text: "x" }] } },
        { type: "response.output_item.done", item: { type: "image_generation_call", id: "ig" } },
        { type: "response.reasoning_summary_text.delta", delta: "secret" },
        { type: "brand.new.event" },
        { type: "response.output_item.done", item: { type: "message", role: "assistant", content: [{ type: "output_text", text: "a" }, { type: "refusal", refusal: "no" }, { type: "output_text", text: "b" }] } },
        completed
      ])
      expect(seen.map((e) => e._tag)).toEqual(["TokenCount", "Completed"])
      expect((seen.at(-1) as Extract<ModelEvent, { _tag: "Completed" }>).items).toEqual([{ _tag: "AssistantMessage", text: "ab" }])
    })
  )

  it.effect("an end without response.completed is the retryable incomplete error, items dropped (acceptance 18)", () =>
    Effect.gen(function* () {
      const { seen, result } = yield* run([created, { type: "response.output_text.delta", delta: "partial" }, { type: "error", message: "x" }, { type: "response.output_text.delta", delta: "!" }])
      expect(seen.map((e) => e._tag)).toEqual(["AssistantDelta", "AssistantDelta"])
      expect(result._tag).toBe("Left")
      if (result._tag === "Left") {
        expect(result.left._tag).toBe("RetryableStreamError")
        expect(result.left.message).toBe(
          [
            "responses stream ended before `response.completed`",
            "- provider: demo",
            "- model: demo-model",
            "- request: POST https://example.com/v1/responses",
            "- session_id: 00000000-0000-7000-8000-000000000000",
            "- last_event: response.output_text.delta",
            "- output_items_received: 0",
            "- meaning: the stream ended without a terminal `response.completed` event",
            "- hint: the server should emit `response.failed` on mid-stream errors; an abrupt end usually points to a backend, proxy, or server bug"
          ].join("\n")
        )
      }
    })
  )

  it.effect("an invalid JSON payload is a retryable error with an excerpt", () =>
    Effect.gen(function* () {
      const result = yield* runRaw("event: response.output_text.delta\ndata: {not json\n\n")
      expect(result._tag).toBe("Left")
      if (result._tag === "Left") {
        const lines = result.left.message.split("\n")
        expect(lines[0]).toBe("responses stream contained an invalid JSON event")
        expect(lines).toContain("- event: response.output_text.delta")
        expect(lines).toContain("- exception: SyntaxError")
        expect(lines).toContain("- data_excerpt: {not json")
        expect(result.left._tag).toBe("RetryableStreamError")
      }
    })
  )

  it.effect("frames a last event that has no blank line after it", () =>
    Effect.gen(function* () {
      const result = yield* runRaw(`data: {"type":"response.output_text.delta","delta":"x"}\n\ndata: {"type":"response.completed"}`)
      expect(result._tag === "Right" && result.right.map((e) => e._tag)).toEqual(["AssistantDelta", "TokenCount", "Completed"])
    })
  )

  it.effect("bad function-call arguments fail without retry", () =>
    Effect.gen(function* () {
      const call = (args: string) => ({ type: "response.output_item.done", item: { type: "function_call", name: "f", call_id: "c", arguments: args } })
      const list = yield* run([call("[1,2]"), completed])
      expect(list.result._tag === "Left" && list.result.left).toMatchObject({
        _tag: "ModelOutputInvalid",
        message: "function call arguments must decode to an object, got array"
      })
      const syntax = yield* run([call("{oops"), completed])
      expect(syntax.result._tag === "Left" && syntax.result.left._tag).toBe("ModelOutputInvalid")
      const empty = yield* run([call(""), completed])
      expect((empty.seen.at(-1) as Extract<ModelEvent, { _tag: "Completed" }>).items[0]).toMatchObject({ arguments: {} })
      const missing = yield* run([{ type: "response.output_item.done", item: { type: "function_call", name: "f", arguments: "{}" } }, completed])
      expect(missing.result._tag === "Left" && missing.result.left.message).toBe("function_call item is missing `call_id`")
    })
  )
})

/** Runs a request whose body is exactly this SSE text. */
const runRaw = (text: string) =>
  Effect.gen(function* () {
    const http = HttpClient.make((request) =>
      Effect.succeed(HttpClientResponse.fromWeb(request, new Response(text, { status: 200, headers: { "content-type": "text/event-stream" } })))
    )
    const client = yield* clientWith(http, noRetry)
    return yield* client.stream(prompt()).pipe(Stream.runCollect, Effect.map(Chunk.toArray), Effect.either)
  })

it.effect("complete() returns only the items of the successful response", () =>
  Effect.gen(function* () {
    const { client } = yield* scriptedClient([{ type: "message", text: "OK", deltas: 1 }], noRetry)
    const deltas: Array<string> = []
    const items = yield* complete(client, prompt(), (e) => Effect.sync(() => e._tag === "AssistantDelta" && deltas.push(e.delta)))
    // deltas that arrive in one network read reach the listener joined
    expect(deltas.join("")).toBe("OK")
    expect(items).toEqual([{ _tag: "AssistantMessage", text: "OK" }])
  })
)

describe("joining the text deltas of one batch", () => {
  const delta = (text: string) => ModelEvent.AssistantDelta({ delta: text })
  const seen = ModelEvent.ToolCallSeen({ callId: "c1", toolName: "echo" })

  it("joins each run of consecutive deltas and keeps every other event where it was", () => {
    const joined = joinDeltas([delta("a"), delta("b"), seen, delta("c"), delta(""), delta("d"), ModelEvent.TokenCount({ usage: null })])
    expect(joined).toEqual([delta("ab"), seen, delta("cd"), ModelEvent.TokenCount({ usage: null })])
    expect(joinDeltas([delta("x")])).toEqual([delta("x")])
    expect(joinDeltas([])).toEqual([])
  })

  it.effect("complete() hands the listener one delta per batch, never joining across batches", () =>
    Effect.gen(function* () {
      const stream = Stream.fromChunks<ModelEvent>(
        Chunk.make(delta("He"), delta("l"), delta("lo")),
        Chunk.make(delta(" wor"), seen, delta("ld")),
        Chunk.make(ModelEvent.Completed({ items: [{ _tag: "AssistantMessage", text: "Hello world" }] }))
      )
      const client = { stream: () => stream } as unknown as Parameters<typeof complete>[0]
      const heard: Array<ModelEvent> = []
      const items = yield* complete(client, prompt(), (e) => Effect.sync(() => void heard.push(e)))
      expect(heard).toEqual([delta("Hello"), delta(" wor"), seen, delta("ld")])
      expect(items).toEqual([{ _tag: "AssistantMessage", text: "Hello world" }])
    }))
})
