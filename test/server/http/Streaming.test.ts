/** Streamed turns through the server against a fake chat-completions or Messages downstream. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as FakeChatServer from "../../support/FakeChatServer.js"
import { chatReply, chunk, messagesReply, textChunks, toolCallChunks } from "../../support/FakeChatServer.js"
import { events, eventTypes, inbound, start, userMessage } from "./support.js"

describe("POST /v1/responses", () => {
  it.scopedLive("streams a text turn as spaced-JSON SSE with the stream headers", () =>
    Effect.gen(function* () {
      const fake = yield* FakeChatServer.make({ chat: [chatReply(textChunks("Hello"))] })
      const server = yield* start({ outcommingBaseUrl: fake.url })
      const reply = yield* server.post("/v1/responses", inbound("Be concise.", [userMessage("hi")]))
      expect(reply.status).toBe(200)
      expect(reply.headers["content-type"]).toBe("text/event-stream; charset=utf-8")
      expect(reply.headers["cache-control"]).toBe("no-cache")
      expect(reply.headers["connection"]).toBe("close")
      for (const s of [
        "event: response.created",
        "\"type\": \"response.output_text.delta\", \"delta\": \"Hello\"",
        "\"type\": \"response.output_item.done\"",
        "\"type\": \"message\"",
        "\"text\": \"Hello\"",
        "event: response.completed"
      ]) expect(reply.text).toContain(s)
      const first = events(reply.text)[0]!
      expect(first.type).toBe("response.created")
      expect(first.response).toMatchObject({ object: "response", status: "in_progress", model: "gpt-5.4" })
      expect((first.response as { id: string }).id).toMatch(/^resp_[0-9a-f]{12}_00000001$/)
      const posts = fake.posts()
      expect(posts.length).toBe(1)
      expect(posts[0]!.path).toBe("/v1/chat/completions")
      expect(posts[0]!.headers.accept).toBe("text/event-stream")
      expect(posts[0]!.headers.authorization).toBeUndefined()
      const body = posts[0]!.body as Record<string, unknown>
      expect(body.stream).toBe(true)
      expect(body.messages).toEqual([{ role: "developer", content: "Be concise." }, { role: "user", content: "hi" }])
    }))

  it.scopedLive("tool calls and usage come back as items and a usage snapshot; ids count up per accepted request after the instance prefix", () =>
    Effect.gen(function* () {
      const usage = {
        prompt_tokens: 11,
        prompt_tokens_details: { cached_tokens: 3 },
        completion_tokens: 7,
        completion_tokens_details: { reasoning_tokens: 5 },
        total_tokens: 18
      }
      const fake = yield* FakeChatServer.make({
        chat: [chatReply([...toolCallChunks("call_9", "echo", ["{\"text\":", "\"hi\"}"]), chunk({}, null, { choices: [], usage })])]
      })
      const server = yield* start({ outcommingBaseUrl: fake.url, modelProvider: "vllm" })
      const tools = [{ type: "function", name: "echo", description: "Echo text.", parameters: { type: "object" }, strict: false }]
      const rejected = yield* server.post("/v1/responses", JSON.stringify({ model: "" }))
      expect(rejected.status).toBe(501)
      const reply = yield* server.post("/v1/responses", inbound("", [userMessage("hi")], { tools }))
      expect(eventTypes(reply.text)).toEqual([
        "response.created",
        "response.output_item.added",
        "response.output_item.done",
        "response.completed"
      ])
      const [created, , done, completed] = events(reply.text)
      const firstId = (created!.response as { id: string }).id
      expect(firstId).toMatch(/^resp_[0-9a-f]{12}_00000001$/)
      expect(done!.item).toMatchObject({ type: "function_call", call_id: "call_9", name: "echo", arguments: "{\"text\":\"hi\"}" })
      expect((completed!.response as { usage: unknown }).usage).toEqual({
        input_tokens: 11,
        input_tokens_details: { cached_tokens: 3 },
        output_tokens: 7,
        output_tokens_details: { reasoning_tokens: 5 },
        total_tokens: 18
      })
      const body = fake.posts()[0]!.body as Record<string, unknown>
      expect(body.stream_options).toEqual({ include_usage: true })
      expect(body.tools).toMatchObject([{ type: "function", function: { name: "echo", description: "Echo text.", parameters: { type: "object" } } }])
      const again = yield* server.post("/v1/responses", inbound("", [userMessage("hi")]))
      expect((events(again.text)[0]!.response as { id: string }).id).toBe(firstId.replace(/1$/, "2"))
    }))

  it.scopedLive("a downstream HTTP error ends the stream with response.failed carrying status and body", () =>
    Effect.gen(function* () {
      const errorBody = JSON.stringify({
        object: "error",
        message: "This model's maximum context length is 32768 tokens. However, you requested 40000 tokens.",
        type: "BadRequestError",
        param: null,
        code: 400
      })
      const fake = yield* FakeChatServer.make({ chat: [{ _tag: "Status", status: 400, body: errorBody }] })
      const server = yield* start({ outcommingBaseUrl: fake.url })
      const reply = yield* server.post("/v1/responses", inbound("", [userMessage("hi")]))
      expect(reply.status).toBe(200)
      expect(eventTypes(reply.text)).toEqual(["response.created", "response.failed"])
      const failed = events(reply.text)[1]!.response as { error: Record<string, unknown> }
      expect(failed.error.message).toBe(`outcomming chat request failed with status 400: ${errorBody}`)
      expect(failed.error.type).toBeUndefined()
    }))

  it.scopedLive("a long error body is cut to 500 characters", () =>
    Effect.gen(function* () {
      const fake = yield* FakeChatServer.make({ chat: [{ _tag: "Status", status: 500, body: "x".repeat(700) }] })
      const server = yield* start({ outcommingBaseUrl: fake.url })
      const reply = yield* server.post("/v1/responses", inbound("", [userMessage("hi")]))
      const failed = events(reply.text)[1]!.response as { error: { message: string } }
      expect(failed.error.message).toBe(`outcomming chat request failed with status 500: ${"x".repeat(500)}`)
    }))

  it.scopedLive("an unreachable downstream is response.failed naming the reason", () =>
    Effect.gen(function* () {
      const server = yield* start({ outcommingBaseUrl: "http://127.0.0.1:1/v1" })
      const reply = yield* server.post("/v1/responses", inbound("", [userMessage("hi")]))
      expect(eventTypes(reply.text)).toEqual(["response.created", "response.failed"])
      const failed = events(reply.text)[1]!.response as { error: { message: string } }
      expect(failed.error.message).toMatch(/^outcomming chat request failed: .*ECONNREFUSED/)
    }))

  it.scopedLive("a body that ends without [DONE] fails after the deltas already sent", () =>
    Effect.gen(function* () {
      const fake = yield* FakeChatServer.make({ chat: [chatReply([chunk({ content: "hi" })], { done: false })] })
      const server = yield* start({ outcommingBaseUrl: fake.url })
      const reply = yield* server.post("/v1/responses", inbound("", [userMessage("hi")]))
      expect(reply.text).toContain("\"type\": \"response.output_text.delta\", \"delta\": \"hi\"")
      expect(reply.text).toContain("outcomming chat stream ended before [DONE]")
      expect(reply.text).not.toContain("event: response.completed")
    }))

  it.scopedLive("the API key comes from the named variable, trimmed", () =>
    Effect.gen(function* () {
      const fake = yield* FakeChatServer.make({ chat: [chatReply(textChunks("ok"))] })
      const server = yield* start({ outcommingBaseUrl: fake.url, outcommingApiKeyEnv: "KEY" }, { env: { KEY: " sk-1 " } })
      yield* server.post("/v1/responses", inbound("", [userMessage("hi")], { max_output_tokens: 100 }))
      expect(fake.posts()[0]!.headers.authorization).toBe("Bearer sk-1")
      expect((fake.posts()[0]!.body as Record<string, unknown>).max_tokens).toBe(100)
    }))

  it.scopedLive("the Messages downstream: the request is translated and its events streamed back", () =>
    Effect.gen(function* () {
      const fake = yield* FakeChatServer.make({ messages: [messagesReply(FakeChatServer.messagesTextEvents("Hello"))] })
      const server = yield* start({ outcommingBaseUrl: fake.url, outcommingApi: "messages" })
      const reply = yield* server.post("/v1/responses", inbound("Be concise.", [userMessage("hi")], { max_output_tokens: 7 }))
      expect(reply.status).toBe(200)
      for (const s of [
        "event: response.created",
        "\"type\": \"response.output_text.delta\", \"delta\": \"Hello\"",
        "\"type\": \"message\"",
        "\"text\": \"Hello\"",
        "event: response.completed"
      ]) expect(reply.text).toContain(s)
      const posts = fake.posts()
      expect(posts.map((p) => p.path)).toEqual(["/v1/messages"])
      expect(posts[0]!.body).toEqual({
        model: "gpt-5.4",
        messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
        system: [{ type: "text", text: "Be concise." }],
        max_tokens: 7,
        stream: true
      })
    }))

  it.scopedLive("a Messages request the adapter refuses fails inside the stream", () =>
    Effect.gen(function* () {
      const fake = yield* FakeChatServer.make({ messages: [messagesReply(FakeChatServer.messagesTextEvents("x"))] })
      const server = yield* start({ outcommingBaseUrl: fake.url, outcommingApi: "messages" })
      const reply = yield* server.post("/v1/responses", inbound("", [userMessage("hi")], {
        tool_choice: "whatever",
        tools: [{ type: "function", name: "echo", parameters: { type: "object" } }]
      }))
      expect(eventTypes(reply.text)).toEqual(["response.created", "response.failed"])
      expect(reply.text).toContain("unsupported tool_choice for messages API: 'whatever'")
      expect(fake.posts()).toEqual([])
    }))

  it.scopedLive("an unknown downstream API fails each request inside the stream", () =>
    Effect.gen(function* () {
      const server = yield* start({ outcommingApi: "grpc" })
      const reply = yield* server.post("/v1/responses", inbound("", [userMessage("hi")]))
      expect(eventTypes(reply.text)).toEqual(["response.created", "response.failed"])
      expect(reply.text).toContain("unsupported outcomming API: 'grpc'")
    }))

  it.scopedLive("a payload processor that returns no object fails inside the stream", () =>
    Effect.gen(function* () {
      const fake = yield* FakeChatServer.make({ chat: [chatReply(textChunks("x"))] })
      const server = yield* start({ outcommingBaseUrl: fake.url, modelProvider: "demo" }, {
        processors: new Map([["demo", () => 5]])
      })
      const reply = yield* server.post("/v1/responses", inbound("", [userMessage("hi")]))
      expect(eventTypes(reply.text)).toEqual(["response.created", "response.failed"])
      expect(reply.text).toContain("payload processor must return a JSON object request")
      expect(fake.posts()).toEqual([])
    }))
})
