/** Downstream rounds: timeouts driven by the test clock (a stalled body or a missing response head ends the round clearly), and batched reading. */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Either, Fiber, Stream, TestClock } from "effect"
import type * as Http from "node:http"
import * as Environment from "../../../src/config/Environment.js"
import * as WireHttpClient from "../../../src/model/wireHttpClient.js"
import * as Downstream from "../../../src/server/Downstream.js"
import * as ServerConfig from "../../../src/server/ServerConfig.js"
import type { BodySink } from "../../../src/server/stream/BodySink.js"
import * as LoopbackServer from "../../support/LoopbackServer.js"

/** A client whose response sends one chunk and then stalls forever. */
const stalling = HttpClient.make((request) =>
  Effect.succeed(HttpClientResponse.fromWeb(request, new Response(new ReadableStream<Uint8Array>({
    start: (controller) => controller.enqueue(new TextEncoder().encode("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n"))
  }), { status: 200 }))))

/** A client that never answers. */
const silent = HttpClient.make(() => Effect.never)

const round = (client: HttpClient.HttpClient) =>
  Downstream.make(ServerConfig.make({ timeoutSeconds: 10 })).pipe(
    Effect.provideService(HttpClient.HttpClient, client),
    Effect.provideService(Environment.Environment, Environment.fromRecord({})),
    Effect.flatMap((downstream) => Effect.either(Stream.runCollect(downstream.openRound({ model: "m", messages: [] }))))
  )

/** A loopback server, closed with the scope, whose every answer is an event stream that `answer` writes; its port. */
const sseServer = (answer: (response: Http.ServerResponse) => void) =>
  Effect.map(LoopbackServer.make((_request, response) => {
    response.writeHead(200, { "content-type": "text/event-stream" })
    answer(response)
  }), (server) => server.port)

/** The downstream of a 10 s timeout over `client`, at `baseUrl` when given. */
const downstreamFor = (client: HttpClient.HttpClient, baseUrl?: string) =>
  Downstream.make(ServerConfig.make({ timeoutSeconds: 10, ...(baseUrl === undefined ? {} : { outcommingBaseUrl: baseUrl }) })).pipe(
    Effect.provideService(HttpClient.HttpClient, client),
    Effect.provideService(Environment.Environment, Environment.fromRecord({}))
  )

/**
 * A round whose body sends one chunk and then nothing, read by `read` (which calls `first` on the
 * first chunk): it fails as a read that timed out after 10 s of silence, and not before.
 */
const failsWhenIdle = (read: (downstream: Downstream.Downstream, first: () => void) => Stream.Stream<unknown, unknown>) =>
  Effect.gen(function* () {
    const port = yield* sseServer((response) => response.write("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n"))
    const first = yield* Deferred.make<void>()
    const downstream = yield* downstreamFor(WireHttpClient.make, `http://127.0.0.1:${port}/v1`)
    const fiber = yield* Effect.fork(Effect.either(Stream.runDrain(read(downstream, () => Effect.runSync(Deferred.succeed(first, undefined))))))
    yield* Deferred.await(first)
    // the reader marks the start of its wait on the clock before it waits for bytes: let it get there
    yield* Effect.repeatN(Effect.yieldNow(), 9)
    yield* TestClock.adjust("9 seconds")
    expect(fiber.unsafePoll()).toBeNull()
    yield* TestClock.adjust("2 seconds")
    const result = yield* Fiber.join(fiber)
    expect(Either.isLeft(result) && (result.left as Error).message).toBe("outcomming chat stream failed while reading response body: timed out")
  })

describe("Downstream timeouts", () => {
  it.effect("a body idle for the timeout fails as a read failure", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.fork(round(stalling))
      yield* TestClock.adjust("9 seconds")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("2 seconds")
      const result = yield* Fiber.join(fiber)
      expect(Either.isLeft(result) && result.left.message).toBe("outcomming chat stream failed while reading response body: timed out")
    }))

  it.effect("no response head within the timeout fails as a request failure", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.fork(round(silent))
      yield* TestClock.adjust("11 seconds")
      const result = yield* Fiber.join(fiber)
      expect(Either.isLeft(result) && result.left.message).toBe("outcomming chat request failed: timed out")
    }))

  it.scoped("a body read from the socket (the wire client's path) and then idle for the timeout fails the same way", () =>
    failsWhenIdle((downstream, first) => Stream.tap(downstream.openRound({ model: "m", messages: [] }), () => Effect.sync(first))))
})

