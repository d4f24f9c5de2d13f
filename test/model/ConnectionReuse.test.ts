/** Tests of ConnectionReuse: one keep-alive connection per client, replaced when the server closes it. */
import { expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import * as Http from "node:http"
import type * as Net from "node:net"
import type { ModelEvent } from "../../src/protocol/ModelEvent.js"
import { complete } from "../../src/model/ModelClient.js"
import { type FakeTurn, replyFor } from "../support/fakeResponsesScript.js"
import { liveClient, options, prompt, provider } from "./support.js"

interface CountingServer {
  readonly url: string
  /** Connections accepted so far. */
  readonly connections: () => number
  /** Requests received so far, with the connection (1-based) each came on. */
  readonly requests: () => ReadonlyArray<{ readonly connection: number; readonly headers: Http.IncomingHttpHeaders }>
}

/**
 * A Responses server on 127.0.0.1 answering POST n with turn n (the last repeats), one write per event. With
 * `dropReused`, a request arriving on a connection that already served one is answered by closing
 * that connection, as a server does with keep-alive connections it has timed out.
 */
const countingServer = (turns: ReadonlyArray<FakeTurn>, dropReused = false) =>
  Effect.acquireRelease(
    Effect.promise(
      () =>
        new Promise<CountingServer & { readonly close: () => Promise<void> }>((resolve) => {
          const sockets = new Map<Net.Socket, { readonly number: number; served: number }>()
          const requests: Array<{ readonly connection: number; readonly headers: Http.IncomingHttpHeaders }> = []
          let served = 0
          const server = Http.createServer((req, res) => {
            const socket = sockets.get(req.socket)!
            requests.push({ connection: socket.number, headers: req.headers })
            if (dropReused && socket.served > 0) return void req.socket.destroy()
            socket.served++
            req.resume()
            req.on("end", async () => {
              const reply = replyFor(turns[Math.min(served, turns.length - 1)]!, ++served)
              res.writeHead(reply.status, reply.headers)
              for (const piece of reply.chunks) await new Promise((done) => res.write(piece, done))
              if (reply.then === "end") res.end()
            })
          })
          server.on("connection", (socket: Net.Socket) => {
            sockets.set(socket, { number: sockets.size + 1, served: 0 })
          })
          server.listen(0, "127.0.0.1", () => {
            const port = (server.address() as Net.AddressInfo).port
            resolve({
              url: `http://127.0.0.1:${port}/v1`,
              connections: () => sockets.size,
              requests: () => [...requests],
              close: () =>
                new Promise<void>((done) => {
                  server.closeAllConnections()
                  server.close(() => done())
                })
            })
          })
        })
    ),
    (server) => Effect.promise(() => server.close())
  )

it.scoped("requests of one client share one keep-alive connection, without a Connection header", () =>
  Effect.gen(function* () {
    const server = yield* countingServer([{ type: "message", text: "hello there", deltas: 2 }])
    const client = yield* liveClient(options({ provider: provider({ baseUrl: server.url }) }))
    for (let i = 0; i < 3; i++) {
      expect(yield* complete(client, prompt(), () => Effect.void)).toEqual([{ _tag: "AssistantMessage", text: "hello there" }])
    }
    expect(server.connections()).toBe(1)
    expect(server.requests().map((r) => r.connection)).toEqual([1, 1, 1])
    for (const request of server.requests()) expect(request.headers).not.toHaveProperty("connection")
  })
)

it.scoped("a pooled connection the server closed is replaced by a new one, without a retry notice", () =>
  Effect.gen(function* () {
    const server = yield* countingServer([{ type: "message", text: "OK" }], true)
    const client = yield* liveClient(options({ provider: provider({ baseUrl: server.url, requestMaxRetries: 0, streamMaxRetries: 0 }) }))
    const first = yield* complete(client, prompt(), () => Effect.void)
    const events: Array<ModelEvent> = []
    yield* client.stream(prompt()).pipe(Stream.runForEach((event) => Effect.sync(() => events.push(event))))
    expect(first).toEqual([{ _tag: "AssistantMessage", text: "OK" }])
    expect(events.map((e) => e._tag)).not.toContain("StreamError")
    expect(events.at(-1)).toMatchObject({ _tag: "Completed", items: [{ _tag: "AssistantMessage", text: "OK" }] })
    // the second request went to the first connection, which was closed on it, then to a new one
    expect(server.requests().map((r) => r.connection)).toEqual([1, 1, 2])
    expect(server.connections()).toBe(2)
  })
)

it.scoped("a stream given up halfway closes its connection; the next request opens another", () =>
  Effect.gen(function* () {
    const server = yield* countingServer([{ type: "hang", after_events: 4, text: "partial" }, { type: "message", text: "OK" }])
    const client = yield* liveClient(options({ provider: provider({ baseUrl: server.url }) }))
    const firstTwo = yield* client.stream(prompt()).pipe(Stream.take(2), Stream.runCollect)
    expect([...firstTwo].map((e) => e._tag)).toEqual(["AssistantDelta", "AssistantDelta"])
    expect(yield* complete(client, prompt(), () => Effect.void)).toEqual([{ _tag: "AssistantMessage", text: "OK" }])
    expect(server.connections()).toBe(2)
  })
)
