/** Responses written straight to the client beyond one plain round: the reasoning-only retry, the mock web search follow-up, the request deadline. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as FakeChatServer from "../../support/FakeChatServer.js"
import { chatReply, chunk, textChunks } from "../../support/FakeChatServer.js"
import { events, eventTypes, inbound, start, userMessage } from "./support.js"

const terminal = new Set(["response.completed", "response.incomplete", "response.failed"])

describe("second rounds through the server", () => {
  it.scopedLive("a reasoning-only answer is asked again with the same request, and the client gets one response", () =>
    Effect.gen(function* () {
      const reasoningOnly = chatReply([chunk({ role: "assistant", reasoning: "inspect repo" }), chunk({}, "length")])
      const fake = yield* FakeChatServer.make({ chat: [reasoningOnly, chatReply(textChunks("done"))] })
      const server = yield* start({ outcommingBaseUrl: fake.url })
      const reply = yield* server.post("/v1/responses", inbound("", [userMessage("hi")]))
      const types = eventTypes(reply.text)
      expect(types.filter((type) => type === "response.created")).toHaveLength(1)
      expect(types.filter((type) => terminal.has(type))).toEqual(["response.completed"])
      expect(types.at(-1)).toBe("response.completed")
      const posts = fake.posts()
      expect(posts).toHaveLength(2)
      expect(posts[1]!.body).toEqual(posts[0]!.body)
      const completed = events(reply.text).at(-1) as { response: { output: Array<{ type: string; content?: Array<{ text: string }> }> } }
      expect(completed.response.output.map((item) => item.type)).toEqual(["message"])
      expect(completed.response.output[0]!.content![0]!.text).toBe("done")
    }))

  it.scopedLive("a call of the mock web search gets a follow-up round whose answer ends the response", () =>
    Effect.gen(function* () {
      const search = chatReply([
        chunk({ role: "assistant", tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "web_search", arguments: "{\"query\": \"effect\"}" } }] }),
        chunk({}, "tool_calls")
      ])
      const fake = yield* FakeChatServer.make({ chat: [search, chatReply(textChunks("found nothing"))] })
      const server = yield* start({ outcommingBaseUrl: fake.url })
      const reply = yield* server.post("/v1/responses", inbound("", [userMessage("look it up")], { tools: [{ type: "web_search" }] }))
      const types = eventTypes(reply.text)
      expect(types.filter((type) => terminal.has(type))).toEqual(["response.completed"])
      expect(fake.posts()).toHaveLength(2)
      const completed = events(reply.text).at(-1) as { response: { output: Array<{ type: string }> } }
      expect(completed.response.output.map((item) => item.type)).toEqual(["web_search_call", "message"])
      expect(reply.text).toContain("found nothing")
    }))
})

describe("the request deadline through the server", () => {
  it.scopedLive("a stream still running at the deadline gets response.failed after what it sent, and a clean end", () =>
    Effect.gen(function* () {
      const fake = yield* FakeChatServer.make({ chat: [{ _tag: "Hang", chunks: [chunk({ role: "assistant", content: "par" })] }] })
      const server = yield* start({ outcommingBaseUrl: fake.url, requestDeadlineSeconds: 0.3 })
      const reply = yield* server.post("/v1/responses", inbound("", [userMessage("hi")]))
      expect(eventTypes(reply.text)).toEqual([
        "response.created", "response.output_item.added", "response.content_part.added", "response.output_text.delta", "response.failed"
      ])
      expect(reply.text).toContain("the request did not finish within its deadline of 0.3 seconds")
    }))
})
