/** Listener: the Node HTTP server under the compatibility server, with connection limits, timeouts and a graceful drain. */
import * as HttpServer from "@effect/platform/HttpServer"
import type { ServeError } from "@effect/platform/HttpServerError"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Context, Deferred, Duration, Effect, Layer } from "effect"
import { createServer, type Server } from "node:http"

/** How the listener treats connections. */
export interface ListenerOptions {
  readonly host: string
  readonly port: number
  readonly maxConnections: number
  readonly headersTimeoutSeconds: number
  readonly requestTimeoutSeconds: number
  readonly idleTimeoutSeconds: number
  readonly keepAliveTimeoutSeconds: number
  /** On shutdown, how long in-flight streams may run on before they are ended. */
  readonly drainSeconds: number
}

export const defaultDrainSeconds = 30

/**
 * Signalled when a shutdown's drain time is over: streams still running end themselves (with a
 * `response.failed`) when it completes.
 */
export interface Drain {
  readonly deadlinePassed: Effect.Effect<void>
  /**
   * Calls `callback` when the drain time is over (at once if it already is). Unlike waiting on
   * `deadlinePassed` in a fiber, this needs nothing that a shutdown could have stopped first.
   */
  readonly onDeadline: (callback: () => void) => void
}

export const Drain = Context.GenericTag<Drain>("tscodex/server/Drain")

const seconds = (value: number): number => Math.max(0, Math.round(value * 1000))

/** A Node server configured by the options (limits and timeouts; Node's defaults are looser). */
export const makeNodeServer = (options: ListenerOptions): Server => {
  const server = createServer({
    headersTimeout: seconds(options.headersTimeoutSeconds),
    requestTimeout: seconds(options.requestTimeoutSeconds),
    keepAliveTimeout: seconds(options.keepAliveTimeoutSeconds)
  })
  if (options.maxConnections > 0) server.maxConnections = options.maxConnections
  server.setTimeout(seconds(options.idleTimeoutSeconds))
  return server
}

/**
 * The HttpServer and the Drain, listening on host:port. Closing the layer's scope stops accepting
 * connections, lets in-flight requests finish for up to `drainSeconds`, then signals the Drain
 * (streams end with `response.failed`), gives them a moment to flush, and closes what is left.
 */
export const layer = (
  options: ListenerOptions
): Layer.Layer<HttpServer.HttpServer | Drain | Layer.Layer.Success<typeof NodeHttpServer.layerContext>, ServeError> =>
  Layer.scopedContext(Effect.gen(function* () {
    const node = makeNodeServer(options)
    const passed = yield* Deferred.make<void>()
    const waiting = new Set<() => void>()
    let over = false
    const onDeadline = (callback: () => void) => {
      if (over) callback()
      else waiting.add(callback)
    }
    const http = yield* NodeHttpServer.make(() => node, { port: options.port, host: options.host })
    // registered after the server, so it runs before the server's own close
    yield* Effect.addFinalizer(() =>
      Effect.gen(function* () {
        const closed = yield* Deferred.make<void>()
        yield* Effect.sync(() => {
          if (!node.listening) return Deferred.unsafeDone(closed, Effect.void)
          node.close(() => Deferred.unsafeDone(closed, Effect.void))
          node.closeIdleConnections()
        })
        // finalizers run uninterruptibly, and a timeout cannot cut an uninterruptible wait short:
        // the waits are made interruptible or the drain deadline would never pass
        const waitClosed = (limit: Duration.Duration) =>
          Deferred.await(closed).pipe(Effect.interruptible, Effect.timeout(limit), Effect.option)
        const drained = yield* waitClosed(Duration.millis(seconds(options.drainSeconds)))
        if (drained._tag === "Some") return
        yield* Deferred.succeed(passed, undefined)
        yield* Effect.sync(() => {
          over = true
          for (const callback of waiting) callback()
          waiting.clear()
        })
        yield* waitClosed(Duration.seconds(2))
        yield* Effect.sync(() => node.closeAllConnections())
      }))
    return Context.make(HttpServer.HttpServer, http).pipe(Context.add(Drain, { deadlinePassed: Deferred.await(passed), onDeadline }))
  })).pipe(Layer.provideMerge(NodeHttpServer.layerContext))
