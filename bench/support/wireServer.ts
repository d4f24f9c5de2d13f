/**
 * A scripted Responses server for benchmarks that streams the way real providers do: each SSE event
 * is its own write on the socket (Nagle off, the next written once the socket took the previous
 * one), optionally with a small pause every few events. It counts the connections it accepted, and
 * speaks HTTPS when given a key.
 */
import * as Http from "node:http"
import * as Https from "node:https"
import type * as Net from "node:net"
import {
  type FakeScriptInput,
  makeTurnPicker,
  modelsBody,
  normalizeScript,
  replyFor
} from "../../test/support/fakeResponsesScript.js"

export interface WireServerOptions {
  readonly script: FakeScriptInput
  /** Pause `pauseMs` after every `pauseEvery` events (default: never). */
  readonly pauseEvery?: number
  readonly pauseMs?: number
  /** Serve HTTPS with this key and certificate. */
  readonly tls?: { readonly key: string; readonly cert: string }
}

export interface WireServer {
  /** Base URL with `/v1`. */
  readonly url: string
  /** Connections accepted so far (TCP, or TLS sessions established). */
  readonly connections: () => number
  /** `POST /responses` requests served so far. */
  readonly responses: () => number
  /** When the first `POST /responses` arrived (performance.now()), or 0. */
  readonly firstRequestAt: () => number
  readonly close: () => Promise<void>
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms))

/** Writes one piece and resolves once the socket took it (so the next piece is a separate write). */
const writeOne = (res: Http.ServerResponse, piece: string): Promise<void> =>
  new Promise((done, fail) => {
    res.write(piece, (error) => (error ? fail(error) : done()))
  })

export const startWireServer = (options: WireServerOptions): Promise<WireServer> => {
  const script = normalizeScript(options.script)
  const pick = makeTurnPicker(script)
  const sockets = new Set<Net.Socket>()
  let connections = 0
  let responses = 0
  let firstRequestAt = 0

  const handler = (req: Http.IncomingMessage, res: Http.ServerResponse) => {
    req.resume()
    req.on("end", async () => {
      const path = (req.url ?? "/").split("?")[0]!
      if (req.method === "GET" && path.endsWith("/models")) {
        res.writeHead(200, { "content-type": "application/json" })
        return res.end(modelsBody(script))
      }
      if (req.method !== "POST" || !path.endsWith("/responses")) {
        res.writeHead(404, { "content-type": "application/json" })
        return res.end(JSON.stringify({ error: { message: "not found" } }))
      }
      if (firstRequestAt === 0) firstRequestAt = performance.now()
      responses++
      const fakeRequest = { seq: responses, method: "POST", path, headers: {}, rawHeaders: [], body: null, turn_index: -1, reply: "" }
      const reply = replyFor(pick(fakeRequest).turn, responses)
      res.writeHead(reply.status, reply.headers)
      if (reply.then === "end" && reply.status !== 200) return res.end(reply.chunks.join(""))
      res.flushHeaders()
      try {
        let written = 0
        for (const piece of reply.chunks) {
          await writeOne(res, piece)
          written++
          if (options.pauseEvery !== undefined && options.pauseMs !== undefined && written % options.pauseEvery === 0) {
            await sleep(options.pauseMs)
          }
        }
        if (reply.then === "end") res.end()
        else if (reply.then === "disconnect") res.socket?.destroy()
      } catch {
        res.destroy()
      }
    })
  }

  const server: Net.Server =
    options.tls === undefined ? Http.createServer(handler) : Https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler)
  const track = (socket: Net.Socket) => {
    connections++
    socket.setNoDelay(true)
    sockets.add(socket)
    socket.once("close", () => sockets.delete(socket))
  }
  server.on(options.tls === undefined ? "connection" : "secureConnection", track)

  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as Net.AddressInfo).port
      resolve({
        url: `${options.tls === undefined ? "http" : "https"}://127.0.0.1:${port}/v1`,
        connections: () => connections,
        responses: () => responses,
        firstRequestAt: () => firstRequestAt,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy()
            server.close(() => done())
          })
      })
    })
  })
}
