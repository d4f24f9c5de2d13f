/** Tests of Rounds: consuming chunks. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import type { ChatChunk } from "../../../src/protocol/ChatChunkWire.js"
import type { ResponseFailed } from "../../../src/server/stream/ResponsesEvents.js"
import { customToolInput, makeResponseTranslator } from "../../../src/server/stream/Rounds.js"
import { OutcommingStreamError } from "../../../src/server/stream/StreamErrors.js"
import { translateChatStream, translateResponse } from "../../../src/server/stream/Translate.js"
import { collect, context, dataLines, delta, doneItems, finish, sseText, textChunks, types, usageChunk, scriptedRounds } from "./support.js"

const translate = (chunks: ReadonlyArray<ChatChunk>, custom: ReadonlyArray<string> = [], request = {}) =>
  translateChatStream(Stream.fromIterable(chunks), { ...context(custom), request })

/** Rounds answered from a script, recording every request sent. */
const scripted = (rounds: ReadonlyArray<ReadonlyArray<ChatChunk>>, request: Record<string, unknown> = { messages: [] }) =>
  scriptedRounds(rounds, request)

describe("consuming chunks", () => {
  it.effect("streams one text delta per content fragment and joins them into the message", () =>
    Effect.gen(function* () {
      const text = yield* sseText(translate([delta({ content: "Hé" }), delta({ content: "llo" }), delta({ content: "" }), finish("stop")]))
      expect(text).toContain('"type": "response.output_text.delta", "delta": "Hé"')
      expect(text).toContain('"type": "response.output_text.delta", "delta": "llo"')
      expect(text.match(/output_text\.delta/g)).toHaveLength(4) // two event lines, two payloads
      expect(text).toContain('"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Héllo"}]')
    }))

  it.effect("joins reasoning and reasoning_content into one reasoning item before the message", () =>
    Effect.gen(function* () {
      const events = yield* collect(translate([
        delta({ role: "assistant", reasoning: "inspect " }),
        delta({ reasoning_content: "repo" }),
        delta({ content: "done" }),
        finish("stop")
      ]))
      const items = doneItems(events)
      expect(items.map((i) => i.type)).toEqual(["reasoning", "message"])
      expect(items[0]).toMatchObject({ summary: [], content: [{ type: "reasoning_text", text: "inspect repo" }] })
      expect(types(events).filter((t) => t.includes("reasoning"))).toEqual([]) // reasoning is never streamed
    }))

  it.effect("keeps both reasoning fields of one delta, reasoning first", () =>
    Effect.gen(function* () {
      const events = yield* collect(translate([delta({ reasoning: "a", reasoning_content: "b", content: "x" })]))
      expect(doneItems(events)[0]).toMatchObject({ content: [{ text: "ab" }] })
    }))

  it.effect("reports usage as the last snapshot, never a sum", () =>
    Effect.gen(function* () {
      const text = yield* sseText(translate([
        { choices: [{ delta: { content: "" } }], usage: { prompt_tokens: 25, completion_tokens: 0, total_tokens: 25 } },
        { choices: [{ delta: { content: "OK" } }], usage: { prompt_tokens: 25, completion_tokens: 92, total_tokens: 117 } },
        usageChunk({ prompt_tokens: 25, completion_tokens: 93, total_tokens: 118 })
      ] as Array<ChatChunk>))
      expect(text).toContain('"usage": {"input_tokens": 25, "output_tokens": 93, "total_tokens": 118}')
      expect(text).not.toContain('"total_tokens": 260')
    }))

  it.effect("passes usage details through and keeps keys a later chunk leaves out", () =>
    Effect.gen(function* () {
      const text = yield* sseText(translate([
        delta({ content: "done" }),
        usageChunk({ prompt_tokens: 11, prompt_tokens_details: { cached_tokens: 3 }, completion_tokens: 7, completion_tokens_details: { reasoning_tokens: 5 }, total_tokens: 18 }),
        usageChunk({ output_tokens: 8, input_tokens: 1.5 })
      ]))
      expect(text).toContain('"usage": {"input_tokens": 11, "output_tokens": 8, "total_tokens": 18, "input_tokens_details": {"cached_tokens": 3}, "output_tokens_details": {"reasoning_tokens": 5}}')
    }))

  it.effect("completes an empty round with no items and no usage", () =>
    Effect.gen(function* () {
      const events = yield* collect(translate([finish("stop")]))
      expect(types(events)).toEqual(["response.created", "response.completed"])
      expect(dataLines(yield* sseText(translate([])))[1])
        .toBe('{"type": "response.completed", "response": {"id": "resp_00000001", "output": [], "object": "response", "status": "completed", "model": "gpt-5.4"}}')
    }))

  it.effect("ignores chunks whose choices are not a list, and choices whose delta is not an object", () =>
    Effect.gen(function* () {
      const events = yield* collect(translate([{ choices: undefined }, { choices: [{ finish_reason: "stop" }] }, delta({ content: "ok" })] as Array<ChatChunk>))
      expect(doneItems(events).map((i) => i.type)).toEqual(["message"])
    }))
})

