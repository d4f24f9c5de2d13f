/** SIGTERM on a real `tscodex responses-server` process: in-flight streams drain, new connections are refused, the process exits. */
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Schedule } from "effect"
import * as fs from "node:fs"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as net from "node:net"
import { CLI_PATH } from "../../support/Cli.js"
import { chunk } from "../../support/FakeChatServer.js"
import { isAlive, startProcess } from "../../support/Processes.js"
import { eventTypes, inbound, userMessage } from "./support.js"

const terminal = new Set(["response.completed", "response.failed", "response.incomplete"])

/**
 * A chat backend that sends the first words of its answer at once and the rest only when `release`
 * completes, so the test decides how long a stream is in flight.
 */
const gatedBackend = (release: Deferred.Deferred<void>) =>
  Effect.acquireRelease(
    Effect.async<{ readonly server: http.Server; readonly url: string }>((resume) => {
      const server = http.createServer((req, res) => {
        req.resume()
        req.on("end", () => {
          res.writeHead(200, { "content-type": "text/event-stream" })
          res.write(`data: ${JSON.stringify(chunk({ role: "assistant", content: "par" }))}\n\n`)
          Effect.runFork(Deferred.await(release).pipe(Effect.andThen(() => {
            res.write(`data: ${JSON.stringify(chunk({ content: "tial" }))}\n\n`)
            res.write(`data: ${JSON.stringify(chunk({}, "stop"))}\n\n`)
            res.end("data: [DONE]\n\n")
          })))
        })
      })
      server.listen(0, "127.0.0.1", () =>
        resume(Effect.succeed({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` })))
    }),
    ({ server }) => Effect.async<void>((resume) => {
      server.closeAllConnections()
      server.close(() => resume(Effect.void))
    })
  )

/** The server process, listening on a free port; SIGKILLed when the scope closes if still running. */
const startServer = (backendUrl: string, graceSeconds: number) =>
  startProcess(process.execPath, [
    CLI_PATH, "responses-server", "--port", "0", "--outcomming-base-url", backendUrl,
    "--shutdown-grace-seconds", String(graceSeconds)
  ], /listening on http:\/\/127\.0\.0\.1:(\d+) \(POST/, { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: "/nonexistent-home" }).pipe(
    Effect.map((proc) => ({ ...proc, port: Number(proc.match[1]) }))
  )

/**
 * A streaming POST on a kept-alive connection (the way HTTP clients pool them), plus an idle
 * kept-alive connection from the same agent: neither may hold the shutdown open.
 * `firstDelta` completes when the first text delta has arrived; `body` with the whole body.
 */
const streamingRequest = (port: number) =>
  Effect.gen(function* () {
    const agent = new http.Agent({ keepAlive: true })
    yield* Effect.addFinalizer(() => Effect.sync(() => agent.destroy()))
    yield* Effect.async<void>((resume) => {
      http.get({ host: "127.0.0.1", port, path: "/healthz", agent }, (res) => {
        res.resume()
        res.on("end", () => resume(Effect.void))
      })
    })
    const firstDelta = yield* Deferred.make<void>()
    const body = yield* Deferred.make<{ readonly text: string; readonly connection: string | undefined }, Error>()
    const streaming = new http.Agent({ keepAlive: true })
    yield* Effect.addFinalizer(() => Effect.sync(() => streaming.destroy()))
    const request = http.request({
      host: "127.0.0.1", port, path: "/v1/responses", method: "POST", agent: streaming,
      headers: { "content-type": "application/json", accept: "text/event-stream" }
    }, (res) => {
      let text = ""
      res.setEncoding("utf8")
      res.on("data", (part: string) => {
        text += part
        if (text.includes("response.output_text.delta")) Deferred.unsafeDone(firstDelta, Effect.void)
      })
      res.on("end", () => Deferred.unsafeDone(body, Effect.succeed({ text, connection: res.headers.connection })))
      res.on("error", (error) => Deferred.unsafeDone(body, Effect.fail(error)))
    })
    request.on("error", (error) => Deferred.unsafeDone(body, Effect.fail(error)))
    request.end(inbound("", [userMessage("hi")]))
    return {
      firstDelta: Deferred.await(firstDelta),
      // a stream the server never ends fails the test here instead of hanging it
      body: Deferred.await(body).pipe(Effect.timeoutFail({ duration: "20 seconds", onTimeout: () => new Error("the stream never ended") }))
    }
  })

/** One connection attempt: `refused` or `accepted`. */
const connect = (port: number) =>
  Effect.async<"refused" | "accepted">((resume) => {
    const socket = net.connect(port, "127.0.0.1")
    socket.once("connect", () => {
      socket.destroy()
      resume(Effect.succeed("accepted"))
    })
    socket.once("error", (error) => resume(Effect.succeed((error as NodeJS.ErrnoException).code === "ECONNREFUSED" ? "refused" : "accepted")))
  })

/** Signals reach the child asynchronously: retries until connections are refused (about 5 s at most). */
const refusedSoon = (port: number) =>
  connect(port).pipe(
    Effect.filterOrFail((verdict) => verdict === "refused", () => "still accepting" as const),
    Effect.retry(Schedule.spaced("25 millis").pipe(Schedule.intersect(Schedule.recurs(200)))),
    Effect.orElseSucceed(() => "accepted" as const)
  )

/** The exit of a process that must end on its own: it is cut off (and fails the test) after 20 s. */
const exitOf = (exited: Effect.Effect<number | string>) =>
  exited.pipe(Effect.timeoutFail({ duration: "20 seconds", onTimeout: () => new Error("the server did not exit") }))

describe.skipIf(!fs.existsSync(CLI_PATH))(`graceful shutdown of a server process${fs.existsSync(CLI_PATH) ? "" : " (skipped: dist/ is not built, run npm run build)"}`, () => {
  it.scopedLive("SIGTERM lets an in-flight stream finish with one terminal event, refuses new connections, and exits once it is done", () =>
    Effect.gen(function* () {
      const release = yield* Deferred.make<void>()
      const backend = yield* gatedBackend(release)
      const server = yield* startServer(backend.url, 120)
      const stream = yield* streamingRequest(server.port)
      yield* stream.firstDelta

      server.child.kill("SIGTERM")
      expect(yield* refusedSoon(server.port)).toBe("refused")
      expect(isAlive(server.child.pid!)).toBe(true) // still draining: the stream has not ended

      yield* Deferred.succeed(release, undefined)
      const { text, connection } = yield* stream.body
      const types = eventTypes(text)
      expect(types.filter((type) => terminal.has(type))).toEqual(["response.completed"])
      expect(types.at(-1)).toBe("response.completed")
      expect(text).toContain("\"text\": \"partial\"")
      expect(connection).toBe("close")
      // an exit long before the 120 s grace: the drain ended with the last stream, not the deadline
      expect(yield* exitOf(server.exited)).toBe(130)
    }), 60_000)

  it.scopedLive("a stream outlasting the grace time ends with response.failed and the process still exits", () =>
    Effect.gen(function* () {
      const never = yield* Deferred.make<void>()
      const backend = yield* gatedBackend(never)
      const server = yield* startServer(backend.url, 1)
      const stream = yield* streamingRequest(server.port)
      yield* stream.firstDelta

      server.child.kill("SIGTERM")
      const { text } = yield* stream.body
      const types = eventTypes(text)
      expect(types).toEqual([
        "response.created", "response.output_item.added", "response.content_part.added", "response.output_text.delta", "response.failed"
      ])
      expect(text).toContain("the server is shutting down")
      expect(yield* exitOf(server.exited)).toBe(130)
    }), 60_000)
})
