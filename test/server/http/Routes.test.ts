/** The server's plain routes: health, the models proxy, 404/405, and the 400/501 answers that send nothing downstream. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as FakeChatServer from "../../support/FakeChatServer.js"
import { start } from "./support.js"

describe("ResponsesServer routes", () => {
  it.scopedLive("health answers ok on both paths", () =>
    Effect.gen(function* () {
      const server = yield* start({})
      for (const path of ["/health", "/healthz"]) {
        const reply = yield* server.get(path)
        expect(reply.status).toBe(200)
        expect(reply.text).toBe("{\"ok\":true}")
      }
    }))

  it.scopedLive("unknown paths are 404 and wrong methods 405", () =>
    Effect.gen(function* () {
      const server = yield* start({})
      const missing = yield* server.get("/nope")
      expect([missing.status, missing.text]).toEqual([404, "{\"detail\":\"Not Found\"}"])
      const wrong = yield* server.get("/v1/responses")
      expect([wrong.status, wrong.text]).toEqual([405, "{\"detail\":\"Method Not Allowed\"}"])
    }))

  it.scopedLive("models are proxied from the downstream, with its API key", () =>
    Effect.gen(function* () {
      const fake = yield* FakeChatServer.make({})
      const server = yield* start({ outcommingBaseUrl: fake.url, outcommingApiKeyEnv: "DOWN_KEY" }, { env: { DOWN_KEY: " sk-1 " } })
      for (const path of ["/models", "/v1/models"]) {
        const reply = yield* server.get(path)
        expect(reply.status).toBe(200)
        expect(JSON.parse(reply.text)).toEqual({ object: "list", data: [{ id: "gpt-5.4", object: "model" }] })
      }
      const requests = fake.requests()
      expect(requests.map((r) => [r.method, r.path])).toEqual([["GET", "/v1/models"], ["GET", "/v1/models"]])
      expect(requests[0]!.headers.authorization).toBe("Bearer sk-1")
      expect(requests[0]!.headers.accept).toBe("application/json")
    }))

  it.scopedLive("a failing models downstream is a 502 with the status and body", () =>
    Effect.gen(function* () {
      const fake = yield* FakeChatServer.make({ models: { _tag: "Status", status: 503, body: "{\"error\":\"nope\"}" } })
      const server = yield* start({ outcommingBaseUrl: fake.url })
      const reply = yield* server.get("/v1/models")
      expect(reply.status).toBe(502)
      expect(reply.text).toBe("{\"error\":{\"message\":\"outcomming request failed with status 503: {\\\"error\\\":\\\"nope\\\"}\"}}")
    }))

  it.scopedLive("an unreachable models downstream is a 502 naming the reason", () =>
    Effect.gen(function* () {
      const server = yield* start({ outcommingBaseUrl: "http://127.0.0.1:1/v1" })
      const reply = yield* server.get("/v1/models")
      expect(reply.status).toBe(502)
      const message = (JSON.parse(reply.text) as { error: { message: string } }).error.message
      expect(message).toMatch(/^outcomming request failed: .+/)
    }))

  it.scopedLive("bad JSON and non-object bodies are 400", () =>
    Effect.gen(function* () {
      const server = yield* start({})
      for (const body of ["not json", ""]) {
        const reply = yield* server.post("/v1/responses", body)
        expect(reply.status).toBe(400)
        expect((JSON.parse(reply.text) as { error: { message: string } }).error.message).toMatch(/^invalid JSON body: /)
      }
      for (const body of ["[1,2]", "\"x\""]) {
        const reply = yield* server.post("/responses", body)
        expect([reply.status, reply.text]).toEqual([400, "{\"error\":{\"message\":\"request body must be a JSON object\"}}"])
      }
    }))

  it.scopedLive("unsupported features are 501 and nothing is sent downstream", () =>
    Effect.gen(function* () {
      const fake = yield* FakeChatServer.make({ chat: [FakeChatServer.chatReply(FakeChatServer.textChunks("x"))] })
      const server = yield* start({ outcommingBaseUrl: fake.url })
      const cases: ReadonlyArray<readonly [unknown, string]> = [
        [{}, "incomming request is missing `model`"],
        [{ model: "m", stream: false }, "only streaming incomming `/responses` requests are supported"],
        [{ model: "m", input: "hello" }, "incomming `input` must be a list"],
        [{ model: "m", input: [{ type: "web_search_call" }] }, "unsupported incomming input item type: 'web_search_call'"],
        [
          { model: "m", input: [{ type: "message", role: "user", content: [{ type: "input_image", image_url: "x" }] }] },
          "content part type `input_image` is not yet supported by the chat backend"
        ],
        [{ model: "m", tools: [{ type: "web_search_preview" }] }, "unsupported incomming tool type: 'web_search_preview'"],
        [{ model: "m", tool_choice: { type: "allowed_tools" } }, "unsupported incomming tool_choice type: 'allowed_tools'"]
      ]
      for (const [body, message] of cases) {
        const reply = yield* server.post("/v1/responses", JSON.stringify(body))
        expect(reply.status).toBe(501)
        expect(reply.text).toBe(JSON.stringify({ error: { message } }))
      }
      expect(fake.requests()).toEqual([])
    }))
})
