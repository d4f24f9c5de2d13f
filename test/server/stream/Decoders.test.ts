/** Tests of Decoders: makeChatChunkReader. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Stream } from "effect"
import { decodeChatChunks, makeChatChunkReader } from "../../../src/server/stream/ChatChunks.js"
import { messagesToChatChunks } from "../../../src/server/stream/MessagesEvents.js"
import { translateChatStream } from "../../../src/server/stream/Translate.js"
import { collect, context, doneItems, sseText } from "./support.js"

const sse = (events: ReadonlyArray<[string, unknown]>) =>
  events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join("")

/** A body split into small pieces, so framing across piece boundaries is exercised. */
const body = (text: string) => Stream.fromIterable(text.match(/[\s\S]{1,7}/g) ?? [])

const errorOf = <A, E>(stream: Stream.Stream<A, E>) => Effect.either(Stream.runCollect(stream)).pipe(Effect.map(Either.getLeft))

describe("makeChatChunkReader", () => {
  it.effect("gives the chunks and the failure decodeChatChunks gives for the same pieces, the text cut anywhere", () =>
    Effect.gen(function* () {
      const texts = [
        'data: {"choices":[{"index":0,"delta":{"content":"hi"}}]}\r\n\r\n: c\n\nevent: x\ndata:   [1]\n\ndata: {"choices":[]}\n\ndata: [DONE]\n\ndata: junk\n\n',
        'data: {"choices":[{"delta":{"content":"a"}}]}\n\ndata: {bad\n\ndata: {"choices":[]}\n\n',
        'data: {"choices":[{"delta":{"content":"a"}}]}\n\ndata: {"error":{"message":"boom"}}\n\n',
        'data: {"choices":[{"delta":{"content":"a"}}]}\n\ndata: {"choices":[{"delta":{"content":"b"}}]}',
        "data: " + "x".repeat(40)
      ]
      for (const text of texts) {
        for (let cut = 0; cut <= text.length; cut++) {
          const pieces = Stream.make(text.slice(0, cut), text.slice(cut))
          const expected = yield* Effect.either(Stream.runCollect(decodeChatChunks(pieces, { maxEventChars: 30 })))
          const reader = makeChatChunkReader({ maxEventChars: 30 })
          const chunks: Array<unknown> = []
          let failure: string | undefined
          let stopped = false
          for (const piece of [text.slice(0, cut), text.slice(cut)]) {
            const step = reader.push(piece)
            chunks.push(...step.chunks)
            failure = step.failure?.message
            stopped = step.done || failure !== undefined
            if (stopped) break
          }
          if (!stopped) {
            const ended = reader.end()
            chunks.push(...ended.chunks)
            failure = ended.failure?.message
          }
          const got = failure === undefined ? Either.right(chunks) : Either.left(failure)
          const want = Either.isRight(expected) ? Either.right([...expected.right]) : Either.left(expected.left.message)
          expect(got, `${JSON.stringify(text.slice(0, 30))} cut at ${cut}`).toEqual(want)
        }
      }
    }))
})

describe("decodeChatChunks", () => {
  it.effect("decodes data lines until [DONE] and reads nothing after it", () =>
    Effect.gen(function* () {
      const text = 'data: {"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}]}\r\n\r\n: comment\n\nevent: x\ndata:   [1]\n\ndata: [DONE]\n\ndata: not json\n\n'
      const chunks = yield* collect(translateChatStream(decodeChatChunks(body(text)), context()))
      expect(doneItems(chunks)[0]).toMatchObject({ type: "message", content: [{ text: "hi" }] })
      expect(chunks.at(-1)!.type).toBe("response.completed")
    }))

  it.effect("fails when the body ends before [DONE]", () =>
    Effect.gen(function* () {
      const text = yield* sseText(translateChatStream(decodeChatChunks(body('data: {"choices":[{"delta":{"content":"hi"}}]}\n')), context()))
      expect(text).toContain('"type": "response.output_text.delta", "delta": "hi"')
      expect(text).toContain("event: response.failed")
      expect(text).toContain("outcomming chat stream ended before [DONE]")
      expect(text).not.toContain("event: response.completed")
    }))

  it.effect("fails on invalid JSON and on a broken body with the read error prefix", () =>
    Effect.gen(function* () {
      const bad = yield* errorOf(decodeChatChunks(body("data: {bad\n\n")))
      expect(bad._tag === "Some" && bad.value.message).toMatch(/^outcomming chat stream failed while reading response body: /)
      const broken = yield* errorOf(decodeChatChunks(Stream.make("data: {}\n\n").pipe(Stream.concat(Stream.fail(new Error("socket reset"))))))
      expect(broken._tag === "Some" && broken.value.message).toBe("outcomming chat stream failed while reading response body: socket reset")
    }))

  it.effect("keeps token ids for the trajectory dump and reads wrong-shaped fields as absent", () =>
    Effect.gen(function* () {
      const text = 'data: {"prompt_token_ids":[1,true,2.5,3],"choices":[{"delta":{"content":null,"tool_calls":"x"},"token_ids":[7]}],"usage":5}\n\ndata: [DONE]\n\n'
      const [chunk] = yield* collect(decodeChatChunks(body(text)))
      expect(chunk).toEqual({ prompt_token_ids: [1, 3], choices: [{ delta: { content: undefined, tool_calls: undefined }, token_ids: [7] }], usage: undefined })
    }))
})