describe("tool calls", () => {
  it.effect("accumulates function call arguments and gives id-less calls call_<index>", () =>
    Effect.gen(function* () {
      const text = yield* sseText(translate([
        delta({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "echo", arguments: "{\"text\":\"" } }] }),
        delta({ tool_calls: [{ index: 0, function: { arguments: "hello\"}" } }] }),
        delta({ tool_calls: [{ index: 2, function: { name: "noop" } }] }),
        finish("tool_calls")
      ]))
      expect(text).toContain('"type": "function_call", "call_id": "call_1", "name": "echo", "arguments": "{\\"text\\":\\"hello\\"}"')
      expect(text).toContain('"type": "function_call", "call_id": "call_2", "name": "noop", "arguments": "{}"')
    }))

  it.effect("turns calls to custom tools into custom_tool_call items with the freeform input", () =>
    Effect.gen(function* () {
      const text = yield* sseText(translate([
        delta({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "apply_patch", arguments: "{\"input\":\"" } }] }),
        delta({ tool_calls: [{ index: 0, function: { arguments: "*** Begin Patch\\n*** End Patch\\n\"}" } }] }),
        finish("tool_calls")
      ], ["apply_patch"]))
      expect(text).toContain('"type": "custom_tool_call", "call_id": "call_1", "name": "apply_patch", "input": "*** Begin Patch\\n*** End Patch\\n"')
    }))

  it("extracts custom tool input", () => {
    expect(customToolInput("{\"input\":\"x\"}")).toBe("x")
    expect(customToolInput("{\"input\":{\"a\":1}}")).toBe("{\"a\": 1}")
    expect(customToolInput("{\"input\":null}")).toBe("null")
    expect(customToolInput("{\"o\":1}")).toBe("{\"o\":1}")
    expect(customToolInput("\"s\"")).toBe("\"s\"")
    expect(customToolInput("not json")).toBe("not json")
    expect(customToolInput("")).toBe("")
  })

  it.effect("names a nameless call after the function tool at its index", () =>
    Effect.gen(function* () {
      const tools = [{ type: "function", name: "echo", function: { name: " echo " } }]
      const events = yield* collect(translate([delta({ tool_calls: [{ index: 0, id: "c1", function: { arguments: "{}" } }] })], [], { tools }))
      expect(doneItems(events)[0]).toMatchObject({ type: "function_call", call_id: "c1", name: "echo" })
    }))

  it.effect("numbers index-less fragments by the calls seen so far", () =>
    Effect.gen(function* () {
      const events = yield* collect(translate([
        delta({ tool_calls: [{ id: "a", function: { name: "one" } }] }),
        delta({ tool_calls: [{ id: "b", function: { name: "two" } }] })
      ]))
      expect(doneItems(events).map((i) => i.call_id)).toEqual(["a", "b"])
    }))

  it.effect("fails without partial items when a call has no name or an unknown type", () =>
    Effect.gen(function* () {
      const events = yield* collect(translate([
        delta({ content: "hi" }),
        delta({ tool_calls: [{ index: 0, id: "ok", function: { name: "echo" } }, { index: 1, id: "bad" }] })
      ]))
      expect(types(events).filter((t) => t === "response.output_item.done")).toEqual([])
      expect(events.at(-1)).toEqual({ type: "response.failed", response: { error: { message: "outcomming function tool call is missing `name`" } } })
      const typed = yield* collect(translate([delta({ tool_calls: [{ index: 0, type: "custom", function: { name: "x" } }] })]))
      expect((typed.at(-1) as ResponseFailed).response.error.message).toBe("unsupported outcomming tool call type: 'custom'")
    }))
})

