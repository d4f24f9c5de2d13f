/** The server facing other people: body and field limits, inbound keys, redaction, follow-ups, the access log, drain and connection caps. */
import { describe, expect, it } from "@effect/vitest"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Deferred, Effect, Fiber, Layer } from "effect"
import * as http from "node:http"
import * as net from "node:net"
import * as AccessLog from "../../../src/server/AccessLog.js"
import * as Listener from "../../../src/server/Listener.js"
import * as FakeChatServer from "../../support/FakeChatServer.js"
import { chatReply, chunk, textChunks } from "../../support/FakeChatServer.js"
import { events, eventTypes, inbound, start, userMessage } from "./support.js"

const json = (text: string) => JSON.parse(text) as { error: Record<string, unknown> }

/** Posts a body in pieces with chunked transfer encoding (no Content-Length), as a streaming client would. */
const postChunked = (url: string, pieces: ReadonlyArray<string>) =>
  Effect.async<{ status: number; text: string }>((resume) => {
    const request = http.request(`${url}/v1/responses`, { method: "POST", headers: { "content-type": "application/json" } }, (response) => {
      const parts: Array<Buffer> = []
      response.on("data", (b: Buffer) => parts.push(b))
      response.on("end", () => resume(Effect.succeed({ status: response.statusCode ?? 0, text: Buffer.concat(parts).toString() })))
    })
    request.on("error", (error) => resume(Effect.succeed({ status: 0, text: error.message })))
    for (const piece of pieces) request.write(piece)
    request.end()
  })

describe("request limits", () => {
  it.scopedLive("a body over the limit is 413 with an OpenAI-style error, whether it declares its length or not", () =>
    Effect.gen(function* () {
      const fake = yield* FakeChatServer.make({ chat: [chatReply(textChunks("ok"))] })
      const server = yield* start({ outcommingBaseUrl: fake.url, maxBodyBytes: 10_000 })
      const declared = yield* server.post("/v1/responses", inbound("", [userMessage("x".repeat(20_000))]))
      expect(declared.status).toBe(413)
      expect(json(declared.text).error).toEqual({
        message: "request body is larger than the limit of 10000 bytes",
        type: "invalid_request_error",
        param: null,
        code: "request_too_large"
      })
      const chunked = yield* postChunked(server.url, Array.from({ length: 30 }, () => "x".repeat(1000)))
      expect(chunked.status).toBe(413)
      const small = yield* server.post("/v1/responses", inbound("", [userMessage("hi")]))
      expect(small.status).toBe(200)
      expect(fake.posts().length).toBe(1)
    }))

  it.scopedLive("a huge model or session id and a too-deep body are 400 without reaching the downstream", () =>
    Effect.gen(function* () {
      const fake = yield* FakeChatServer.make({ chat: [chatReply(textChunks("ok"))] })
      const server = yield* start({ outcommingBaseUrl: fake.url })
      const model = yield* server.post("/v1/responses", JSON.stringify({ model: "m".repeat(5_000_000), stream: true }))
      expect(model.status).toBe(400)
      expect(json(model.text).error).toMatchObject({ param: "model", code: "string_above_max_length" })
      expect(json(model.text).error.message).toContain("maximum length 256")
      const header = yield* server.post("/v1/responses", inbound("", []), { "x-client-request-id": "r".repeat(600) })
      expect(header.status).toBe(400)
      let parameters: Record<string, unknown> = { type: "string" }
      for (let i = 0; i < 2000; i++) parameters = { type: "object", properties: { a: parameters } }
      const deep = yield* server.post("/v1/responses", inbound("", [userMessage("hi")], { tools: [{ type: "function", name: "f", parameters }] }))
      expect(deep.status).toBe(400)
      expect(json(deep.text).error).toMatchObject({ code: "nesting_too_deep", message: "request body nests deeper than 128 levels" })
      expect(fake.posts()).toEqual([])
    }))
})

