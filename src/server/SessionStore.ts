/** SessionStore: the responses a server remembers, a bounded cache (LRU by count and size, plus a TTL) kept in memory or in Redis. */
import { Clock, Context, Data, Effect, Layer, Ref } from "effect"
import { randomBytes } from "node:crypto"

/** One accepted `/responses` request. */
export interface ResponseRecord {
  readonly responseId: string
  readonly sessionId: string | null
  readonly model: string
  /** Wall-clock seconds. */
  readonly createdAt: number
  /**
   * The conversation up to and including this response's output, as Responses input items:
   * what a follow-up naming it in `previous_response_id` continues from. Absent when the request
   * asked not to be stored (`store: false`) or the conversation was too large to keep.
   */
  readonly conversation?: ReadonlyArray<unknown>
}

/** The store could not be reached (Redis down, say). */
export class SessionStoreError extends Data.TaggedError("SessionStoreError")<{ readonly reason: string; readonly cause?: unknown }> {
  override get message() {
    return `the session store is unavailable: ${this.reason}`
  }
}

export interface SessionStore {
  /** A new response id, unique across replicas, and its record (not yet holding a conversation). */
  readonly allocate: (sessionId: string | null, model: string) => Effect.Effect<ResponseRecord, SessionStoreError>
  /** Keeps a finished response with its conversation, for follow-ups; oversized conversations are not kept. */
  readonly save: (record: ResponseRecord) => Effect.Effect<void, SessionStoreError>
  /** The record of an id, if it is still cached. */
  readonly lookup: (responseId: string) => Effect.Effect<ResponseRecord | undefined, SessionStoreError>
}

export const SessionStore = Context.GenericTag<SessionStore>("tscodex/server/SessionStore")

/** How much a store keeps. Every limit applies to the memory layer; Redis applies the TTL and the record size. */
export interface CacheOptions {
  /** Most records kept (least recently used go first). */
  readonly maxEntries: number
  /** Most characters of serialized records kept; a single record larger than this is kept without its conversation. */
  readonly maxBytes: number
  /** Seconds a record lives after it was saved. */
  readonly ttlSeconds: number
  /** Goes into every id (`resp_<instance>_<counter>`); random per process unless given. */
  readonly instanceId?: string
}

export const defaultCacheOptions: CacheOptions = { maxEntries: 10_000, maxBytes: 64 * 1024 * 1024, ttlSeconds: 3600 }

/** A random 12-hex-digit instance id: two replicas clash with odds of about one in 2^48 per pair. */
export const randomInstanceId = (): string => randomBytes(6).toString("hex")

/** The id of the n-th response (counting from 1) of an instance. */
export const responseId = (instanceId: string, n: number): string => `resp_${instanceId}_${String(n).padStart(8, "0")}`

/** An id allocator: `resp_<instance>_00000001`, `…_00000002`, … */
export const makeIds = (instanceId: string = randomInstanceId()): Effect.Effect<Effect.Effect<string>> =>
  Effect.map(Ref.make(0), (count) => Effect.map(Ref.updateAndGet(count, (n) => n + 1), (n) => responseId(instanceId, n)))

/** A record as stored: JSON text, so its size is known and nothing can change it afterwards. */
export const serialize = (record: ResponseRecord): string => JSON.stringify(record)

/** `record` as it will be stored: without its conversation when that makes it larger than `maxBytes`. */
export const fit = (record: ResponseRecord, maxBytes: number): string => {
  const text = serialize(record)
  if (text.length <= maxBytes || record.conversation === undefined) return text
  const { conversation: _dropped, ...rest } = record
  return serialize(rest)
}

const parse = (text: string): ResponseRecord | undefined => {
  try {
    return JSON.parse(text) as ResponseRecord
  } catch {
    return undefined
  }
}

interface Entry {
  readonly text: string
  readonly expiresAt: number
}

/** The in-memory cache: a Map in least-recently-used order, trimmed to the count and size limits on every write. */
export const makeMemory = (options: Partial<CacheOptions> = {}): Effect.Effect<SessionStore> =>
  Effect.gen(function* () {
    const limits = { ...defaultCacheOptions, ...options }
    const nextId = yield* makeIds(limits.instanceId)
    const entries = new Map<string, Entry>()
    let bytes = 0
    const remove = (id: string) => {
      const entry = entries.get(id)
      if (entry === undefined) return
      bytes -= entry.text.length
      entries.delete(id)
    }
    const put = (id: string, text: string, now: number) => {
      remove(id)
      entries.set(id, { text, expiresAt: now + limits.ttlSeconds * 1000 })
      bytes += text.length
      // the oldest entries go first: expired ones, then whatever the limits need
      for (const [key, entry] of entries) {
        if (entries.size <= limits.maxEntries && bytes <= limits.maxBytes && entry.expiresAt > now) break
        remove(key)
      }
    }
    return SessionStore.of({
      allocate: (sessionId, model) =>
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const record: ResponseRecord = { responseId: yield* nextId, sessionId, model, createdAt: now / 1000 }
          put(record.responseId, serialize(record), now)
          return record
        }),
      save: (record) =>
        Effect.map(Clock.currentTimeMillis, (now) => put(record.responseId, fit(record, limits.maxBytes), now)),
      lookup: (id) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          const entry = entries.get(id)
          if (entry === undefined) return undefined
          if (entry.expiresAt <= now) {
            remove(id)
            return undefined
          }
          entries.delete(id) // most recently used moves to the end
          entries.set(id, entry)
          return parse(entry.text)
        })
    })
  })

/** The in-memory store as a layer. */
export const memoryLayer = (options: Partial<CacheOptions> = {}): Layer.Layer<SessionStore> =>
  Layer.effect(SessionStore, makeMemory(options))

/** A fresh in-memory store with the default limits. */
export const make: Effect.Effect<SessionStore> = makeMemory()

/** The default: in memory, default limits. */
export const layer: Layer.Layer<SessionStore> = memoryLayer()
