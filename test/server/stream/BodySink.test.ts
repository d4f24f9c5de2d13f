/** BodySink over a Node response: writes reach the client in order, `ready` follows the socket's buffer, `whenReady` calls back on drain or close. */
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect } from "effect"
import * as Http from "node:http"
import * as BodySink from "../../../src/server/stream/BodySink.js"
import * as LoopbackServer from "../../support/LoopbackServer.js"

/** A loopback server, closed with the scope, handing each response's sink to `serve`; its port. */
const server = (serve: (sink: BodySink.BodySink, response: Http.ServerResponse) => void) =>
  Effect.map(LoopbackServer.make((request, response) => {
    request.resume()
    response.writeHead(200, { "content-type": "text/event-stream" })
    serve(BodySink.fromServerResponse(response, (step) => step()), response)
  }), (server) => server.port)

/** A GET whose response is handed over unread (paused). */
const request = (port: number) =>
  Effect.async<Http.IncomingMessage>((resume) => {
    const sent = Http.get({ host: "127.0.0.1", port, path: "/", agent: false }, (response) => {
      response.pause()
      resume(Effect.succeed(response))
    })
    sent.on("error", (error) => resume(Effect.die(error)))
  })

const readAll = (response: Http.IncomingMessage) =>
  Effect.async<string>((resume) => {
    let text = ""
    response.setEncoding("utf8")
    response.on("data", (piece: string) => void (text += piece))
    response.once("end", () => resume(Effect.succeed(text)))
    response.resume()
  })

/**
 * Writes numbered lines while the sink is ready, again whenever it calls back, until a call back has
 * not come for 200 ms (the client's socket is full): then `stalled`, and the next call back goes to
 * `after` instead.
 */
const fill = (sink: BodySink.BodySink, stalled: (lines: number) => void, after: () => void) => {
  let lines = 0
  let isStalled = false
  const pump = () => {
    while (sink.ready()) sink.write(`line ${lines++}`.padEnd(4095, ".") + "\n")
    const timer = setTimeout(() => {
      isStalled = true
      stalled(lines)
    }, 200)
    sink.whenReady(() => {
      clearTimeout(timer)
      if (isStalled) after()
      else pump()
    })
  }
  pump()
}

describe("BodySink", () => {
  it.scopedLive("stops being ready while the client does not read, calls back once it does, and every write arrives in order", () =>
    Effect.gen(function* () {
      const full = yield* Deferred.make<number>()
      const port = yield* server((sink, response) =>
        fill(sink, (lines) => {
          expect(sink.ready()).toBe(false)
          Effect.runSync(Deferred.succeed(full, lines))
        }, () => {
          sink.write("last\n")
          response.end()
        }))
      const response = yield* request(port)
      const written = yield* Deferred.await(full)
      const text = yield* readAll(response)
      const lines = text.split("\n").filter((line) => line !== "").map((line) => line.replace(/\.+$/, ""))
      expect(lines).toEqual([...Array.from({ length: written }, (_, i) => `line ${i}`), "last"])
    }), { timeout: 20_000 })

  it.scopedLive("calls back when the client goes away while its socket is full, and a write after that is dropped", () =>
    Effect.gen(function* () {
      const full = yield* Deferred.make<void>()
      const called = yield* Deferred.make<void>()
      const port = yield* server((sink) =>
        fill(sink, () => Effect.runSync(Deferred.succeed(full, undefined)), () => {
          sink.write("after close")
          Effect.runSync(Deferred.succeed(called, undefined))
        }))
      const response = yield* request(port)
      yield* Deferred.await(full)
      response.destroy()
      yield* Deferred.await(called)
    }), { timeout: 20_000 })

  it.effect("awaitReady waits for whenReady only when the sink is full", () =>
    Effect.gen(function* () {
      let ready = true
      let go: (() => void) | undefined
      const sink: BodySink.BodySink = { write: () => {}, close: () => {}, ready: () => ready, whenReady: (callback) => void (go = callback), run: (step) => step() }
      yield* BodySink.awaitReady(sink)
      expect(go).toBeUndefined()
      ready = false
      const fiber = yield* Effect.fork(BodySink.awaitReady(sink))
      yield* Effect.yieldNow()
      expect(fiber.unsafePoll()).toBeNull()
      go!()
      yield* fiber.await
      expect(fiber.unsafePoll()?._tag).toBe("Success")
    }))
})
