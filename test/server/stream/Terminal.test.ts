/** The last stage of every response stream: exactly one terminal event, whatever goes wrong, and the request deadline. */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Exit, Fiber, Stream, TestClock } from "effect"
import * as Deadlines from "../../../src/server/Deadlines.js"
import { stopWith } from "../../../src/server/stream/StopWith.js"
import * as Ev from "../../../src/server/stream/ResponsesEvents.js"
import { EncodedEvents, encodeEvent } from "../../../src/server/stream/SseEncode.js"
import type { BodySink } from "../../../src/server/stream/BodySink.js"
import { type Stopper, terminatedSseText, writeTerminatedSse } from "../../../src/server/stream/Terminal.js"
import { dataLines, fakeDrain } from "./support.js"

const run = <E>(events: Stream.Stream<Ev.ResponsesStreamEvent, E>, redact?: (t: string) => string) =>
  Effect.map(Stream.runCollect(terminatedSseText(events, redact)), (c) => dataLines(Chunk.toArray(c).join("")).map((l) => JSON.parse(l) as Record<string, any>))

const created = Ev.created("resp_x", "m")
const done = Ev.completed("resp_x", "m", [], undefined)

describe("terminatedSseText", () => {
  it.effect("passes a normal stream through and drops anything after the first terminal event", () =>
    Effect.gen(function* () {
      const events = yield* run(Stream.make(created, done, Ev.failed("late"), done))
      expect(events.map((e) => e.type)).toEqual(["response.created", "response.completed"])
    }))

  it.effect("a failure, a defect, or an end without a terminal event each become one response.failed", () =>
    Effect.gen(function* () {
      const failed = yield* run(Stream.make(created).pipe(Stream.concat(Stream.fail(new Error("boom")))))
      expect(failed.map((e) => e.type)).toEqual(["response.created", "response.failed"])
      expect(failed[1]!.response.error.message).toBe("boom")
      const died = yield* run(Stream.make(created).pipe(Stream.concat(Stream.die(new RangeError("Maximum call stack size exceeded")))))
      expect(died.at(-1)!.response.error.message).toBe("Maximum call stack size exceeded")
      const empty = yield* run(Stream.make(created))
      expect(empty.at(-1)!.response.error.message).toBe("the response stream ended without a terminal event")
      const before = yield* run(Stream.die("before anything"))
      expect(before.map((e) => e.type)).toEqual(["response.failed"])
    }))

  it.effect("an event that cannot be encoded ends the stream with response.failed instead of cutting it", () =>
    Effect.gen(function* () {
      const loop: Record<string, unknown> = {}
      loop.self = loop
      const bad = { ...done, response: { ...done.response, usage: loop } } as unknown as Ev.ResponsesStreamEvent
      const events = yield* run(Stream.make(created, bad, done))
      expect(events.map((e) => e.type)).toEqual(["response.created", "response.failed"])
      expect(events[1]!.response.error.message).toMatch(/^the response could not be encoded: /)
    }))

  it.effect("failure messages are redacted", () =>
    Effect.gen(function* () {
      const events = yield* run(Stream.make(created, Ev.failed("key sk-1234 leaked")), (t) => t.replace("sk-1234", "***"))
      expect(events[1]!.response.error.message).toBe("key *** leaked")
    }))
})

const runStopped = <E>(events: Stream.Stream<Ev.ResponsesStreamEvent | EncodedEvents, E>, stopper: Stopper) =>
  Effect.map(Stream.runCollect(terminatedSseText(events, (text) => text.replaceAll("30", "NN"), stopper)), (c) => Chunk.toArray(c).join(""))

describe("request deadline, as the server applies it (the stopper of terminatedSse)", () => {
  it.scoped("a stream still running at the deadline ends with response.failed naming it, after what was already encoded", () =>
    Effect.gen(function* () {
      const stopper = Deadlines.asStopper((yield* Deadlines.make(30, undefined))!)
      const encoded = new EncodedEvents(encodeEvent(Ev.outputTextDelta("hi", "msg_1", 0)))
      const fiber = yield* Effect.fork(runStopped(Stream.make(created, encoded).pipe(Stream.concat(Stream.never)), stopper))
      yield* TestClock.adjust("29 seconds")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 second")
      const events = dataLines(yield* Fiber.join(fiber)).map((l) => JSON.parse(l) as Record<string, any>)
      expect(events.map((e) => e.type)).toEqual(["response.created", "response.output_text.delta", "response.failed"])
      expect(events[2]!.response.error.message).toBe("the request did not finish within its deadline of NN seconds")
    }))

  it.scoped("a stopper that fails after the terminal event adds nothing; one that never fails changes nothing", () =>
    Effect.gen(function* () {
      const late = yield* Effect.fork(runStopped(Stream.make(created, done).pipe(Stream.concat(Stream.never)), Deadlines.asStopper((yield* Deadlines.make(30, undefined))!)))
      yield* TestClock.adjust("31 seconds")
      expect(dataLines(yield* Fiber.join(late)).map((l) => JSON.parse(l).type)).toEqual(["response.created", "response.completed"])
      const text = yield* runStopped(Stream.make(created, done, Ev.failed("late")), Effect.never)
      expect(text).toBe(encodeEvent(created) + encodeEvent(done))
    }))

  it.scoped("stopWith on an event stream ends it the same way", () =>
    Effect.gen(function* () {
      const stopper = Deadlines.asStopper((yield* Deadlines.make(30, undefined))!)
      const fiber = yield* Effect.fork(run(stopWith(Stream.make(created).pipe(Stream.concat(Stream.never)), stopper)))
      yield* TestClock.adjust("29 seconds")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 second")
      const events = yield* Fiber.join(fiber)
      expect(events.map((e) => e.type)).toEqual(["response.created", "response.failed"])
      expect(events[1]!.response.error.message).toBe("the request did not finish within its deadline of 30 seconds")
    }))
})

