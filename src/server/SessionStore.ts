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

/** A fresh store, counting from 1. */
export const make: Effect.Effect<SessionStore> = Effect.gen(function* () {
  const state = yield* Ref.make<{ readonly count: number; readonly records: ReadonlyMap<string, ResponseRecord> }>({
    count: 0,
    records: new Map()
  })
  return SessionStore.of({
    allocate: (sessionId, model) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Ref.modify(state, ({ count, records }) => {
          const record: ResponseRecord = { responseId: responseId(count + 1), sessionId, model, createdAt: now / 1000 }
          return [record, { count: count + 1, records: new Map(records).set(record.responseId, record) }]
        })),
    lookup: (id) => Effect.map(Ref.get(state), ({ records }) => records.get(id))
  })
})

export const layer: Layer.Layer<SessionStore> = Layer.effect(SessionStore, make)
