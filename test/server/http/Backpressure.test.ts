/** A client that stops reading holds the backend back through the relay, and then gets every delta once, in order. */
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect } from "effect"
import * as Http from "node:http"
import * as LoopbackServer from "../../support/LoopbackServer.js"
import { events, inbound, start, userMessage } from "./support.js"

const chunkEvent = (content: string) =>
  `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`

/** More deltas than the buffers between the backend and a paused client can hold (about 30 MB). */
const cap = 30_000

/**
 * A chat backend that streams numbered deltas of 1 KB while its socket takes them. When a write is
 * refused and no drain comes within 300 ms (everything between it and the client is full), it
 * resolves `held` with how many it wrote; after the next drain it writes `more` and ends. A relay
 * that kept reading would let it write all `cap` deltas.
 */
const backend = (held: Deferred.Deferred<number>, more: number) =>
  Effect.map(LoopbackServer.make((request, response) => {
    request.resume()
    response.writeHead(200, { "content-type": "text/event-stream" })
    const pad = "x".repeat(1000)
    let n = 0
    const write = () => response.write(chunkEvent(`${n++}:${pad}|`))
    const finish = () => {
      for (let i = 0; i < more; i++) write()
      response.end(chunkEvent("") + "data: [DONE]\n\n")
    }
    const fill = (): void => {
      while (n < cap) {
        if (write()) continue
        const stalled = setTimeout(() => {
          response.off("drain", go)
          Effect.runSync(Deferred.succeed(held, n))
          response.once("drain", finish)
        }, 300)
        const go = () => {
          clearTimeout(stalled)
          fill()
        }
        return void response.once("drain", go)
      }
      Effect.runSync(Deferred.succeed(held, n))
      finish()
    }
    fill()
  }), (server) => `${server.origin}/v1`)

/** Posts `body` and hands the response over paused. */
const postPaused = (url: string, body: string) =>
  Effect.async<Http.IncomingMessage>((resume) => {
    const request = Http.request(url, { method: "POST", agent: false, headers: { "content-type": "application/json", accept: "text/event-stream" } }, (response) => {
      response.pause()
      resume(Effect.succeed(response))
    })
    request.on("error", (error) => resume(Effect.die(error)))
    request.end(body)
  })

const readAll = (response: Http.IncomingMessage) =>
  Effect.async<string>((resume) => {
    const pieces: Array<Buffer> = []
    response.on("data", (piece: Buffer) => void pieces.push(piece))
    response.once("end", () => resume(Effect.succeed(Buffer.concat(pieces).toString("utf8"))))
    response.resume()
  })

describe("backpressure through the relay", () => {
  it.scopedLive("a client that stops reading stops the relay reading the backend; once it reads, every delta arrives once, in order", () =>
    Effect.gen(function* () {
      const held = yield* Deferred.make<number>()
      const more = 20
      const server = yield* start({ outcommingBaseUrl: yield* backend(held, more) })
      const response = yield* postPaused(`${server.url}/v1/responses`, inbound("", [userMessage("hi")]))
      expect(response.statusCode).toBe(200)
      // the backend fills everything between it and the paused client, then is refused
      const written = yield* Deferred.await(held)
      expect(written).toBeLessThan(cap)
      const all = events(yield* readAll(response))
      const deltas = all.filter((event) => event.type === "response.output_text.delta").map((event) => String(event.delta).split(":")[0])
      expect(deltas).toEqual(Array.from({ length: written + more }, (_, i) => String(i)))
      expect(all.at(-1)!.type).toBe("response.completed")
    }), { timeout: 60_000 })
})
