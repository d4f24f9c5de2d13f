/** Test helpers for the compatibility server's stream translation: chunk builders and event collection. */
import { Chunk, Effect, Stream } from "effect"
import type { ChatChunk } from "../../../src/protocol/ChatChunkWire.js"
import type { ResponsesStreamEvent } from "../../../src/server/stream/ResponsesEvents.js"
import type { TranslationContext } from "../../../src/server/stream/Rounds.js"
import { encodeSseText } from "../../../src/server/stream/SseEncode.js"

export const context = (customToolNames: ReadonlyArray<string> = [], model = "gpt-5.4"): TranslationContext => ({
  responseId: "resp_00000001",
  model,
  customToolNames: new Set(customToolNames)
})

export const delta = (d: Record<string, unknown>, finish: string | null = null): ChatChunk =>
  ({ choices: [{ index: 0, delta: d, ...(finish === null ? {} : { finish_reason: finish }) }] }) as ChatChunk

export const finish = (reason: string): ChatChunk => delta({}, reason)

export const usageChunk = (usage: Record<string, unknown>): ChatChunk => ({ choices: [], usage })

export const textChunks = (text: string): Array<ChatChunk> => [delta({ role: "assistant", content: text }), finish("stop")]

export const collect = <A, E>(events: Stream.Stream<A, E>) =>
  Effect.map(Stream.runCollect(events), Chunk.toArray)

export const sseText = <E>(events: Stream.Stream<ResponsesStreamEvent, E>) =>
  Effect.map(Stream.runCollect(encodeSseText(events)), (chunks) => Chunk.toArray(chunks).join(""))

/** The `data:` payload lines of an SSE text, in order. */
export const dataLines = (text: string): Array<string> =>
  text.split("\n").filter((line) => line.startsWith("data: ")).map((line) => line.slice(6))

export const types = (events: ReadonlyArray<ResponsesStreamEvent>) => events.map((e) => e.type)

/** The finished items, in the order their `output_item.done` events came. */
export const doneItems = (events: ReadonlyArray<ResponsesStreamEvent>) =>
  events.flatMap((e) => (e.type === "response.output_item.done" ? [e.item as unknown as Record<string, unknown>] : []))
