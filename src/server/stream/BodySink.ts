/** BodySink: a streamed response body written straight to the client's socket by the step that made it, held back by the socket's backpressure. */
import { Effect } from "effect"
import type * as Http from "node:http"
import type { Flow } from "../../model/nodeBody.js"

export interface BodySink extends Flow {
  /** Hands SSE text to the socket (nothing once the client is gone or the sink is closed). */
  readonly write: (text: string) => void
  /** Takes no more writes: the response's last words were written. */
  readonly close: () => void
  /** Runs a step of a body read in socket callbacks: now, or in a later turn of the server's scheduler. */
  readonly run: (step: () => void) => void
}

/**
 * The sink of a Node response whose head is written. `ready` is false while the socket's buffer is
 * over its limit; `whenReady` calls back on `drain`, or on `close` (a reader waiting for a client that
 * went away then finds its fiber interrupted).
 */
export const fromServerResponse = (response: Http.ServerResponse, run: (step: () => void) => void): BodySink => {
  let closed = false
  return {
    write: (text) => {
      if (!closed && !response.destroyed && !response.writableEnded) response.write(text)
    },
    close: () => void (closed = true),
    ready: () => !response.writableNeedDrain,
    whenReady: (go) => {
      if (!response.writableNeedDrain) return go()
      const done = () => {
        response.off("drain", done)
        response.off("close", done)
        go()
      }
      response.on("drain", done)
      response.on("close", done)
    },
    run
  }
}

/** Waits until `sink` takes more output. */
export const awaitReady = (sink: BodySink): Effect.Effect<void> =>
  sink.ready() ? Effect.void : Effect.async<void>((resume) => sink.whenReady(() => resume(Effect.void)))
