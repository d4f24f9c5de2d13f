/** Deadlines: each watched request is stopped at its own deadline, in the order they started, or when the drain time is up; unwatched ones never. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import * as Deadlines from "../../src/server/Deadlines.js"
import { fakeDrain } from "./stream/support.js"

describe("Deadlines", () => {
  it.scoped("stops each request once, at its start plus the deadline; a request that ended is not stopped", () =>
    Effect.gen(function* () {
      const watch = (yield* Deadlines.make(30, undefined))!
      const stopped: Array<string> = []
      const record = (name: string) => (reason: unknown) => void stopped.push(`${name}: ${(reason as Error).message}`)
      watch(record("a"))
      yield* TestClock.adjust("10 seconds")
      watch(record("b"))
      const unwatchC = watch(record("c"))
      yield* TestClock.adjust("19 seconds")
      expect(stopped).toEqual([])
      unwatchC()
      yield* TestClock.adjust("1 second")
      expect(stopped).toEqual(["a: the request did not finish within its deadline of 30 seconds"])
      yield* TestClock.adjust("10 seconds")
      expect(stopped).toHaveLength(2)
      expect(stopped[1]).toMatch(/^b: /)
      // with nothing watched the fiber waits; a new request wakes it
      yield* TestClock.adjust("100 seconds")
      watch(record("d"))
      yield* TestClock.adjust("29 seconds")
      expect(stopped).toHaveLength(2)
      yield* TestClock.adjust("1 second")
      expect(stopped.at(-1)).toMatch(/^d: /)
    }))

  it.scoped("the drain time stops everything watched, and every later request at once", () =>
    Effect.gen(function* () {
      const drain = fakeDrain()
      const watch = (yield* Deadlines.make(0, drain))!
      const stopped: Array<string> = []
      watch(() => void stopped.push("a"))
      const unwatchB = watch(() => void stopped.push("b"))
      unwatchB()
      yield* TestClock.adjust("1 hour")
      expect(stopped).toEqual([])
      drain.pass()
      expect(stopped).toEqual(["a"])
      watch((reason) => void stopped.push((reason as Error).message))
      expect(stopped).toEqual(["a", "the server is shutting down"])
    }))

  it.scoped("no deadline and no drain: nothing to watch", () =>
    Effect.gen(function* () {
      expect(yield* Deadlines.make(0, undefined)).toBeUndefined()
    }))
})
