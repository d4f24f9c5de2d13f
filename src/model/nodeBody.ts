/** @internal A wire-client response body read straight from its socket: by callback, by pull, or driven by the socket's own events. */
import { Effect } from "effect"
import type * as Http from "node:http"
import type { BodyEntry } from "./wireResponse.js"

/** What stops a driven body read for a while: the reader's output is full (a slow client). */
export interface Flow {
  /** Whether more output may be made now. */
  readonly ready: () => boolean
  /** Calls `go` once, when output may be made again. */
  readonly whenReady: (go: () => void) => void
}

/** A response body read straight from the socket, event by event (see `nodeBody`). */
export interface NodeBody {
  /**
   * Reads the body: `chunk` sees each piece as it arrives and returns a value to stop reading,
   * `end` gives the value at the end of the body, `broken` the error of a body that broke off.
   * Interrupting the read closes the connection.
   */
  readonly read: <A, E>(
    chunk: (bytes: Uint8Array) => A | undefined,
    end: () => A,
    broken: (cause: unknown) => E
  ) => Effect.Effect<A, E>
  /**
   * The next bytes of the body, everything that arrived since the last pull (waiting for some when
   * none did), or `undefined` at its end. The body stays paused between pulls, so a slow reader holds
   * the sender back. Interrupting a pull closes the connection.
   */
  readonly pull: <E>(broken: (cause: unknown) => E) => Effect.Effect<Uint8Array | undefined, E>
  /**
   * Reads the body in the socket's own callbacks, as its bytes arrive, so that they are used and
   * dropped at once: `take` gets everything that arrived since its last call and returns a value to
   * stop reading; `end` gives the value at the end of the body, `broken` the error of a body that broke
   * off. While `flow` is not ready nothing is read (the sender is held back). `run` runs each reading
   * step (now, or later when the caller wants to put it off); `waiting` hears whether the reader is
   * waiting for bytes. Interrupting the read closes the connection.
   */
  readonly drive: <A, E>(options: {
    readonly take: (bytes: Uint8Array) => { readonly stop: A } | undefined
    readonly end: () => A
    readonly broken: (cause: unknown) => E
    readonly flow: Flow
    readonly run: (step: () => void) => void
    readonly waiting: (yes: boolean) => void
  }) => Effect.Effect<A, E>
  /** Stops pulling: the rest of the body may arrive unread, so that its connection can be reused. */
  readonly release: () => void
  /** Breaks the body off with `cause`: a pending pull fails with it, and the connection is closed. */
  readonly abort: (cause: Error) => void
}

/** How long the rest of a body read no further may take to arrive before its connection is dropped. */
const drainMillis = 2000

/**
 * Lets the rest of a body (usually just its end) arrive unread, so that its connection can serve
 * the next request; a body that goes on for longer than `drainMillis` loses its connection.
 */
const drain = (incoming: Http.IncomingMessage) => {
  const socket = incoming.socket
  if (incoming.complete || socket === null) return
  const drop = () => incoming.destroy()
  const done = () => {
    socket.off("timeout", drop)
    socket.setTimeout(0)
  }
  socket.once("timeout", drop)
  socket.setTimeout(drainMillis)
  // nobody waits for this: it must not hold the process open (the pool takes it up again)
  socket.unref()
  incoming.once("end", done)
  incoming.once("close", done)
  incoming.on("error", () => {})
  incoming.resume()
}

/**
 * One read of a body in paused mode, settled once: `start` listens for bytes (its callback runs on
 * each 'readable' and at the end), an error or a close before the end settles with `broken`'s error,
 * and `cancel` (for an interrupted read) closes the connection.
 */
const pausedRead = <A, E>(incoming: Http.IncomingMessage, broken: (cause: unknown) => E, resume: (effect: Effect.Effect<A, E>) => void) => {
  let settled = false
  let onBytes = () => {}
  const settle = (effect: Effect.Effect<A, E>) => {
    settled = true
    incoming.off("readable", onBytes)
    incoming.off("end", onBytes)
    incoming.off("error", onError)
    incoming.off("close", onClose)
    resume(effect)
  }
  const onError = (cause: unknown) => void (settled || settle(Effect.fail(broken(cause))))
  const onClose = () => {
    if (!settled && !incoming.complete) onError(Object.assign(new Error("aborted"), { code: "ECONNRESET" }))
  }
  return {
    isSettled: () => settled,
    settle,
    start: (callback: () => void) => {
      onBytes = callback
      incoming.on("readable", callback)
      incoming.once("end", callback)
      incoming.once("error", onError)
      incoming.once("close", onClose)
      callback()
    },
    cancel: Effect.sync(() => {
      if (settled) return
      settled = true
      incoming.destroy()
    })
  }
}

/** The body of `entry`, read in one of `NodeBody`'s ways. */
export const makeNodeBody = (entry: BodyEntry): NodeBody => {
  const incoming = entry.incoming
  return {
    read: (chunk, end, broken) =>
      Effect.async((resume) => {
        entry.taken = true
        let settled = false
        const cleanup = () => {
          settled = true
          incoming.off("data", onData)
          incoming.off("end", onEnd)
          incoming.off("error", onError)
          incoming.off("close", onClose)
        }
        const onData = (bytes: Buffer) => {
          if (settled) return
          const stop = chunk(bytes)
          if (stop === undefined) return
          cleanup()
          drain(incoming)
          resume(Effect.succeed(stop))
        }
        const onEnd = () => {
          if (settled) return
          cleanup()
          resume(Effect.succeed(end()))
        }
        const onError = (cause: unknown) => {
          if (settled) return
          cleanup()
          resume(Effect.fail(broken(cause)))
        }
        const onClose = () => {
          if (settled || incoming.complete) return
          onError(Object.assign(new Error("aborted"), { code: "ECONNRESET" }))
        }
        incoming.on("data", onData)
        incoming.once("end", onEnd)
        incoming.once("error", onError)
        incoming.once("close", onClose)
        incoming.resume()
        return Effect.sync(() => {
          if (settled) return
          cleanup()
          incoming.destroy()
        })
      }),
    pull: (broken) =>
      Effect.async((resume) => {
        entry.taken = true
        const read = pausedRead(incoming, broken, resume)
        read.start(() => {
          if (read.isSettled()) return
          const bytes = incoming.read() as Buffer | null
          if (bytes !== null) read.settle(Effect.succeed(bytes))
          else if (incoming.readableEnded) read.settle(Effect.succeed(undefined))
        })
        return read.cancel
      }),
    drive: ({ broken, end, flow, run, take, waiting }) =>
      Effect.async((resume) => {
        entry.taken = true
        const read = pausedRead(incoming, broken, resume)
        let queued = false
        const step = () => {
          queued = false
          while (!read.isSettled()) {
            if (!flow.ready()) {
              waiting(false)
              queued = true
              return flow.whenReady(() => run(step))
            }
            const bytes = incoming.read() as Buffer | null
            if (bytes === null) {
              if (incoming.readableEnded) return read.settle(Effect.sync(end))
              return waiting(true)
            }
            const stop = take(bytes)
            if (stop !== undefined) {
              drain(incoming)
              return read.settle(Effect.succeed(stop.stop))
            }
          }
        }
        waiting(true)
        read.start(() => {
          if (read.isSettled() || queued) return
          queued = true
          run(step)
        })
        return read.cancel
      }),
    release: () => {
      entry.taken = true
      drain(incoming)
    },
    abort: (cause) => void incoming.destroy(cause)
  }
}