describe("the reasoning-only rule", () => {
  const reasoningOnly = [delta({ role: "assistant", reasoning: "inspect repo" }), finish("length")]

  it("is decided at the end of a round, as a value", () => {
    const translator = makeResponseTranslator(context())
    translator.beginRound([])
    for (const chunk of reasoningOnly) translator.push(chunk)
    expect(translator.endRound()).toEqual({ _tag: "RetryReasoningOnly" })
    translator.beginRound([])
    for (const chunk of reasoningOnly) translator.push(chunk)
    const second = translator.endRound()
    expect(second._tag).toBe("Fail")
    expect(second._tag === "Fail" && second.error.errorType).toBe("model_output_invalid")
  })

  it.effect("retries once with an identical request and drops the discarded reasoning", () =>
    Effect.gen(function* () {
      const request = { model: "m", messages: [{ role: "user", content: "hi" }], stream: true }
      const { events, sent } = yield* scripted([reasoningOnly, textChunks("done")], request)
      expect(sent).toHaveLength(2)
      expect(sent[1]).toEqual(sent[0])
      expect(sent[0]).not.toHaveProperty("max_tokens")
      expect(doneItems(events).map((i) => i.type)).toEqual(["message"])
      expect(types(events).filter((t) => t === "response.created")).toHaveLength(1)
      const completed = events.at(-1)!
      expect(completed.type).toBe("response.completed")
      expect(JSON.stringify(completed)).not.toContain("reasoning")
      expect(doneItems(events)[0]).toMatchObject({ id: "msg_00000001_0" }) // the discarded attempt used no index
    }))

  it.effect("fails as model_output_invalid when the retry is reasoning-only too", () =>
    Effect.gen(function* () {
      const { events, sent } = yield* scripted([reasoningOnly])
      expect(sent).toHaveLength(2)
      expect(types(events)).toEqual(["response.created", "response.failed"])
      expect(events[1]).toEqual({
        type: "response.failed",
        response: {
          error: {
            message: "outcomming chat completion ended without assistant content or tool calls after emitting only reasoning (finish_reason='length')",
            type: "model_output_invalid"
          }
        }
      })
    }))

  it.effect("names an unknown finish reason", () =>
    Effect.gen(function* () {
      const { events } = yield* scripted([[delta({ reasoning: "r" })]])
      expect((events[1] as ResponseFailed).response.error.message).toMatch(/\(finish_reason='<unknown>'\)$/)
    }))

  it.effect("does not apply to reasoning with text or with tool calls", () =>
    Effect.gen(function* () {
      const withCall = yield* scripted([[delta({ reasoning: "r", tool_calls: [{ index: 0, id: "c", function: { name: "f" } }] })]])
      expect(withCall.sent).toHaveLength(1)
      expect(doneItems(withCall.events).map((i) => i.type)).toEqual(["reasoning", "function_call"])
    }))
})

describe("failures", () => {
  it.effect("ends with response.failed after the deltas already sent, without response.completed", () =>
    Effect.gen(function* () {
      const chunks = Stream.fromIterable([delta({ content: "hi" })]).pipe(
        Stream.concat(Stream.fail(new OutcommingStreamError({ message: "outcomming chat stream ended before [DONE]" }))))
      const text = yield* sseText(translateChatStream(chunks, context()))
      expect(text).toContain('"type": "response.output_text.delta", "delta": "hi"')
      expect(text).toContain("event: response.failed\ndata: {\"type\": \"response.failed\", \"response\": {\"error\": {\"message\": \"outcomming chat stream ended before [DONE]\"}}}\n\n")
      expect(text).not.toContain("response.completed")
    }))

  it.effect("turns a defect into response.failed too", () =>
    Effect.gen(function* () {
      const events = yield* collect(translateChatStream(Stream.die(new Error("boom")), context()))
      expect(events).toEqual([expect.objectContaining({ type: "response.created" }), { type: "response.failed", response: { error: { message: "boom" } } }])
    }))

  it.effect("an opening failure comes after response.created", () =>
    Effect.gen(function* () {
      const events = yield* collect(translateResponse({
        context: context(),
        request: {},
        openRound: () => Stream.fail(new OutcommingStreamError({ message: "outcomming chat request failed with status 400: {\"message\":\"maximum context length\"}" }))
      }))
      expect(types(events)).toEqual(["response.created", "response.failed"])
      expect(JSON.stringify(events[1])).toContain("maximum context length")
    }))
})
