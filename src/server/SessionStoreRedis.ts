/** SessionStoreRedis: the session store kept in Redis (through ioredis, loaded only when this layer is built), shared by replicas. */
import { Clock, Effect, Layer } from "effect"
import type { Redis } from "ioredis"
import * as SessionStore from "./SessionStore.js"

/** Where the store lives and how records are keyed and kept. */
export interface RedisOptions extends Partial<SessionStore.CacheOptions> {
  /** `redis://[user:password@]host:port[/db]`. */
  readonly url: string
  /** Prepended to every key (default `tscodex:resp:`). */
  readonly keyPrefix?: string
}

const failure = (reason: string) => (cause: unknown) =>
  new SessionStore.SessionStoreError({ reason: `${reason}: ${(cause as { message?: unknown } | null)?.message ?? String(cause)}`, cause })

/** A store over an open client. Records expire after the TTL; Redis's own `maxmemory` policy bounds the rest. */
export const makeWithClient = (client: Redis, options: Omit<RedisOptions, "url"> = {}): Effect.Effect<SessionStore.SessionStore> =>
  Effect.gen(function* () {
    const limits = { ...SessionStore.defaultCacheOptions, ...options }
    const prefix = options.keyPrefix ?? "tscodex:resp:"
    const nextId = yield* SessionStore.makeIds(limits.instanceId)
    const ttlMs = Math.max(1, Math.round(limits.ttlSeconds * 1000))
    return SessionStore.SessionStore.of({
      allocate: (sessionId, model) =>
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          return { responseId: yield* nextId, sessionId, model, createdAt: now / 1000 }
        }),
      save: (record) =>
        Effect.tryPromise({
          try: () => client.set(prefix + record.responseId, SessionStore.fit(record, limits.maxBytes), "PX", ttlMs),
          catch: failure("could not save a response")
        }).pipe(Effect.asVoid),
      lookup: (id) =>
        Effect.tryPromise({ try: () => client.get(prefix + id), catch: failure("could not read a response") }).pipe(
          Effect.map((text) => {
            if (text === null) return undefined
            try {
              return JSON.parse(text) as SessionStore.ResponseRecord
            } catch {
              return undefined
            }
          })
        )
    })
  })

/**
 * The Redis layer: connects when built (failing with a clear message if Redis cannot be reached
 * within the first attempts) and disconnects when its scope closes.
 */
export const layer = (options: RedisOptions): Layer.Layer<SessionStore.SessionStore, SessionStore.SessionStoreError> =>
  Layer.scoped(
    SessionStore.SessionStore,
    Effect.gen(function* () {
      const module = yield* Effect.promise(() => import("ioredis"))
      // bundled, the CommonJS package is only reachable through its default export
      const IORedis = module.Redis ?? (module as unknown as { default: typeof module }).default.Redis
      const client = yield* Effect.acquireRelease(
        Effect.sync(() =>
          new IORedis(options.url, {
            lazyConnect: true,
            maxRetriesPerRequest: 2,
            connectTimeout: 5000,
            retryStrategy: (attempt: number) => (attempt > 20 ? null : Math.min(attempt * 100, 2000))
          })),
        (client) => Effect.promise(() => client.quit().catch(() => client.disconnect()))
      )
      client.on("error", () => {}) // failures surface on the commands that hit them
      yield* Effect.tryPromise({ try: () => client.connect(), catch: failure(`could not connect to ${redactUrl(options.url)}`) })
      return yield* makeWithClient(client, options)
    })
  )

/** A Redis URL without its password, for messages. */
export const redactUrl = (url: string): string => url.replace(/\/\/[^@/]*@/, "//***@")