describe("inbound keys", () => {
  it.scopedLive("requests need one of the configured keys as a Bearer token; health checks do not", () =>
    Effect.gen(function* () {
      const fake = yield* FakeChatServer.make({ chat: [chatReply(textChunks("ok"))] })
      const server = yield* start(
        { outcommingBaseUrl: fake.url, apiKeyEnvs: ["KEY_A", "KEY_B"] },
        { env: { KEY_A: "alpha-key", KEY_B: " beta-key " } }
      )
      const missing = yield* server.post("/v1/responses", inbound("", [userMessage("hi")]))
      expect(missing.status).toBe(401)
      expect(json(missing.text).error).toMatchObject({ type: "invalid_request_error", code: "missing_api_key", param: null })
      const wrong = yield* server.post("/v1/responses", inbound("", [userMessage("hi")]), { authorization: "Bearer alpha-kez" })
      expect(wrong.status).toBe(401)
      expect(wrong.text).not.toContain("alpha")
      expect(json(wrong.text).error).toMatchObject({ message: "Incorrect API key provided.", code: "invalid_api_key" })
      expect((yield* server.get("/v1/models")).status).toBe(401)
      expect((yield* server.get("/healthz")).status).toBe(200)
      const ok = yield* server.post("/v1/responses", inbound("", [userMessage("hi")]), { authorization: "Bearer beta-key" })
      expect(ok.status).toBe(200)
      expect(eventTypes(ok.text).at(-1)).toBe("response.completed")
      expect(fake.posts().length).toBe(1)
      expect(fake.posts()[0]!.headers.authorization).toBeUndefined() // the inbound key is never forwarded
    }))
})

describe("redaction", () => {
  it.scopedLive("credentials in the downstream URL and echoed by the downstream never reach the client", () =>
    Effect.gen(function* () {
      const echo = JSON.stringify({ error: "unauthorized", seen: { authorization: "Bearer sk-downstream-secret-123456" }, url: "http://u:pw@h/v1?api-key=zzz" })
      const fake = yield* FakeChatServer.make({ chat: [{ _tag: "Status", status: 401, body: echo }] })
      const server = yield* start(
        { outcommingBaseUrl: fake.url, outcommingApiKeyEnv: "DOWN" },
        { env: { DOWN: "sk-downstream-secret-123456" } }
      )
      const reply = yield* server.post("/v1/responses", inbound("", [userMessage("hi")]))
      const message = (events(reply.text).at(-1)!.response as { error: { message: string } }).error.message
      expect(message).toContain("outcomming chat request failed with status 401")
      for (const secret of ["sk-downstream-secret-123456", "u:pw@", "zzz"]) expect(reply.text).not.toContain(secret)
      const unreachable = yield* start({ outcommingBaseUrl: "http://user:hunter2@127.0.0.1:1/v1?key=k3y" })
      const failed = yield* unreachable.post("/v1/responses", inbound("", [userMessage("hi")]))
      expect(eventTypes(failed.text)).toEqual(["response.created", "response.failed"])
      expect(failed.text).not.toContain("hunter2")
    }))
})

describe("previous_response_id", () => {
  it.scopedLive("a follow-up continues from the stored conversation; unknown or unstored ids are 400", () =>
    Effect.gen(function* () {
      const fake = yield* FakeChatServer.make({ chat: [chatReply(textChunks("Hello")), chatReply(textChunks("Again"))] })
      const server = yield* start({ outcommingBaseUrl: fake.url })
      const first = yield* server.post("/v1/responses", inbound("", [userMessage("hi")]))
      const id = (events(first.text)[0]!.response as { id: string }).id
      const second = yield* server.post("/v1/responses", inbound("", [userMessage("more")], { previous_response_id: id }))
      expect(eventTypes(second.text).at(-1)).toBe("response.completed")
      expect((fake.posts()[1]!.body as { messages: unknown }).messages).toEqual([
        { role: "user", content: "hi" },
        { role: "assistant", content: "Hello" },
        { role: "user", content: "more" }
      ])
      const unknown = yield* server.post("/v1/responses", inbound("", [], { previous_response_id: "resp_nope" }))
      expect(unknown.status).toBe(400)
      expect(json(unknown.text).error).toMatchObject({
        message: "Previous response with id 'resp_nope' not found.",
        param: "previous_response_id",
        code: "previous_response_not_found"
      })
      const unstored = yield* server.post("/v1/responses", inbound("", [userMessage("x")], { store: false }))
      const unstoredId = (events(unstored.text)[0]!.response as { id: string }).id
      expect((yield* server.post("/v1/responses", inbound("", [], { previous_response_id: unstoredId }))).status).toBe(400)
    }))
})

