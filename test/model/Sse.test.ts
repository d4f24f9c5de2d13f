/** Tests of Sse: decodeSse. */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import * as V8 from "node:v8"
import { runInNewContext } from "node:vm"
import { decodeSse, makeFramer } from "../../src/model/Sse.js"

const frame = (pieces: ReadonlyArray<string>) =>
  decodeSse(Stream.fromIterable(pieces)).pipe(
    Stream.runCollect,
    Effect.map((events) => Chunk.toArray(events).map((e) => [e.event, e.data]))
  )

describe("decodeSse", () => {
  it.effect("dispatches on blank lines and joins data lines", () =>
    Effect.gen(function* () {
      expect(yield* frame(["event: a\ndata: 1\n\n", "data: x\ndata: y\n\n"])).toEqual([
        ["a", "1"],
        ["message", "x\ny"]
      ])
    })
  )

  it.effect("dispatches a final event that has no blank line after it", () =>
    Effect.gen(function* () {
      expect(yield* frame(["data: first\n\ndata: last"])).toEqual([["message", "first"], ["message", "last"]])
      expect(yield* frame(["data: last\n"])).toEqual([["message", "last"]])
    })
  )

  it.effect("strips all leading whitespace of event and data values; ignores comments, id, retry and junk", () =>
    Effect.gen(function* () {
      expect(yield* frame([": comment\nid: 7\nretry: 10000\nevent:\t  spaced\ndata:    {\"a\":1}\njunk line\n\n"])).toEqual([
        ["spaced", "{\"a\":1}"]
      ])
    })
  )

  it.effect("skips events whose data is empty and resets the name after each blank line", () =>
    Effect.gen(function* () {
      expect(yield* frame(["event: ping\ndata:\n\nevent: x\n\ndata: after\n\n"])).toEqual([["message", "after"]])
    })
  )

  it.effect("handles CRLF line ends and lines split across chunks at any point", () =>
    Effect.gen(function* () {
      const text = "event: a\r\ndata: héllo\r\n\r\ndata: b\r\n\r\n"
      const expected = [["a", "héllo"], ["message", "b"]]
      expect(yield* frame([text])).toEqual(expected)
      expect(yield* frame(text.split(""))).toEqual(expected)
    })
  )

  it("counts raw lines and events", () => {
    const framer = makeFramer()
    framer.push("event: a\ndata: 1\n\ndata:\n\n")
    framer.end()
    expect(framer.stats).toEqual({ rawLines: 5, events: 1 })
  })

  it("stays linear on one huge chunk", () => {
    const one = `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"x"}\n\n`
    const framer = makeFramer()
    const started = performance.now()
    const events = framer.push(one.repeat(50_000))
    expect(events).toHaveLength(50_000)
    expect(performance.now() - started).toBeLessThan(5_000)
  })
})

describe("makeFramer memory", () => {
  it("what it holds of a piece between pushes is a copy, not the whole piece it was cut from", () => {
    V8.setFlagsFromString("--expose-gc")
    const gc = runInNewContext("gc") as () => void
    gc()
    const before = process.memoryUsage().heapUsed
    // each piece is 1 MiB of comment, then an unfinished event and an unfinished line
    const framers = Array.from({ length: 50 }, (_, i) => {
      const framer = makeFramer()
      const events = framer.push(`data: first ${i}\n\n:${"c".repeat(1 << 20)}\nevent: pending-event-${i}\ndata: pending-data-line-${i}\nunfinished line ${i}`)
      expect(events.map((event) => event.data)).toEqual([`first ${i}`])
      return framer
    })
    gc()
    // the 50 pieces come to 50 MiB; the copies to a few kilobytes
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(10 * 1024 * 1024)
    expect(framers[7]!.push(" still\n\n")).toEqual([{ _tag: "Event", event: "pending-event-7", id: undefined, data: "pending-data-line-7" }])
  })
})
