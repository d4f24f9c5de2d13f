/** SessionStore: the in-memory record of every response id a server instance has handed out. */
import { Clock, Context, Effect, Layer, Ref } from "effect"

/** One accepted `/responses` request. */
export interface ResponseRecord {
  readonly responseId: string
  readonly sessionId: string | null
  readonly model: string
  /** Wall-clock seconds. */
  readonly createdAt: number
}

export interface SessionStore {
  /** Allocates the next id (`resp_00000001`, `resp_00000002`, …) and records the request under it. */
  readonly allocate: (sessionId: string | null, model: string) => Effect.Effect<ResponseRecord>
  /** The record of an id, if one was allocated. */
  readonly lookup: (responseId: string) => Effect.Effect<ResponseRecord | undefined>
}

export const SessionStore = Context.GenericTag<SessionStore>("tscodex/server/SessionStore")

/** The id of the n-th response (counting from 1). */
export const responseId = (n: number): string => `resp_${String(n).padStart(8, "0")}`

/** A fresh store, counting from 1. Records are kept for the life of the store. */
export const make: Effect.Effect<SessionStore> = Effect.gen(function* () {
  const count = yield* Ref.make(0)
  const records = new Map<string, ResponseRecord>()
  return SessionStore.of({
    allocate: (sessionId, model) =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const n = yield* Ref.updateAndGet(count, (c) => c + 1)
        const record: ResponseRecord = { responseId: responseId(n), sessionId, model, createdAt: now / 1000 }
        records.set(record.responseId, record)
        return record
      }),
    lookup: (id) => Effect.sync(() => records.get(id))
  })
})

export const layer: Layer.Layer<SessionStore> = Layer.effect(SessionStore, make)
