/** Tests of ResponsesWire: ResponsesWire. */
import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import {
  decodeOutputItem,
  decodeResponsesEvent,
  isUnknownEvent,
  knownEventTypes,
  ResponsesRequest,
  textDelta
} from "../../src/protocol/ResponsesWire.js"

describe("ResponsesWire", () => {
  it("decodes events by type and keeps unknown types as values", () => {
    const delta = Either.getOrThrow(decodeResponsesEvent({ type: "response.output_text.delta", delta: "hi", output_index: 0 }))
    expect(delta).toMatchObject({ type: "response.output_text.delta", delta: "hi" })
    const unknown = Either.getOrThrow(decodeResponsesEvent({ type: "response.something_new", x: 1 }))
    expect(isUnknownEvent(unknown)).toBe(true)
    expect(unknown).toMatchObject({ type: "response.something_new", raw: { x: 1 } })
  })

  it("falls back to the SSE event name when the payload has no type", () => {
    const event = Either.getOrThrow(decodeResponsesEvent({ delta: "x" }, "response.output_text.delta"))
    expect(event).toMatchObject({ type: "response.output_text.delta", delta: "x" })
  })

  it("reads a missing or non-string delta leniently", () => {
    expect(Either.getOrThrow(decodeResponsesEvent({ type: "response.output_text.delta" }))).toMatchObject({ delta: "" })
    expect(Either.getOrThrow(decodeResponsesEvent({ type: "response.output_text.delta", delta: 5 }))).toMatchObject({ delta: "5" })
  })

  it("reads text deltas by hand exactly as the event schema decodes them", () => {
    const payloads: ReadonlyArray<Record<string, unknown>> = [
      { type: "response.output_text.delta", delta: "hi", item_id: "m", output_index: 0, content_index: 0, sequence_number: 3 },
      { type: "response.output_text.delta" },
      { type: "response.output_text.delta", delta: null },
      { type: "response.output_text.delta", delta: 5 },
      { type: "response.output_text.delta", delta: { a: 1 } },
      { type: "response.output_text.delta", delta: "x", item_id: 7 },
      { type: "response.output_text.delta", delta: "x", output_index: "0" },
      { type: "response.output_text.delta", delta: "x", content_index: null },
      { type: "response.output_text.delta", delta: "x", sequence_number: "1" },
      { type: "response.output_text.delta", delta: "x", extra: [1] },
      { type: "response.output_text.done", text: "x" }
    ]
    for (const raw of payloads) {
      const decoded = decodeResponsesEvent(raw)
      const expected = Either.isRight(decoded) && decoded.right.type === "response.output_text.delta" && "delta" in decoded.right
        ? decoded.right.delta
        : undefined
      expect(textDelta(raw), JSON.stringify(raw)).toBe(expected)
    }
  })

  it("fails a known event with a malformed body", () => {
    expect(Either.isLeft(decodeResponsesEvent({ type: "response.output_item.done", item: "nope" }))).toBe(true)
  })

  it("decodes output items by kind", () => {
    expect(Either.getOrThrow(decodeOutputItem({ type: "function_call", call_id: "c", name: "f", arguments: "{}" }))).toMatchObject({
      type: "function_call",
      call_id: "c"
    })
    expect(Either.getOrThrow(decodeOutputItem({ type: "mcp_call", id: "m" }))).toEqual({ type: "other", raw: { type: "mcp_call", id: "m" } })
    expect(Either.getOrThrow(decodeOutputItem({ type: "reasoning", summary: [], encrypted_content: "e" }))).toEqual({
      type: "reasoning",
      summary: [],
      encrypted_content: "e"
    })
  })

  it("lists the event types it knows", () => {
    expect(knownEventTypes).toContain("response.completed")
    expect(knownEventTypes).toContain("response.failed")
    expect(knownEventTypes).toContain("response.output_item.done")
  })

  it("encodes the request body with keys in wire order", () => {
    const body = Schema.encodeSync(ResponsesRequest)({
      text: { verbosity: "low" },
      model: "m",
      instructions: "",
      input: [],
      tools: [],
      parallel_tool_calls: false,
      store: false,
      stream: true,
      include: ["reasoning.encrypted_content"],
      prompt_cache_key: "s"
    })
    expect(Object.keys(body)).toEqual(["model", "instructions", "input", "tools", "parallel_tool_calls", "store", "stream", "include", "prompt_cache_key", "text"])
  })
})
