/** Tests of WebSearch: mock web search. */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { created, outputTextDelta } from "../../../src/server/stream/ResponsesEvents.js"
import { encodeSseText } from "../../../src/server/stream/SseEncode.js"
import { extractQuery, mockResultText, mockWebSearchDescription } from "../../../src/server/stream/WebSearch.js"
import { delta, doneItems, finish, textChunks, types, usageChunk, scriptedRounds } from "./support.js"

const mockTool = {
  type: "function",
  name: "web_search",
  function: { name: "web_search", description: mockWebSearchDescription, parameters: { type: "object" }, strict: false }
}
const echoTool = { type: "function", name: "echo", function: { name: "echo", description: "Echo text.", parameters: { type: "object" } } }

const run = scriptedRounds

describe("mock web search", () => {
  it("extracts queries", () => {
    expect(extractQuery("{\"query\":\"github codex\"}")).toEqual({ query: "github codex", queries: ["github codex"] })
    expect(extractQuery("{\"queries\":[\"a\",\" b \"]}")).toEqual({ query: "a", queries: ["a", "b"] })
    expect(extractQuery("not json")).toEqual({ query: "not json", queries: ["not json"] })
    expect(extractQuery("")).toEqual({ query: "", queries: [] })
    expect(extractQuery("{\"query\":\"x\",\"queries\":[\"y\"]}")).toEqual({ query: "x", queries: ["x", "y"] })
    expect(mockResultText({ query: "github codex", queries: ["github codex"] }))
      .toBe('{"results": [], "mock": true, "query": "github codex", "queries": ["github codex"]}')
    expect(mockResultText({ query: "", queries: [] })).toBe('{"results": [], "mock": true}')
  })

  it.effect("shows a web-search-only round and answers it with a follow-up round", () =>
    Effect.gen(function* () {
      const request = { model: "m", messages: [{ role: "user", content: "Search the web, then answer." }], tools: [mockTool], tool_choice: "auto", parallel_tool_calls: false }
      const { events, sent } = yield* run([
        [delta({ tool_calls: [{ index: 0, id: "ws_1", type: "function", function: { arguments: "{\"query\":\"github codex\"}" } }] }), finish("tool_calls")],
        textChunks("done")
      ], request)
      expect(sent).toHaveLength(2)
      expect(sent[1]).toEqual({
        model: "m",
        messages: [
          { role: "user", content: "Search the web, then answer." },
          { role: "assistant", tool_calls: [{ id: "ws_1", type: "function", function: { name: "web_search", arguments: "{\"query\":\"github codex\"}" } }] },
          { role: "tool", tool_call_id: "ws_1", content: '{"results": [], "mock": true, "query": "github codex", "queries": ["github codex"]}' }
        ]
      })
      expect(doneItems(events)).toEqual([
        { type: "web_search_call", id: "ws_1", action: { type: "search", query: "github codex", queries: ["github codex"] }, status: "completed" },
        expect.objectContaining({ type: "message", content: [{ type: "output_text", text: "done" }] })
      ])
      expect(types(events).at(-1)).toBe("response.completed")
    }))

  it.effect("carries text and reasoning across rounds, replays reasoning, keeps other tools", () =>
    Effect.gen(function* () {
      const request = { messages: [], tools: [mockTool, echoTool], tool_choice: "auto", parallel_tool_calls: true }
      const { events, sent } = yield* run([
        [delta({ reasoning: "R1 ", content: "T1 " }), delta({ tool_calls: [{ index: 0, function: { arguments: "not json" } }] }), usageChunk({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 })],
        [delta({ reasoning: "R2 ", content: "T2" })]
      ], request)
      expect(sent[1]!.messages).toEqual([
        { role: "assistant", tool_calls: [{ id: "ws_mock", type: "function", function: { name: "web_search", arguments: "not json" } }], reasoning: "R1 " },
        { role: "tool", tool_call_id: "ws_mock", content: '{"results": [], "mock": true, "query": "not json", "queries": ["not json"]}' }
      ])
      expect(sent[1]).toMatchObject({ tools: [echoTool], tool_choice: "auto", parallel_tool_calls: true })
      const items = doneItems(events)
      expect(items.map((i) => i.type)).toEqual(["web_search_call", "reasoning", "message"])
      expect(items[1]).toMatchObject({ content: [{ text: "R1 R2 " }] })
      expect(items[2]).toMatchObject({ content: [{ text: "T1 T2" }] })
      expect(events.at(-1)).toMatchObject({ response: { usage: { input_tokens: 1, output_tokens: 2, total_tokens: 3 } } })
      const deltas = events.flatMap((e) => (e.type === "response.output_text.delta" ? [e.delta] : []))
      expect(deltas).toEqual(["T1 ", "T2"])
    }))

  it.effect("lists mock calls after ordinary calls of the same round, without a follow-up", () =>
    Effect.gen(function* () {
      const { events, sent } = yield* run([[delta({
        tool_calls: [
          { index: 0, id: "ws_1", function: { name: "web_search", arguments: "{\"queries\":[\"a\",\" b \"]}" } },
          { index: 1, id: "c1", function: { name: "echo", arguments: "{}" } }
        ]
      })]], { messages: [], tools: [mockTool, echoTool] })
      expect(sent).toHaveLength(1)
      expect(doneItems(events)).toEqual([
        expect.objectContaining({ type: "function_call", call_id: "c1" }),
        { type: "web_search_call", id: "ws_1", action: { type: "search", query: "a", queries: ["a", "b"] }, status: "completed" }
      ])
    }))

  it.effect("treats a web_search function with another description as an ordinary tool", () =>
    Effect.gen(function* () {
      const own = { type: "function", function: { name: "web_search", description: "mine" } }
      const { events, sent } = yield* run([[delta({ tool_calls: [{ index: 0, id: "c", function: { name: "web_search" } }] })]], { messages: [], tools: [own] })
      expect(sent).toHaveLength(1)
      expect(doneItems(events)[0]).toMatchObject({ type: "function_call", name: "web_search" })
    }))
})

describe("SSE encoding", () => {
  it.effect("writes one string per chunk of events", () =>
    Effect.gen(function* () {
      const events = Stream.fromChunk(Chunk.make(created("resp_1", "m"), outputTextDelta("a", "msg_1", 0)))
      const pieces = Chunk.toArray(yield* Stream.runCollect(encodeSseText(events)))
      expect(pieces).toEqual([
        'event: response.created\ndata: {"type": "response.created", "response": {"id": "resp_1", "object": "response", "status": "in_progress", "model": "m"}}\n\n' +
        'event: response.output_text.delta\ndata: {"type": "response.output_text.delta", "delta": "a", "item_id": "msg_1", "output_index": 0, "content_index": 0}\n\n'
      ])
    }))
})