const textEvents = (text: string): Array<[string, unknown]> => [
  ["message_start", { type: "message_start", message: { usage: { input_tokens: 10, cache_read_input_tokens: 4 } } }],
  ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }],
  ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text } }],
  ["content_block_stop", { type: "content_block_stop", index: 0 }],
  ["message_delta", { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 7 } }],
  ["message_stop", { type: "message_stop" }]
]

const viaMessages = (events: ReadonlyArray<[string, unknown]>, custom: ReadonlyArray<string> = []) =>
  translateChatStream(messagesToChatChunks(body(sse(events))), context(custom))

describe("messagesToChatChunks", () => {
  it.effect("streams text and reports the combined usage", () =>
    Effect.gen(function* () {
      const text = yield* sseText(viaMessages(textEvents("Hello")))
      expect(text).toContain('"type": "response.output_text.delta", "delta": "Hello"')
      expect(text).toContain('"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Hello"}]')
      expect(text).toContain('"usage": {"input_tokens": 10, "input_tokens_details": {"cache_read_input_tokens": 4}, "output_tokens": 7}')
    }))

  it.effect("maps thinking to reasoning and tool_use blocks to calls indexed by block, ignoring signatures", () =>
    Effect.gen(function* () {
      const events = yield* collect(viaMessages([
        ["message_start", { type: "message_start", message: {} }],
        ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "plan " } }],
        ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "more" } }],
        ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "sig" } }],
        ["content_block_start", { type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "t1", name: "echo", input: { a: 1 } } }],
        ["content_block_start", { type: "content_block_start", index: 2, content_block: { type: "tool_use", id: "t2", name: "apply_patch", input: {} } }],
        ["content_block_delta", { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: "{\"input\":" } }],
        ["content_block_delta", { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: "\"p\"}" } }],
        ["message_delta", { type: "message_delta", delta: { stop_reason: "tool_use" } }],
        ["message_stop", { type: "message_stop" }]
      ], ["apply_patch"]))
      expect(doneItems(events)).toEqual([
        expect.objectContaining({ type: "reasoning", content: [{ type: "reasoning_text", text: "plan more" }] }),
        expect.objectContaining({ type: "function_call", call_id: "t1", name: "echo", arguments: "{\"a\":1}" }),
        expect.objectContaining({ type: "custom_tool_call", call_id: "t2", name: "apply_patch", input: "p" })
      ])
    }))

  it.effect("uses the SSE event name when the payload has no type", () =>
    Effect.gen(function* () {
      const events = textEvents("x").map(([name, data]) => {
        const { type: _type, ...rest } = data as Record<string, unknown>
        return [name, rest] as [string, unknown]
      })
      expect(doneItems(yield* collect(viaMessages(events)))[0]).toMatchObject({ type: "message" })
    }))

  it.effect("fails on an error event with its message, or the whole event without one", () =>
    Effect.gen(function* () {
      const overloaded = yield* sseText(viaMessages([["error", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }]]))
      expect(overloaded).toContain("outcomming messages stream failed while reading response body: Overloaded")
      const bare = yield* errorOf(messagesToChatChunks(body(sse([["error", { type: "error", error: { type: "overloaded_error" } }]]))))
      expect(bare._tag === "Some" && bare.value.message)
        .toBe('outcomming messages stream failed while reading response body: {"type":"error","error":{"type":"overloaded_error"}}')
    }))

  it.effect("fails when the body ends before message_stop, after the text already sent", () =>
    Effect.gen(function* () {
      const text = yield* sseText(viaMessages(textEvents("partial").slice(0, 3)))
      expect(text).toContain('"delta": "partial"')
      expect(text).toContain("outcomming messages stream ended before `message_stop`")
      expect(text).not.toContain("event: response.completed")
    }))

  it.effect("sends one finish chunk: from the stop reason, or stop at message_stop", () =>
    Effect.gen(function* () {
      const chunks = yield* collect(messagesToChatChunks(body(sse([
        ["message_delta", { type: "message_delta", delta: { stop_reason: "max_tokens" } }],
        ["message_delta", { type: "message_delta", delta: { stop_reason: "end_turn" } }],
        ["message_stop", { type: "message_stop" }]
      ]))))
      expect(chunks.map((c) => c.choices?.[0]?.finish_reason)).toEqual(["length"])
      const plain = yield* collect(messagesToChatChunks(body(sse([["message_stop", { type: "message_stop" }]]))))
      expect(plain.map((c) => c.choices?.[0]?.finish_reason)).toEqual(["stop"])
    }))

  it.effect("treats a thinking-only stream as reasoning-only", () =>
    Effect.gen(function* () {
      const events = yield* collect(viaMessages([
        ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "hmm" } }],
        ["message_delta", { type: "message_delta", delta: { stop_reason: "max_tokens" } }],
        ["message_stop", { type: "message_stop" }]
      ]))
      expect(events.at(-1)).toMatchObject({ type: "response.failed", response: { error: { type: "model_output_invalid" } } })
      expect(JSON.stringify(events.at(-1))).toContain("(finish_reason='length')")
    }))
})
