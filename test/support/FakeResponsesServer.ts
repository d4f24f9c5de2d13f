/**
 * FakeResponsesServer: a scripted Responses API on 127.0.0.1 (port 0) that records every request,
 * plus the same script served by an in-memory HttpClient for tests that drive time with TestClock.
 * Usable from Effect (`make`, `layer`, scoped) and from plain scripts (`startFakeResponsesServer`).
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { Context, Effect, Layer, type Scope } from "effect"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import {
  type FakeReply,
  type FakeRequest,
  type FakeScriptInput,
  makeTurnPicker,
  modelsBody,
  normalizeScript,
  replyFor
} from "./fakeResponsesScript.js"

export * from "./fakeResponsesScript.js"

/** A running server. */
export interface FakeResponsesHandle {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:41234/v1`. */
  readonly url: string
  readonly port: number
  /** Requests received so far, in order. */
  readonly requests: () => ReadonlyArray<FakeRequest>
  readonly close: () => Promise<void>
}

const parseBody = (text: string): unknown => {
  if (text === "") return null
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** Routes one request: `GET …/models`, `POST …/responses`, else 404. Shared by both transports. */
const makeRouter = (input: FakeScriptInput) => {
  const script = normalizeScript(input)
  const pick = makeTurnPicker(script)
  const requests: Array<FakeRequest> = []
  let responses = 0
  const route = (
    method: string,
    path: string,
    rawHeaders: ReadonlyArray<readonly [string, string]>,
    bodyText: string
  ): FakeReply => {
    const headers: Record<string, string> = {}
    for (const [name, value] of rawHeaders) {
      const key = name.toLowerCase()
      headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`
    }
    const base = { seq: requests.length, method, path, headers, rawHeaders, body: parseBody(bodyText) }
    const pathname = path.split("?")[0]!
    if (method === "GET" && pathname.endsWith("/models")) {
      requests.push({ ...base, turn_index: -1, reply: "models" })
      return { status: 200, headers: { "content-type": "application/json" }, chunks: [modelsBody(script)], then: "end" }
    }
    if (method === "POST" && pathname.endsWith("/responses")) {
      const provisional: FakeRequest = { ...base, turn_index: -1, reply: "" }
      const { turn, index } = pick(provisional)
      requests.push({ ...base, turn_index: index, reply: turn.type })
      responses++
      return replyFor(turn, responses)
    }
    requests.push({ ...base, turn_index: -1, reply: "not_found" })
    return { status: 404, headers: { "content-type": "application/json" }, chunks: [JSON.stringify({ error: { message: "not found" } })], then: "end" }
  }
  return { route, requests }
}

const pairs = (raw: ReadonlyArray<string>): Array<readonly [string, string]> => {
  const out: Array<readonly [string, string]> = []
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!])
  return out
}

/** Starts the server (plain Promise API, for scripts and CLI end-to-end runs). */
export const startFakeResponsesServer = (script: FakeScriptInput): Promise<FakeResponsesHandle> => {
  const router = makeRouter(script)
  const server = http.createServer((req, res) => {
    const parts: Array<Buffer> = []
    req.on("data", (part: Buffer) => parts.push(part))
    req.on("end", () => {
      const reply = router.route(req.method ?? "GET", req.url ?? "/", pairs(req.rawHeaders), Buffer.concat(parts).toString("utf8"))
      res.writeHead(reply.status, reply.headers)
      if (reply.then === "end") return res.end(reply.chunks.join(""))
      res.flushHeaders()
      // drop the connection only once everything before it has been written
      res.write(reply.chunks.join(""), () => {
        if (reply.then === "disconnect") res.socket?.destroy()
        // "hang": leave the response open; close() drops it.
      })
    })
  })
  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as AddressInfo).port
      resolve({
        url: `http://127.0.0.1:${port}/v1`,
        port,
        requests: () => [...router.requests],
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections()
            server.close(() => done())
          })
      })
    })
  })
}

/** The server as an Effect service. */
export interface FakeResponsesServer {
  readonly url: string
  readonly port: number
  readonly requests: Effect.Effect<ReadonlyArray<FakeRequest>>
}
export const FakeResponsesServer = Context.GenericTag<FakeResponsesServer>("test/FakeResponsesServer")

/** A server that lives as long as the enclosing Scope. */
export const make = (script: FakeScriptInput): Effect.Effect<FakeResponsesServer, never, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(
      Effect.promise(() => startFakeResponsesServer(script)),
      (handle) => Effect.promise(() => handle.close())
    ),
    (handle) => ({ url: handle.url, port: handle.port, requests: Effect.sync(handle.requests) })
  )

export const layer = (script: FakeScriptInput): Layer.Layer<FakeResponsesServer> => Layer.scoped(FakeResponsesServer, make(script))

// ---------------------------------------------------------------------------
// in-memory transport

/** A dropped connection, as the in-memory transport reports it. */
const droppedConnection = () => Object.assign(new Error("aborted"), { code: "ECONNRESET" })

/**
 * An HttpClient answering from the script without sockets: bodies are produced synchronously, so
 * retries, backoff and idle timeouts can be driven entirely with TestClock.
 */
export const makeHttpClient = (
  script: FakeScriptInput
): Effect.Effect<{ readonly client: HttpClient.HttpClient; readonly requests: Effect.Effect<ReadonlyArray<FakeRequest>> }> =>
  Effect.gen(function* () {
    const router = makeRouter(script)
    const client = HttpClient.make((request, url) =>
      Effect.gen(function* () {
        const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : request.body._tag === "Raw" ? String(request.body.body) : ""
        const headers = Object.entries(request.headers) as Array<[string, string]>
        const reply = router.route(request.method, url.pathname + url.search, headers, body)
        const encoder = new TextEncoder()
        // one chunk per pull, so a drop comes after everything before it was read
        let next = 0
        const stream = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (next < reply.chunks.length) return controller.enqueue(encoder.encode(reply.chunks[next++]!))
            if (reply.then === "end") controller.close()
            else if (reply.then === "disconnect") controller.error(droppedConnection())
            // "hang": nothing more, ever
          }
        })
        const noBody = reply.status === 204 || reply.status === 304
        return HttpClientResponse.fromWeb(request, new Response(noBody ? null : stream, { status: reply.status, headers: reply.headers }))
      })
    )
    return { client, requests: Effect.sync(() => [...router.requests]) }
  })

/** An HttpClient whose every request fails to connect (for transport-error tests). */
export const refusingHttpClient: HttpClient.HttpClient = HttpClient.make((request) =>
  Effect.fail(
    new HttpClientError.RequestError({
      request,
      reason: "Transport",
      cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" })
    })
  )
)
