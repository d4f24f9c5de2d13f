/** PlanStore: snapshots, the one-in-progress rule, the listener and the stream of changes. */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Deferred, Effect, Fiber, Ref, Stream } from "effect"
import * as PlanStore from "../../src/tools/PlanStore.js"

describe("PlanStore", () => {
  it.effect("starts empty and keeps the last accepted plan, steps trimmed", () =>
    Effect.gen(function*() {
      const store = yield* PlanStore.make()
      expect(yield* store.snapshot).toEqual({ explanation: null, plan: [] })
      yield* store.update("why", [{ step: "  Inspect repo ", status: "completed" }, { step: "Build", status: "in_progress" }])
      const snapshot = yield* store.snapshot
      expect(snapshot).toEqual({
        explanation: "why",
        plan: [{ step: "Inspect repo", status: "completed" }, { step: "Build", status: "in_progress" }]
      })
      expect(Object.keys(snapshot)).toEqual(["explanation", "plan"])
      expect(Object.keys(snapshot.plan[0]!)).toEqual(["step", "status"])
      yield* store.update(null, [])
      expect(yield* store.snapshot).toEqual({ explanation: null, plan: [] })
    }))

  it.effect("refuses two steps in progress and stores nothing", () =>
    Effect.gen(function*() {
      const heard = yield* Ref.make(0)
      const store = yield* PlanStore.make(() => Ref.update(heard, (n) => n + 1))
      yield* store.update("first", [{ step: "a", status: "in_progress" }])
      const error = yield* store.update("second", [
        { step: "a", status: "in_progress" },
        { step: "b", status: "in_progress" }
      ]).pipe(Effect.flip)
      expect(error._tag).toBe("PlanError")
      expect(error.reason).toBe("TooManyInProgress")
      expect(error.message).toBe("at most one plan step can be in_progress")
      expect(yield* store.snapshot).toEqual({ explanation: "first", plan: [{ step: "a", status: "in_progress" }] })
      expect(yield* Ref.get(heard)).toBe(1)
    }))

  it.effect("calls the one listener with each new plan; it can be replaced and removed", () =>
    Effect.gen(function*() {
      const first = yield* Ref.make<ReadonlyArray<PlanStore.PlanSnapshot>>([])
      const second = yield* Ref.make<ReadonlyArray<PlanStore.PlanSnapshot>>([])
      const store = yield* PlanStore.make((s) => Ref.update(first, (all) => [...all, s]))
      yield* store.update(null, [{ step: "one", status: "pending" }])
      yield* store.setListener((s) => Ref.update(second, (all) => [...all, s]))
      yield* store.update("two", [{ step: "two", status: "completed" }])
      yield* store.setListener(undefined)
      yield* store.update("three", [])
      expect(yield* Ref.get(first)).toEqual([{ explanation: null, plan: [{ step: "one", status: "pending" }] }])
      expect(yield* Ref.get(second)).toEqual([{ explanation: "two", plan: [{ step: "two", status: "completed" }] }])
      expect(yield* store.snapshot).toEqual({ explanation: "three", plan: [] })
    }))

  it.effect("streams the current plan, then every accepted update", () =>
    Effect.gen(function*() {
      const store = yield* PlanStore.make()
      const subscribed = yield* Deferred.make<void>()
      const collected = yield* store.changes.pipe(
        Stream.tap(() => Deferred.succeed(subscribed, undefined)),
        Stream.take(3),
        Stream.runCollect,
        Effect.fork
      )
      yield* Deferred.await(subscribed)
      yield* store.update("a", [{ step: "x", status: "pending" }])
      yield* Effect.ignore(store.update("bad", [{ step: "x", status: "in_progress" }, { step: "y", status: "in_progress" }]))
      yield* store.update("b", [])
      expect(Chunk.toReadonlyArray(yield* Fiber.join(collected))).toEqual([
        { explanation: null, plan: [] },
        { explanation: "a", plan: [{ step: "x", status: "pending" }] },
        { explanation: "b", plan: [] }
      ])
    }))

  it.effect("the layer gives a fresh store", () =>
    Effect.gen(function*() {
      const store = yield* PlanStore.PlanStore
      expect(yield* store.snapshot).toEqual(PlanStore.emptySnapshot)
    }).pipe(Effect.provide(PlanStore.layer)))

  it("knows the three statuses", () => {
    expect(PlanStore.PLAN_STATUSES).toEqual(["pending", "in_progress", "completed"])
    expect(PlanStore.isPlanStatus("in_progress")).toBe(true)
    expect(PlanStore.isPlanStatus("done")).toBe(false)
  })
})
