/** Deadlines: ends each streaming request at its deadline (one fiber for the whole server) or when the server's drain time is up. */
import { Data, Effect, type Scope } from "effect"
import type * as Listener from "./Listener.js"

/** The whole request took longer than the configured deadline. */
export class DeadlineExceeded extends Data.TaggedError("DeadlineExceeded")<{ readonly seconds: number }> {
  override get message() {
    return `the request did not finish within its deadline of ${this.seconds} seconds`
  }
}

/** The server stopped while the request was still running. */
export class ShuttingDown extends Data.TaggedError("ShuttingDown")<{}> {
  override get message() {
    return "the server is shutting down"
  }
}

/**
 * Watches one request: `stop` is called once, with the reason, when the request must end now.
 * The function returned stops watching (call it when the request ends on its own).
 */
export type Watch = (stop: (reason: DeadlineExceeded | ShuttingDown) => void) => () => void

interface Entry {
  readonly at: number
  readonly stop: (reason: DeadlineExceeded | ShuttingDown) => void
}

/**
 * The watch of a server whose requests may last `seconds` (0: no limit) and end when `drain`'s time
 * is up; undefined when neither applies. Every request has the same deadline length, so requests are
 * due in the order they started: one fiber sleeps until the oldest is due, and a request costs a set
 * entry rather than a timer and fibers of its own.
 */
export const make = (
  seconds: number,
  drain: Listener.Drain | undefined
): Effect.Effect<Watch | undefined, never, Scope.Scope> =>
  Effect.gen(function* () {
    if (seconds <= 0 && drain === undefined) return undefined
    const clock = yield* Effect.clock
    const entries = new Set<Entry>()
    const woken = yield* Effect.makeLatch(false)
    let shuttingDown = false

    if (seconds > 0) {
      const due = Effect.suspend(function next(): Effect.Effect<never> {
        const first: Entry | undefined = entries.values().next().value
        if (first === undefined) return Effect.flatMap(Effect.zipRight(woken.close, woken.await), next)
        const now = clock.unsafeCurrentTimeMillis()
        if (first.at > now) return Effect.flatMap(Effect.sleep(first.at - now), next)
        entries.delete(first)
        first.stop(new DeadlineExceeded({ seconds }))
        return next()
      })
      yield* Effect.forkScoped(due)
    }
    drain?.onDeadline(() => {
      shuttingDown = true
      const all = [...entries]
      entries.clear()
      for (const entry of all) entry.stop(new ShuttingDown())
    })

    const watch: Watch = (stop) => {
      if (shuttingDown) {
        stop(new ShuttingDown())
        return () => {}
      }
      const entry: Entry = { at: seconds > 0 ? clock.unsafeCurrentTimeMillis() + seconds * 1000 : Infinity, stop }
      if (entries.size === 0) woken.unsafeOpen()
      entries.add(entry)
      return () => void entries.delete(entry)
    }
    return watch
  })

/** A watched request as one effect that fails with the reason it must end (for a stream stage). */
export const asStopper = (watch: Watch): Effect.Effect<never, DeadlineExceeded | ShuttingDown> =>
  Effect.async((resume) => Effect.sync(watch((reason) => resume(Effect.fail(reason)))))