/** A sink that records what it is handed; `full` makes it refuse more until `release`. */
const recordingSink = () => {
  const written: Array<string> = []
  let full = false
  let closed = false
  let waiting: Array<() => void> = []
  const sink: BodySink = {
    write: (text) => void (closed || written.push(text)),
    close: () => void (closed = true),
    ready: () => !full,
    whenReady: (go) => void (full ? waiting.push(go) : go()),
    run: (step) => step()
  }
  return {
    sink,
    written,
    types: () => dataLines(written.join("")).map((l) => JSON.parse(l).type as string),
    fill: () => void (full = true),
    release: () => {
      full = false
      const ready = waiting
      waiting = []
      for (const go of ready) go()
    }
  }
}

describe("writeTerminatedSse", () => {
  it.effect("writes every piece through the sink, in order, with the same endings", () =>
    Effect.gen(function* () {
      const out = recordingSink()
      const encoded = new EncodedEvents(encodeEvent(Ev.outputTextDelta("hi", "msg_1", 0)))
      yield* writeTerminatedSse(Stream.make(created, encoded, done, Ev.failed("late")), out.sink)
      expect(out.types()).toEqual(["response.created", "response.output_text.delta", "response.completed"])
      const failing = recordingSink()
      yield* writeTerminatedSse(Stream.make(created).pipe(Stream.concat(Stream.fail(new Error("key 30")))), failing.sink, (t) => t.replace("30", "NN"))
      expect(failing.types()).toEqual(["response.created", "response.failed"])
      expect(failing.written.join("")).toContain("key NN")
    }))

  it.effect("waits while the sink is full before taking the next events", () =>
    Effect.gen(function* () {
      const out = recordingSink()
      out.fill()
      const fiber = yield* Effect.fork(writeTerminatedSse(Stream.make(created).pipe(Stream.concat(Stream.make(done))), out.sink))
      yield* Effect.repeatN(Effect.yieldNow(), 20)
      expect(out.types()).toEqual(["response.created"])
      out.release()
      yield* Fiber.join(fiber)
      expect(out.types()).toEqual(["response.created", "response.completed"])
    }))

  it.scoped("the deadline interrupts the writing and its response.failed follows what was written; after the terminal event it adds nothing", () =>
    Effect.gen(function* () {
      const watch = (yield* Deadlines.make(30, undefined))!
      const out = recordingSink()
      const encoded = new EncodedEvents(encodeEvent(Ev.outputTextDelta("hi", "msg_1", 0)))
      const fiber = yield* Effect.fork(writeTerminatedSse(Stream.make(created, encoded).pipe(Stream.concat(Stream.never)), out.sink, (t) => t, watch))
      yield* TestClock.adjust("29 seconds")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 second")
      const exit = yield* fiber.await
      expect(Exit.isInterrupted(exit)).toBe(true)
      out.sink.write("too late")
      expect(out.types()).toEqual(["response.created", "response.output_text.delta", "response.failed"])
      expect(out.written.join("")).toContain("the request did not finish within its deadline of 30 seconds")
      expect(out.written.join("")).not.toContain("too late")
      const late = recordingSink()
      const lateFiber = yield* Effect.fork(writeTerminatedSse(Stream.make(created, done).pipe(Stream.concat(Stream.never)), late.sink, (t) => t, watch))
      yield* TestClock.adjust("31 seconds")
      yield* Fiber.join(lateFiber)
      expect(late.types()).toEqual(["response.created", "response.completed"])
    }))

  it.scoped("a shutdown's drain time ends every response still writing, and one started after it at once", () =>
    Effect.gen(function* () {
      const drain = fakeDrain()
      const watch = (yield* Deadlines.make(0, drain))!
      const outs = [recordingSink(), recordingSink()]
      const fibers = yield* Effect.forEach(outs, (out) =>
        Effect.fork(writeTerminatedSse(Stream.make(created).pipe(Stream.concat(Stream.never)), out.sink, (t) => t, watch)))
      yield* Effect.repeatN(Effect.yieldNow(), 20)
      drain.pass()
      for (const fiber of fibers) yield* fiber.await
      for (const out of outs) expect(out.types()).toEqual(["response.created", "response.failed"])
      const after = recordingSink()
      yield* Effect.fork(writeTerminatedSse(Stream.make(created, done), after.sink, (t) => t, watch)).pipe(Effect.flatMap((fiber) => fiber.await))
      expect(after.types()).toEqual(["response.failed"])
      expect(after.written.join("")).toContain("the server is shutting down")
    }))

  it.scoped("an interrupted response (the client went away) writes nothing more", () =>
    Effect.gen(function* () {
      const out = recordingSink()
      const watch = (yield* Deadlines.make(30, undefined))!
      const fiber = yield* Effect.fork(writeTerminatedSse(Stream.make(created).pipe(Stream.concat(Stream.never)), out.sink, (t) => t, watch))
      yield* Effect.repeatN(Effect.yieldNow(), 20)
      yield* Fiber.interrupt(fiber)
      expect(out.types()).toEqual(["response.created"])
    }))
})
