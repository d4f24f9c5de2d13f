/** SseEncode: writes Responses events as SSE text, one string per chunk of events. */
import { Chunk, Stream } from "effect"
import type { ResponsesStreamEvent } from "./ResponsesEvents.js"
import { spacedJson } from "./SpacedJson.js"

/** One event's frame: `event: <type>` LF `data: <spaced JSON>` LF LF. */
export const encodeEvent = (event: ResponsesStreamEvent): string => `event: ${event.type}\ndata: ${spacedJson(event)}\n\n`

/**
 * Events already written as SSE text: the relay encodes a batch of streamed deltas in the step
 * that translated it, so the batch's event objects never wait in a queue or across a yield.
 * Never a terminal event.
 */
export class EncodedEvents {
  constructor(readonly text: string) {}
}

/** The SSE text of a batch of events, or undefined for none. */
export const encodeBatch = (events: ReadonlyArray<ResponsesStreamEvent>): EncodedEvents | undefined => {
  if (events.length === 0) return undefined
  // one flat string (join), not a chain of concatenations that keeps every piece alive until written
  return new EncodedEvents(events.map(encodeEvent).join(""))
}

/** The SSE text of an event stream, joined per chunk (one write per chunk, not per event). */
export const encodeSseText = <E, R>(events: Stream.Stream<ResponsesStreamEvent, E, R>): Stream.Stream<string, E, R> =>
  events.pipe(Stream.mapChunks((chunk) => {
    if (Chunk.isEmpty(chunk)) return Chunk.empty<string>()
    let text = ""
    for (const event of chunk) text += encodeEvent(event)
    return Chunk.of(text)
  }))

/** The SSE body bytes of an event stream, ready for an HTTP response. */
export const encodeSse = <E, R>(events: Stream.Stream<ResponsesStreamEvent, E, R>): Stream.Stream<Uint8Array, E, R> =>
  encodeSseText(events).pipe(Stream.encodeText)
