/** How a downstream round ends: error chunks, cut-offs (length, content filter) and events too long to buffer. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Stream } from "effect"
import { decodeChatChunks } from "../../../src/server/stream/ChatChunks.js"
import { messagesToChatChunks } from "../../../src/server/stream/MessagesEvents.js"
import { translateChatStream } from "../../../src/server/stream/Translate.js"
import type { ChatChunk } from "../../../src/protocol/ChatChunkWire.js"
import { collect, context, delta, finish, types } from "./support.js"

const translate = (chunks: ReadonlyArray<ChatChunk>) => translateChatStream(Stream.fromIterable(chunks), context())

const toolCall = (id: string, name: string, args: string): Array<ChatChunk> =>
  [delta({ tool_calls: [{ index: 0, id, type: "function", function: { name, arguments: args } }] })]

const failure = <A, E extends { message: string }>(stream: Stream.Stream<A, E>) =>
  Effect.map(Effect.either(Stream.runCollect(stream)), (result) => Either.isLeft(result) ? result.left.message : undefined)

describe("error chunks", () => {
  it.effect("a chunk carrying an error object fails the round with its message", () =>
    Effect.gen(function* () {
      const body = 'data: {"choices":[{"delta":{"content":"hi"}}]}\n\ndata: {"error":{"object":"error","message":"CUDA out of memory","code":500}}\n\ndata: [DONE]\n\n'
      const events = yield* collect(translateChatStream(decodeChatChunks(Stream.make(body)), context()))
      expect(types(events)).toEqual([
        "response.created", "response.output_item.added", "response.content_part.added", "response.output_text.delta", "response.failed"
      ])
      expect(events.at(-1)).toEqual({
        type: "response.failed",
        response: { error: { message: "outcomming chat stream failed while reading response body: CUDA out of memory" } }
      })
    }))

  it.effect("an error given as text, or without a message, is reported too; a null error is no error", () =>
    Effect.gen(function* () {
      expect(yield* failure(decodeChatChunks(Stream.make('data: {"error":"overloaded"}\n\n'))))
        .toBe("outcomming chat stream failed while reading response body: overloaded")
      expect(yield* failure(decodeChatChunks(Stream.make('data: {"error":{"code":503}}\n\n'))))
        .toBe('outcomming chat stream failed while reading response body: {"code":503}')
      expect(yield* failure(decodeChatChunks(Stream.make('data: {"error":null,"choices":[]}\n\ndata: [DONE]\n\n')))).toBeUndefined()
    }))
})

describe("cut-off responses", () => {
  it.effect("finish_reason length ends in response.incomplete with max_output_tokens", () =>
    Effect.gen(function* () {
      const events = yield* collect(translate([delta({ content: "partial" }), finish("length")]))
      expect(types(events).at(-1)).toBe("response.incomplete")
      expect(types(events)).not.toContain("response.completed")
      expect(events.at(-1)).toMatchObject({
        type: "response.incomplete",
        response: {
          id: "resp_00000001",
          object: "response",
          status: "incomplete",
          model: "gpt-5.4",
          incomplete_details: { reason: "max_output_tokens" },
          output: [{ type: "message", content: [{ type: "output_text", text: "partial" }] }]
        }
      })
    }))

  it.effect("content_filter ends in response.incomplete with content_filter, also after a tool call", () =>
    Effect.gen(function* () {
      const events = yield* collect(translate([...toolCall("call_1", "echo", "{}"), finish("content_filter")]))
      expect(events.at(-1)).toMatchObject({ type: "response.incomplete", response: { incomplete_details: { reason: "content_filter" } } })
    }))

  it.effect("a Messages max_tokens or refusal stop reason maps the same way", () =>
    Effect.gen(function* () {
      const sse = (stop: string) =>
        [
          ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }],
          ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "cut" } }],
          ["message_delta", { type: "message_delta", delta: { stop_reason: stop } }],
          ["message_stop", { type: "message_stop" }]
        ].map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join("")
      for (const [stop, reason] of [["max_tokens", "max_output_tokens"], ["refusal", "content_filter"]] as const) {
        const events = yield* collect(translateChatStream(messagesToChatChunks(Stream.make(sse(stop))), context()))
        expect(events.at(-1)).toMatchObject({ type: "response.incomplete", response: { incomplete_details: { reason } } })
      }
      const done = yield* collect(translateChatStream(messagesToChatChunks(Stream.make(sse("end_turn"))), context()))
      expect(done.at(-1)!.type).toBe("response.completed")
    }))
})

describe("bounded framing", () => {
  it.effect("a line that never ends fails the round once it passes the limit, without waiting for the body to end", () =>
    Effect.gen(function* () {
      let pulled = 0
      const endless = Stream.repeatEffect(Effect.sync(() => {
        pulled++
        return "x".repeat(1000)
      }))
      const message = yield* failure(decodeChatChunks(Stream.concat(Stream.make("data: "), endless), { maxEventChars: 10_000 }))
      expect(message).toMatch(/^outcomming chat stream sent an event longer than 10000 characters \(\d+ buffered\)/)
      expect(pulled).toBeLessThan(20)
      const messages = yield* failure(messagesToChatChunks(Stream.concat(Stream.make("data: "), endless), { maxEventChars: 10_000 }))
      expect(messages).toMatch(/^outcomming messages stream sent an event longer than 10000 characters/)
    }))

  it.effect("many data lines of one event count together; events under the limit pass", () =>
    Effect.gen(function* () {
      const line = `data: ${"y".repeat(100)}\n`
      expect(yield* failure(decodeChatChunks(Stream.make(line.repeat(200)), { maxEventChars: 10_000 }))).toMatch(/longer than 10000/)
      const ok = `data: {"choices":[{"delta":{"content":"${"z".repeat(9000)}"}}]}\n\ndata: [DONE]\n\n`
      expect(yield* failure(decodeChatChunks(Stream.make(ok), { maxEventChars: 10_000 }))).toBeUndefined()
    }))
})