describe("access log", () => {
  it.scopedLive("one JSON line per request with method, path, status, duration and downstream status", () =>
    Effect.gen(function* () {
      const lines: Array<string> = []
      const fake = yield* FakeChatServer.make({ chat: [chatReply(textChunks("ok")), { _tag: "Status", status: 503, body: "busy" }] })
      const server = yield* start(
        { outcommingBaseUrl: fake.url },
        { extra: AccessLog.layer((line) => Effect.sync(() => void lines.push(line))) }
      )
      yield* server.post("/v1/responses?api-key=hidden", inbound("", [userMessage("hi")]))
      yield* server.post("/v1/responses", inbound("", [userMessage("hi")]))
      yield* server.get("/nowhere")
      const records = lines.map((line) => JSON.parse(line) as AccessLog.AccessRecord)
      expect(records.map((r) => [r.method, r.path, r.status, r.downstream_status])).toEqual([
        ["POST", "/v1/responses", 200, 200],
        ["POST", "/v1/responses", 200, 503],
        ["GET", "/nowhere", 404, null]
      ])
      for (const r of records) {
        expect(r.duration_ms).toBeGreaterThanOrEqual(0)
        expect(Number.isNaN(Date.parse(r.time))).toBe(false)
      }
      expect(records[0]!.response_id).toMatch(/^resp_/)
      expect(lines.join("\n")).not.toContain("hidden")
    }))
})

describe("connections", () => {
  it("the Node server gets the configured limits and timeouts", () => {
    const server = Listener.makeNodeServer({
      host: "127.0.0.1", port: 0, maxConnections: 7, headersTimeoutSeconds: 3, requestTimeoutSeconds: 9,
      idleTimeoutSeconds: 11, keepAliveTimeoutSeconds: 2, drainSeconds: 1
    })
    expect([server.maxConnections, server.headersTimeout, server.requestTimeout, server.timeout, server.keepAliveTimeout])
      .toEqual([7, 3000, 9000, 11000, 2000])
  })

  it.scopedLive("connections over the cap are refused until one closes", () =>
    Effect.gen(function* () {
      const server = yield* start({ outcommingBaseUrl: "http://127.0.0.1:1/v1", maxConnections: 1 })
      const port = Number(new URL(server.url).port)
      const holder = yield* Effect.acquireRelease(
        Effect.async<net.Socket>((resume) => {
          const socket = net.connect(port, "127.0.0.1", () => resume(Effect.succeed(socket)))
        }),
        (socket) => Effect.sync(() => socket.destroy())
      )
      const refused = yield* Effect.async<string>((resume) => {
        http.get(`${server.url}/healthz`, (res) => {
          res.resume()
          resume(Effect.succeed(`status ${res.statusCode}`))
        }).on("error", (error) => resume(Effect.succeed(`error ${(error as NodeJS.ErrnoException).code}`)))
      })
      expect(refused).toMatch(/^error /)
      holder.destroy()
      yield* Effect.sleep("100 millis")
      expect((yield* server.get("/healthz")).status).toBe(200)
    }))

  it.scopedLive("when a shutdown's drain time is over, a stream still running ends with response.failed", () =>
    Effect.gen(function* () {
      const fake = yield* FakeChatServer.make({ chat: [{ _tag: "Hang", chunks: [chunk({ content: "par" })] }] })
      const over = yield* Deferred.make<void>()
      const waiting: Array<() => void> = []
      const drain: Listener.Drain = { deadlinePassed: Deferred.await(over), onDeadline: (callback) => void waiting.push(callback) }
      const server = yield* start(
        { outcommingBaseUrl: fake.url },
        { listener: NodeHttpServer.layer(http.createServer, { port: 0, host: "127.0.0.1" }), extra: Layer.succeed(Listener.Drain, drain) }
      )
      const reply = yield* Effect.fork(server.post("/v1/responses", inbound("", [userMessage("hi")])))
      while (fake.posts().length === 0) yield* Effect.sleep("20 millis")
      yield* Deferred.succeed(over, undefined)
      for (const callback of waiting.splice(0)) callback()
      const text = (yield* Fiber.join(reply)).text
      expect(eventTypes(text)).toEqual([
        "response.created", "response.output_item.added", "response.content_part.added", "response.output_text.delta", "response.failed"
      ])
      expect(text).toContain("the server is shutting down")
    }))
})
