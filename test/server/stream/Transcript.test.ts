/** Tests of Transcript: the complete transcript. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import type { ChatChunk } from "../../../src/protocol/ChatChunkWire.js"
import { terminatedSseText } from "../../../src/server/stream/Terminal.js"
import { translateChatStream, translateResponseEncoded } from "../../../src/server/stream/Translate.js"
import { collect, context, dataLines, delta, sseText, usageChunk } from "./support.js"

// The observed reference transcript: reasoning, two text fragments, two tool calls (out of index
// order, one without id, one to a custom tool), then usage. Our stream carries the same payloads,
// each extended at its end with the fields of the full Responses sequence.
const chunks: Array<ChatChunk> = [
  delta({ reasoning: "think " }),
  delta({ content: "Hé" }),
  delta({ content: "llo" }),
  delta({ tool_calls: [{ index: 1, id: "c2", type: "function", function: { name: "echo", arguments: "{\"a\"" } }] }),
  delta({ tool_calls: [{ index: 1, function: { arguments: ":1}" } }] }),
  delta({ tool_calls: [{ index: 0, type: "function", function: { name: "apply_patch", arguments: "{\"input\":\"x\"}" } }] }, "tool_calls"),
  usageChunk({ prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 })
]

const reference = [
  '{"type": "response.created", "response": {"id": "resp_00000001", "object": "response", "status": "in_progress", "model": "m1"}}',
  '{"type": "response.output_text.delta", "delta": "Hé"}',
  '{"type": "response.output_text.delta", "delta": "llo"}',
  '{"type": "response.output_item.done", "item": {"type": "reasoning", "summary": [], "content": [{"type": "reasoning_text", "text": "think "}]}}',
  '{"type": "response.output_item.done", "item": {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Héllo"}]}}',
  '{"type": "response.output_item.done", "item": {"type": "custom_tool_call", "call_id": "call_0", "name": "apply_patch", "input": "x"}}',
  '{"type": "response.output_item.done", "item": {"type": "function_call", "call_id": "c2", "name": "echo", "arguments": "{\\"a\\":1}"}}'
]

const run = sseText(translateChatStream(Stream.fromIterable(chunks), context(["apply_patch"], "m1")))

describe("the complete transcript", () => {
  it.effect("sends the full Responses sequence in order", () =>
    Effect.gen(function* () {
      const text = yield* run
      const names = text.split("\n").filter((l) => l.startsWith("event: ")).map((l) => l.slice(7))
      expect(names).toEqual([
        "response.created",
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.output_item.added",
        "response.output_item.done",
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.output_item.added",
        "response.output_item.done",
        "response.output_item.added",
        "response.output_item.done",
        "response.completed"
      ])
      // every frame is `event:` LF `data:` LF LF, and the name is the payload's type
      const frames = text.split("\n\n").filter((f) => f !== "")
      for (const frame of frames) {
        const [event, data, ...rest] = frame.split("\n")
        expect(rest).toEqual([])
        expect(JSON.parse(data!.slice(6)).type).toBe(event!.slice(7))
      }
      expect(text.endsWith("\n\n")).toBe(true)
    }))

  it.effect("keeps the reference payloads byte for byte, extra fields only at the end of each object", () =>
    Effect.gen(function* () {
      const lines = dataLines(yield* run)
      expect(lines[0]).toBe(reference[0])
      const relevant = lines.filter((l) =>
        l.includes('"type": "response.output_text.delta"') || l.startsWith('{"type": "response.output_item.done"'))
      expect(relevant).toHaveLength(reference.length - 1)
      reference.slice(1).forEach((ref, i) => {
        expect(relevant[i]!.startsWith(ref.replace(/\}+$/, ""))).toBe(true)
      })
      expect(lines[3]).toBe('{"type": "response.output_text.delta", "delta": "Hé", "item_id": "msg_00000001_1", "output_index": 1, "content_index": 0}')
    }))

  it.effect("completes with the usage snapshot and every item in response.output", () =>
    Effect.gen(function* () {
      const last = dataLines(yield* run).at(-1)!
      expect(last.startsWith('{"type": "response.completed", "response": {"id": "resp_00000001", "output": [')).toBe(true)
      expect(last).toContain('"usage": {"input_tokens": 5, "output_tokens": 3, "total_tokens": 8}')
      const completed = JSON.parse(last)
      expect(completed.response.output.map((i: { type: string }) => i.type))
        .toEqual(["reasoning", "message", "custom_tool_call", "function_call"])
      expect(completed.response.output.map((i: { id: string }) => i.id))
        .toEqual(["rs_00000001_0", "msg_00000001_1", "ctc_00000001_2", "fc_00000001_3"])
      expect(completed.response.status).toBe("completed")
      expect(completed.response.model).toBe("m1")
    }))

  it.effect("gives every item one output_index from added to done", () =>
    Effect.gen(function* () {
      const events = dataLines(yield* run).map((l) => JSON.parse(l))
      const added = events.filter((e) => e.type === "response.output_item.added").map((e) => [e.item.id, e.output_index])
      const done = events.filter((e) => e.type === "response.output_item.done").map((e) => [e.item.id, e.output_index])
      expect(added.sort()).toEqual(done.sort())
      const message = events.find((e) => e.type === "response.output_item.added" && e.item.type === "message")
      expect(message.item).toEqual({ type: "message", role: "assistant", content: [], id: "msg_00000001_1", status: "in_progress" })
      const textDone = events.find((e) => e.type === "response.output_text.done")
      expect(textDone).toEqual({ type: "response.output_text.done", text: "Héllo", item_id: "msg_00000001_1", output_index: 1, content_index: 0 })
      const partDone = events.find((e) => e.type === "response.content_part.done")
      expect(partDone.part).toEqual({ type: "output_text", text: "Héllo" })
    }))
})

describe("the relay's batched translation", () => {
  it.effect("writes the same SSE text as event-by-event translation, whatever the batches, and hands each batch over once", () =>
    Effect.gen(function* () {
      const expected = yield* run
      const batches: Array<number> = []
      for (const sizes of [[7], [1, 1, 1, 1, 1, 1, 1], [2, 4, 1], [3, 0, 4]]) {
        const text = yield* collect(terminatedSseText(translateResponseEncoded({
          context: context(["apply_patch"], "m1"),
          request: {},
          openRound: () => Stream.die("the batched path must be used"),
          openRoundBatched: (_request, present) => {
            let start = 0
            return Stream.fromIterable(sizes).pipe(Stream.mapConcat((size) => {
              const batch = chunks.slice(start, start + size)
              start += size
              batches.push(batch.length)
              return present(batch)
            }))
          }
        })))
        expect(text.join("")).toBe(expected)
      }
      expect(batches).toEqual([7, 1, 1, 1, 1, 1, 1, 1, 2, 4, 1, 3, 0, 4])
    }))
})
