/** stopWith ends a stream with its stopper's failure, a stalled pull included, and leaves a stream that ends first alone. */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Either, Fiber, Stream, TestClock } from "effect"
import { stopWith } from "../../../src/server/stream/StopWith.js"

const stopAfter = (seconds: number) => Effect.zipRight(Effect.sleep(`${seconds} seconds`), Effect.fail("stopped" as const))

describe("stopWith", () => {
  it.effect("a stream stalled after its first elements fails with the stopper's error once it fires, after those elements", () =>
    Effect.gen(function* () {
      const seen: Array<number> = []
      const stalled = Stream.concat(Stream.make(1, 2), Stream.never)
      const fiber = yield* Effect.fork(Effect.either(Stream.runForEach(stopWith(stalled, stopAfter(5)), (n) => Effect.sync(() => seen.push(n)))))
      yield* TestClock.adjust("4 seconds")
      expect(seen).toEqual([1, 2])
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("2 seconds")
      expect(yield* Fiber.join(fiber)).toEqual(Either.left("stopped"))
    }))

  it.effect("a stream that ends before the stopper keeps all its elements and its own failure", () =>
    Effect.gen(function* () {
      const all = yield* Stream.runCollect(stopWith(Stream.range(1, 100), stopAfter(5)))
      expect(Chunk.toReadonlyArray(all)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
      const failed = yield* Effect.either(Stream.runCollect(stopWith(Stream.concat(Stream.make(1), Stream.fail("own" as const)), stopAfter(5))))
      expect(failed).toEqual(Either.left("own"))
    }))
})