const body = ["a", "b", "c", "d"].map((content) => `data: {"choices":[{"index":0,"delta":{"content":"${content}"}}]}\n\n`).join("") + "data: [DONE]\n\n"

/** What `openRoundBatched` streams when each batch is turned into one string, and the sizes of the batches it was handed. */
const batched = (client: HttpClient.HttpClient, baseUrl?: string) =>
  Effect.gen(function* () {
    const downstream = yield* downstreamFor(client, baseUrl)
    const sizes: Array<number> = []
    const out = yield* Stream.runCollect(downstream.openRoundBatched({ model: "m", messages: [] }, (chunks) => {
      sizes.push(chunks.length)
      return chunks.length === 0 ? [] : [chunks.map((chunk) => chunk.choices?.[0]?.delta?.content).join("")]
    }))
    return { out: [...out].join("|"), sizes }
  })

describe("Downstream.openRoundBatched", () => {
  it.scoped("hands each read of the wire client's body to the presenter once and streams what it returns", () =>
    Effect.gen(function* () {
      const port = yield* sseServer((response) => response.end(body))
      const { out, sizes } = yield* batched(WireHttpClient.make, `http://127.0.0.1:${port}/v1`)
      expect(out.replaceAll("|", "")).toBe("abcd")
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(4)
    }))

  it.effect("does the same for a body read as a stream of bytes (any other HTTP client)", () =>
    Effect.gen(function* () {
      const client = HttpClient.make((request) =>
        Effect.succeed(HttpClientResponse.fromWeb(request, new Response(body, { status: 200 }))))
      const { out, sizes } = yield* batched(client)
      expect(out.replaceAll("|", "")).toBe("abcd")
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(4)
    }))
})

/** A sink that is always ready and writes nothing (what it would write is `consume`'s business). */
const openSink: BodySink = { write: () => {}, close: () => {}, ready: () => true, whenReady: (go) => go(), run: (step) => step() }

/** What `openRoundDirect` hands to `consume`, joined, with the stream's own output. */
const direct = (client: HttpClient.HttpClient, baseUrl?: string, sink: BodySink = openSink) =>
  Effect.gen(function* () {
    const downstream = yield* downstreamFor(client, baseUrl)
    const seen: Array<string> = []
    const out = yield* Stream.runCollect(downstream.openRoundDirect({ model: "m", messages: [] }, (chunks) => {
      for (const chunk of chunks) seen.push(chunk.choices?.[0]?.delta?.content ?? "")
    }, sink))
    return { seen: seen.join(""), yielded: [...out].length }
  })

describe("Downstream.openRoundDirect", () => {
  it.scopedLive("hands every chunk of the wire client's body to consume as it is read, and yields nothing", () =>
    Effect.gen(function* () {
      const port = yield* sseServer((response) => {
        response.write(body.slice(0, 40))
        setTimeout(() => response.end(body.slice(40)), 20)
      })
      expect(yield* direct(WireHttpClient.make, `http://127.0.0.1:${port}/v1`)).toEqual({ seen: "abcd", yielded: 0 })
    }))

  it.effect("does the same for a body read as a stream of bytes, waiting while the sink is full", () =>
    Effect.gen(function* () {
      const client = HttpClient.make((request) =>
        Effect.succeed(HttpClientResponse.fromWeb(request, new Response(body, { status: 200 }))))
      let asked = 0
      const slow: BodySink = { ...openSink, ready: () => false, whenReady: (go) => {
        asked++
        go()
      } }
      expect(yield* direct(client, undefined, slow)).toEqual({ seen: "abcd", yielded: 0 })
      expect(asked).toBeGreaterThan(0)
    }))

  it.scoped("a driven body idle for the timeout fails as a read failure", () =>
    failsWhenIdle((downstream, first) => downstream.openRoundDirect({ model: "m", messages: [] }, first, openSink)))
})
