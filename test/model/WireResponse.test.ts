/** The wire client's responses read their body from the socket: text, JSON, bytes and stream, and empty bodies for 204. */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as WireHttpClient from "../../src/model/wireHttpClient.js"

const server = Effect.acquireRelease(
  Effect.async<{ readonly url: string; readonly close: () => void }>((resume) => {
    const created = Http.createServer((req, res) => {
      req.resume()
      if (req.url === "/empty") {
        res.writeHead(204)
        return res.end()
      }
      res.writeHead(400, { "content-type": "application/json", "x-one": "1", "set-cookie": ["a=1", "b=2"] })
      res.write('{"error": {"message": ')
      res.end('"bad request"}}')
    })
    created.listen(0, "127.0.0.1", () =>
      resume(Effect.succeed({
        url: `http://127.0.0.1:${(created.address() as AddressInfo).port}`,
        close: () => {
          created.closeAllConnections()
          created.close()
        }
      })))
  }),
  (s) => Effect.sync(s.close)
)

const get = (url: string) => HttpClient.execute(HttpClientRequest.get(url)).pipe(Effect.provide(WireHttpClient.layer))

describe("wire client responses", () => {
  it.scoped("give status, headers, cookies and the body as text and JSON (read once, cached)", () =>
    Effect.gen(function* () {
      const { url } = yield* server
      const response = yield* get(`${url}/bad`)
      expect(response.status).toBe(400)
      expect(response.headers["x-one"]).toBe("1")
      expect(response.cookies.cookies).toHaveProperty("a")
      expect(yield* response.text).toBe('{"error": {"message": "bad request"}}')
      expect(yield* response.json).toEqual({ error: { message: "bad request" } })
    }))

  it.scoped("give the body as a stream and as bytes", () =>
    Effect.gen(function* () {
      const { url } = yield* server
      const chunks = yield* Stream.runCollect((yield* get(`${url}/bad`)).stream)
      expect(Buffer.concat(Chunk.toReadonlyArray(chunks)).toString()).toBe('{"error": {"message": "bad request"}}')
      const bytes = yield* (yield* get(`${url}/bad`)).arrayBuffer
      expect(Buffer.from(bytes).toString()).toBe('{"error": {"message": "bad request"}}')
    }))

  it.scoped("a 204 has an empty body", () =>
    Effect.gen(function* () {
      const { url } = yield* server
      const response = yield* get(`${url}/empty`)
      expect(response.status).toBe(204)
      expect(yield* response.text).toBe("")
      expect(Chunk.size(yield* Stream.runCollect(response.stream))).toBe(0)
    }))
})
