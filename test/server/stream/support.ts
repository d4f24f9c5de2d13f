/** Test helpers for the compatibility server's stream translation: chunk builders, event collection, scripted rounds. */
import { Chunk, Effect, Ref, Stream } from "effect"
import type { ChatChunk } from "../../../src/protocol/ChatChunkWire.js"
import type { ResponsesStreamEvent } from "../../../src/server/stream/ResponsesEvents.js"
import type { TranslationContext } from "../../../src/server/stream/Rounds.js"
import { encodeSseText } from "../../../src/server/stream/SseEncode.js"
import { translateResponse } from "../../../src/server/stream/Translate.js"

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

/** Runs a whole response over scripted rounds (the last one repeats), recording every request sent downstream. */
export const scriptedRounds = (rounds: ReadonlyArray<ReadonlyArray<ChatChunk>>, request: Record<string, unknown>) =>
  Effect.gen(function* () {
    const sent = yield* Ref.make<Array<Record<string, unknown>>>([])
    const events = yield* collect(translateResponse({
      context: context(),
      request,
      openRound: (body) =>
        Stream.unwrap(Ref.modify(sent, (all) => [Stream.fromIterable(rounds[Math.min(all.length, rounds.length - 1)]!), [...all, structuredClone(body)]]))
    }))
    return { events, sent: yield* Ref.get(sent) }
  })


/** A drain whose time is over when the test calls `pass`. */
export const fakeDrain = () => {
  const waiting: Array<() => void> = []
  return {
    deadlinePassed: Effect.never,
    onDeadline: (callback: () => void) => void waiting.push(callback),
    pass: () => waiting.splice(0).forEach((callback) => callback())
  }
}
