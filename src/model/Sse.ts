/** Sse: frames a text stream into server-sent events, line by line, with the rules model streams need. */
import type * as ExperimentalSse from "@effect/experimental/Sse"
import { Either, Stream } from "effect"

/** One dispatched event: its `event:` name (`message` when none) and its joined `data:` lines. */
export type SseEvent = ExperimentalSse.Event

/** Counters kept while framing, used to describe a stream that broke. */
export interface SseStats {
  /** Every line read, blank ones included. */
  rawLines: number
  /** Events dispatched (empty-data events are not counted). */
  events: number
}

export interface SseFramer {
  /** Feeds a piece of text; returns the events completed by it. */
  readonly push: (text: string) => Array<SseEvent>
  /** Ends the input: a pending event without its blank line is still dispatched. */
  readonly end: () => Array<SseEvent>
  readonly stats: SseStats
  /** Characters held for events not yet dispatched: the unfinished line plus the pending data lines. */
  readonly buffered: () => number
}

/**
 * A copy of `text` that does not keep the string it was cut from alive. V8 makes a longer slice a
 * view of its parent, so the unfinished tail of a network read would hold the whole read's text
 * until the next read comes; copying the (short) tail lets the read die young.
 */
const detached = (text: string): string => (text.length < 13 ? text : (" " + text).slice(1))

/**
 * A framer with these rules: lines end at `\n` (a trailing `\r` is dropped); a blank line
 * dispatches the pending event; `:` lines are comments; `event:` and `data:` values lose all
 * their leading whitespace; every other line (`id:`, `retry:`, junk) is ignored; events with
 * empty data are skipped. Work is linear in the input, whatever the chunk sizes.
 */
export const makeFramer = (): SseFramer => {
  const stats: SseStats = { rawLines: 0, events: 0 }
  let rest = ""
  let name: string | undefined
  let data: Array<string> = []
  let dataChars = 0
  let out: Array<SseEvent> = []

  const dispatch = () => {
    if (data.length > 0) {
      const joined = data.length === 1 ? data[0]! : data.join("\n")
      if (joined !== "") {
        stats.events++
        out.push({ _tag: "Event", event: name ?? "message", id: undefined, data: joined })
      }
    }
    name = undefined
    data = []
    dataChars = 0
  }

  const line = (raw: string) => {
    stats.rawLines++
    const text = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw
    if (text === "") return dispatch()
    const first = text.charCodeAt(0)
    if (first === 100 /* d */ && text.startsWith("data:")) {
      const value = text.slice(5).trimStart()
      dataChars += value.length
      data.push(value)
    }
    else if (first === 101 /* e */ && text.startsWith("event:")) name = text.slice(6).trimStart()
  }

  const take = () => {
    const events = out
    out = []
    return events
  }

  return {
    stats,
    buffered: () => rest.length + dataChars,
    push: (text) => {
      let start = 0
      let index = text.indexOf("\n")
      if (index === -1) {
        rest += text
        return take()
      }
      line(rest + text.slice(0, index))
      rest = ""
      start = index + 1
      while ((index = text.indexOf("\n", start)) !== -1) {
        line(text.slice(start, index))
        start = index + 1
      }
      rest = detached(text.slice(start))
      // an event cut off by the end of the piece keeps copies of its lines, not views of the piece
      if (data.length > 0) data = data.map(detached)
      if (name !== undefined) name = detached(name)
      return take()
    },
    end: () => {
      if (rest !== "") {
        line(rest)
        rest = ""
      }
      dispatch()
      return take()
    }
  }
}

/** A cap on what the framer may hold for one event, and the failure that reports going over it. */
export interface SseLimit<E> {
  /** Characters of the unfinished line plus the pending event's data. */
  readonly maxEventChars: number
  readonly onOverflow: (buffered: number) => E
}

/** Frames a stream of decoded text into events (see `makeFramer` for the rules). */
export const decodeSse = <E, R>(text: Stream.Stream<string, E, R>): Stream.Stream<SseEvent, E, R> =>
  Stream.suspend(() => {
    const framer = makeFramer()
    return text.pipe(
      Stream.mapConcat(framer.push),
      Stream.concat(Stream.suspend(() => Stream.fromIterable(framer.end())))
    )
  })

/**
 * `decodeSse` that fails as soon as one unfinished event holds more than `maxEventChars`
 * characters, so a peer that never ends a line cannot make it buffer without bound.
 */
export const decodeSseLimited = <E, R, E2>(
  text: Stream.Stream<string, E, R>,
  limit: SseLimit<E2>
): Stream.Stream<SseEvent, E | E2, R> =>
  Stream.suspend(() => {
    const framer = makeFramer()
    return text.pipe(
      Stream.mapEffect((piece): Either.Either<Array<SseEvent>, E2> => {
        const events = framer.push(piece)
        const held = framer.buffered()
        return held > limit.maxEventChars ? Either.left(limit.onOverflow(held)) : Either.right(events)
      }),
      Stream.mapConcat((events) => events),
      Stream.concat(Stream.suspend(() => Stream.fromIterable(framer.end())))
    )
  })
