/** The session store: ids unique per instance, and a bounded cache (count, size, TTL) of what follow-ups continue from. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import * as SessionStore from "../../../src/server/SessionStore.js"

describe("SessionStore ids", () => {
  it.effect("count up after an instance prefix; two stores (replicas) never share an id", () =>
    Effect.gen(function* () {
      const store = yield* SessionStore.makeMemory({ instanceId: "abc123def456" })
      const first = yield* store.allocate("s-1", "gpt-5.4")
      const second = yield* store.allocate(null, "m")
      expect([first.responseId, second.responseId]).toEqual(["resp_abc123def456_00000001", "resp_abc123def456_00000002"])
      expect(first).toMatchObject({ sessionId: "s-1", model: "gpt-5.4" })
      expect(yield* store.lookup(first.responseId)).toEqual(first)
      expect(yield* store.lookup("resp_abc123def456_00000003")).toBeUndefined()
      const a = yield* SessionStore.makeMemory()
      const b = yield* SessionStore.makeMemory()
      const ids = new Set<string>()
      for (let i = 0; i < 50; i++) {
        ids.add((yield* a.allocate(null, "m")).responseId)
        ids.add((yield* b.allocate(null, "m")).responseId)
      }
      expect(ids.size).toBe(100)
    }))
})

describe("SessionStore as a bounded cache", () => {
  it.effect("keeps at most maxEntries records, dropping the least recently used", () =>
    Effect.gen(function* () {
      const store = yield* SessionStore.makeMemory({ maxEntries: 3 })
      const [r1, r2, r3] = [yield* store.allocate(null, "m"), yield* store.allocate(null, "m"), yield* store.allocate(null, "m")]
      expect(yield* store.lookup(r1.responseId)).toBeDefined() // r1 is now the most recent
      yield* store.allocate(null, "m")
      expect(yield* store.lookup(r2.responseId)).toBeUndefined()
      expect(yield* store.lookup(r1.responseId)).toBeDefined()
      expect(yield* store.lookup(r3.responseId)).toBeDefined()
    }))

  it.effect("keeps at most maxBytes of records; a conversation too big on its own is dropped, the record kept", () =>
    Effect.gen(function* () {
      const store = yield* SessionStore.makeMemory({ maxBytes: 2000 })
      const big = yield* store.allocate(null, "m")
      yield* store.save({ ...big, conversation: ["x".repeat(5000)] })
      expect(yield* store.lookup(big.responseId)).toEqual(big)
      const records = []
      for (let i = 0; i < 10; i++) {
        const r = yield* store.allocate(null, "m")
        yield* store.save({ ...r, conversation: ["y".repeat(500)] })
        records.push(r)
      }
      const kept = []
      for (const r of records) if ((yield* store.lookup(r.responseId)) !== undefined) kept.push(r)
      expect(kept.length).toBeLessThanOrEqual(3)
      expect(kept.at(-1)).toEqual(records.at(-1))
      expect((yield* store.lookup(records.at(-1)!.responseId))?.conversation).toEqual(["y".repeat(500)])
    }))

  it.effect("forgets records after the TTL", () =>
    Effect.gen(function* () {
      const store = yield* SessionStore.makeMemory({ ttlSeconds: 60 })
      const record = yield* store.allocate(null, "m")
      yield* store.save({ ...record, conversation: [] })
      yield* TestClock.adjust("59 seconds")
      expect(yield* store.lookup(record.responseId)).toBeDefined()
      yield* TestClock.adjust("2 seconds")
      expect(yield* store.lookup(record.responseId)).toBeUndefined()
    }))

  it.effect("records are copies: changing what was saved changes nothing stored", () =>
    Effect.gen(function* () {
      const store = yield* SessionStore.makeMemory()
      const record = yield* store.allocate(null, "m")
      const conversation = [{ type: "message" }]
      yield* store.save({ ...record, conversation })
      conversation.push({ type: "other" })
      expect((yield* store.lookup(record.responseId))?.conversation).toEqual([{ type: "message" }])
    }))
})
