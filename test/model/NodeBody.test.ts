/** A wire-client body driven by its socket's callbacks: every byte once and in order, held back while the reader's output is full, failures and interruption. */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Either, Fiber } from "effect"
import type * as Http from "node:http"
import type { Flow } from "../../src/model/nodeBody.js"
import * as WireHttpClient from "../../src/model/wireHttpClient.js"
import * as LoopbackServer from "../support/LoopbackServer.js"

/** A loopback server, closed with the scope, whose every answer `answer` writes; its URL. */
const server = (answer: (response: Http.ServerResponse) => void) =>
  Effect.map(LoopbackServer.make((request, response) => {
    request.resume()
    response.writeHead(200, { "content-type": "text/plain" })
    answer(response)
  }), (server) => `${server.origin}/`)

const bodyOf = (url: string) =>
  Effect.gen(function* () {
    const response = yield* HttpClient.execute(HttpClientRequest.get(url)).pipe(Effect.provide(WireHttpClient.layer))
    const body = WireHttpClient.nodeBody(response)
    if (body === undefined) return yield* Effect.die("the wire client's body should be readable from its socket")
    return body
  })

const open: Flow = { ready: () => true, whenReady: (go) => go() }

/** Collects everything `drive` takes, with how many steps `run` ran. */
const collect = (flow: Flow = open) => {
  const pieces: Array<string> = []
  let steps = 0
  return {
    pieces,
    steps: () => steps,
    options: {
      take: (bytes: Uint8Array) => void pieces.push(Buffer.from(bytes).toString()),
      end: () => pieces.join(""),
      broken: (cause: unknown) => new Error(`broken: ${(cause as Error).message}`),
      flow,
      run: (step: () => void) => {
        steps++
        step()
      },
      waiting: () => {}
    }
  }
}

describe("NodeBody.drive", () => {
  it.scopedLive("hands every byte on once, in order, and ends with the end's value", () =>
    Effect.gen(function* () {
      const url = yield* server((response) => {
        let n = 0
        const next = () => {
          if (n === 50) return response.end("end")
          response.write(`piece ${n++};`)
          setImmediate(next)
        }
        next()
      })
      const reader = collect()
      const text = yield* (yield* bodyOf(url)).drive(reader.options)
      const expected = Array.from({ length: 50 }, (_, i) => `piece ${i};`).join("") + "end"
      expect(text).toBe(expected)
      expect(reader.steps()).toBeGreaterThan(1)
    }))

  it.scopedLive("a value from `take` stops the read there", () =>
    Effect.gen(function* () {
      const url = yield* server((response) => response.end("abc"))
      const body = yield* bodyOf(url)
      const stopped = yield* body.drive({ ...collect().options, take: (bytes) => ({ stop: `stopped at ${Buffer.from(bytes).toString()}` }) })
      expect(stopped).toBe("stopped at abc")
    }))

  it.scopedLive("reads nothing while the flow is not ready, so the sender is held back, and goes on once it is", () =>
    Effect.gen(function* () {
      const held = yield* Deferred.make<number>()
      const piece = "x".repeat(65536)
      const url = yield* server((response) => {
        let written = 0
        const fill = () => {
          // write until the socket refuses more: the reader is not reading
          while (response.write(piece)) written += piece.length
          written += piece.length
          Effect.runSync(Deferred.succeed(held, written))
          response.once("drain", () => response.end())
        }
        fill()
      })
      let ready = false
      let resume: (() => void) | undefined
      const reader = collect({ ready: () => ready, whenReady: (go) => void (resume = go) })
      const fiber = yield* Effect.fork((yield* bodyOf(url)).drive(reader.options))
      const written = yield* Deferred.await(held)
      yield* Effect.sleep("50 millis")
      expect(reader.pieces).toEqual([])
      expect(resume).toBeDefined()
      ready = true
      resume!()
      const text = yield* Fiber.join(fiber)
      expect(text.length).toBe(written)
    }), { timeout: 20_000 })

  it.scopedLive("a body that breaks off fails with `broken`'s error", () =>
    Effect.gen(function* () {
      const url = yield* server((response) => {
        response.write("part")
        setTimeout(() => response.socket?.destroy(), 20)
      })
      const result = yield* Effect.either((yield* bodyOf(url)).drive(collect().options))
      expect(Either.isLeft(result) && result.left.message).toMatch(/^broken: /)
    }))

  it.scopedLive("interrupting the read closes the connection", () =>
    Effect.gen(function* () {
      const closed = yield* Deferred.make<void>()
      const url = yield* server((response) => {
        response.write("part")
        response.once("close", () => Effect.runSync(Deferred.succeed(closed, undefined)))
      })
      const reader = collect()
      const first = yield* Deferred.make<void>()
      const options = { ...reader.options, take: (bytes: Uint8Array) => {
        reader.options.take(bytes)
        Effect.runSync(Deferred.succeed(first, undefined))
        return undefined
      } }
      const fiber = yield* Effect.fork((yield* bodyOf(url)).drive(options))
      yield* Deferred.await(first)
      yield* Fiber.interrupt(fiber)
      yield* Deferred.await(closed)
      expect(reader.pieces).toEqual(["part"])
    }), { timeout: 20_000 })
})
