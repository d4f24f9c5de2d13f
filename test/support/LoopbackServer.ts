/** LoopbackServer: a plain Node HTTP server on 127.0.0.1 (port 0) for a test's scope, with every connection closed when the scope ends. */
import { Effect, type Scope } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"

/** Serves `handler`; its port, and `http://127.0.0.1:<port>` as `origin`. */
export const make = (
  handler: (request: Http.IncomingMessage, response: Http.ServerResponse) => void
): Effect.Effect<{ readonly port: number; readonly origin: string }, never, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(
      Effect.async<Http.Server>((resume) => {
        const created = Http.createServer(handler)
        created.listen(0, "127.0.0.1", () => resume(Effect.succeed(created)))
      }),
      (created) => Effect.async<void>((resume) => {
        created.closeAllConnections()
        created.close(() => resume(Effect.void))
      })
    ),
    (created) => {
      const port = (created.address() as AddressInfo).port
      return { port, origin: `http://127.0.0.1:${port}` }
    }
  )
