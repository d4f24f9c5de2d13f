/** Tests of MessagesRequest: chat request -> Messages request. */
import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import { MessagesRequest } from "../../../src/protocol/MessagesWire.js"
import { translateRequest } from "../../../src/server/request/ChatRequest.js"
import { DEFAULT_APPLY_PATCH_DESCRIPTION } from "../../../src/server/request/CustomTools.js"
import { toMessagesRequest, toolUseInput } from "../../../src/server/request/MessagesRequest.js"
import { MOCK_WEB_SEARCH_DESCRIPTION, mockWebSearchParameters } from "../../../src/server/request/WebSearchTool.js"
import { applyPatchTool, inbound, user } from "./support.js"


/** Responses body -> processed chat request -> Messages request. */
const viaMessages = (body: unknown) => {
  const chat = translateRequest(body)
  if (Either.isLeft(chat)) throw new Error(chat.left.message)
  return toMessagesRequest(chat.right.request)
}
const messages = (body: unknown) => {
  const result = viaMessages(body)
  if (Either.isLeft(result)) throw new Error(result.left.message)
  expect(Either.isRight(Schema.decodeUnknownEither(MessagesRequest)(result.right))).toBe(true)
  return result.right
}
const failure = (chat: Record<string, unknown>) => {
  const result = toMessagesRequest({ model: "m", messages: [], stream: true, ...chat })
  if (Either.isRight(result)) throw new Error("accepted")
  expect(result.left._tag).toBe("MessagesRequestError")
  return result.left.message
}

describe("chat request -> Messages request", () => {
  it("moves instructions to system blocks and honours max_output_tokens (behaviour 6)", () => {
    const request = messages(inbound("Be concise.", [user("hi")], { max_output_tokens: 7 }))
    expect(request).toEqual({
      model: "gpt-5.4",
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      system: [{ type: "text", text: "Be concise." }],
      max_tokens: 7,
      stream: true
    })
    expect(Object.keys(request)).toEqual(["model", "messages", "max_tokens", "stream", "system"])
  })

  it("maps a custom tool and its tool_choice, defaulting the limit to 32000 (behaviours 25, 26)", () => {
    const request = messages(
      inbound("", [user("patch it")], {
        tools: [applyPatchTool],
        tool_choice: { type: "custom", name: "apply_patch" },
        parallel_tool_calls: false
      })
    )
    expect(request.tool_choice).toEqual({ type: "tool", name: "apply_patch", disable_parallel_tool_use: true })
    expect(request.max_tokens).toBe(32000)
    expect(request.tools).toEqual([
      {
        name: "apply_patch",
        description: DEFAULT_APPLY_PATCH_DESCRIPTION,
        input_schema: {
          type: "object",
          properties: { input: { type: "string", description: "The entire contents of the apply_patch command" } },
          required: ["input"],
          additionalProperties: false
        }
      }
    ])
  })

  it("declares the mock web_search with its input schema (behaviour 34)", () => {
    const request = messages(
      inbound("Be concise.", [user("Search the web, then answer.")], {
        tools: [{ type: "web_search", external_web_access: true }],
        parallel_tool_calls: false
      })
    )
    expect(request.tools).toEqual([
      { name: "web_search", description: MOCK_WEB_SEARCH_DESCRIPTION, input_schema: mockWebSearchParameters() }
    ])
    expect(request.max_tokens).toBe(32000)
    expect(request.tool_choice).toEqual({ type: "auto", disable_parallel_tool_use: true })
  })

  it("turns a web_search follow-up into tool_use and tool_result turns (behaviour 35)", () => {
    const result = toMessagesRequest({
      model: "gpt-5.4",
      messages: [
        { role: "developer", content: "Be concise." },
        { role: "user", content: "Search the web, then answer." },
        { role: "assistant", tool_calls: [{ id: "ws_1", type: "function", function: { name: "web_search", arguments: '{"query":"github codex"}' } }] },
        { role: "tool", tool_call_id: "ws_1", content: '{"results": [], "mock": true, "query": "github codex", "queries": ["github codex"]}' }
      ],
      stream: true,
      stream_options: { include_usage: true },
      parallel_tool_calls: false
    })
    expect(Either.isRight(result)).toBe(true)
    if (Either.isLeft(result)) return
    const sent = result.right.messages
    expect(sent.at(-2)).toEqual({
      role: "assistant",
      content: [{ type: "tool_use", id: "ws_1", name: "web_search", input: { query: "github codex" } }]
    })
    const last = sent.at(-1)!
    expect(last.role).toBe("user")
    expect(last.content[0]).toMatchObject({ type: "tool_result", tool_use_id: "ws_1" })
    const block = last.content[0] as { content: string }
    expect(JSON.parse(block.content)).toEqual({ query: "github codex", queries: ["github codex"], results: [], mock: true })
    expect(result.right).not.toHaveProperty("tools")
    expect(result.right).not.toHaveProperty("tool_choice")
  })

  it("rebuilds history: system blocks in order, one assistant turn, one user turn per tool result (behaviour 64)", () => {
    const request = messages({
      model: "m",
      instructions: "I",
      input: [
        { type: "message", role: "developer", content: "dev" },
        { type: "message", role: "system", content: "sys" },
        { type: "message", role: "developer", content: "" },
        user("hi"),
        { type: "reasoning", content: [{ type: "reasoning_text", text: "think" }] },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "text" }] },
        { type: "function_call", call_id: " c1 ", name: " f ", arguments: "" },
        { type: "function_call", call_id: "c2", name: "g", arguments: ' {"a": 1} ' },
        { type: "function_call_output", call_id: "c1", output: { k: "v" } },
        { type: "function_call_output", call_id: "c2", output: "ok" },
        { type: "message", role: "user", content: "" }
      ],
      tools: [{ type: "function", name: "f" }, { type: "function", name: "g", parameters: { type: "object", properties: {} } }],
      tool_choice: "required"
    })
    expect(request.system).toEqual([
      { type: "text", text: "I" },
      { type: "text", text: "dev" },
      { type: "text", text: "sys" }
    ])
    expect(request.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "hi" }] },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "think" },
          { type: "text", text: "text" },
          { type: "tool_use", id: "c1", name: "f", input: {} },
          { type: "tool_use", id: "c2", name: "g", input: { a: 1 } }
        ]
      },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "c1", content: '{"k": "v"}' }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "c2", content: "ok" }] },
      { role: "user", content: [] }
    ])
    expect(request.tools).toEqual([
      { name: "f", description: "", input_schema: { type: "object" } },
      { name: "g", description: "", input_schema: { type: "object", properties: {} } }
    ])
    expect(request.tool_choice).toEqual({ type: "any" })
  })

  it("drops the chat-only fields and keeps return_token_ids", () => {
    const result = toMessagesRequest({
      model: "m",
      messages: [],
      stream: true,
      stream_options: { include_usage: true },
      return_token_ids: true,
      provider_tag: "x",
      parallel_tool_calls: true
    })
    expect(result).toEqual(Either.right({ model: "m", messages: [], max_tokens: 32000, stream: true, return_token_ids: true }))
  })

  it("translates tool_choice against parallel_tool_calls (behaviour 67)", () => {
    const withTools = (tool_choice: unknown, parallel_tool_calls?: boolean) => {
      const chat: Record<string, unknown> = {
        model: "m",
        messages: [],
        stream: true,
        tools: [{ type: "function", name: "f", function: { name: "f", description: "", parameters: {}, strict: false } }],
        tool_choice
      }
      if (parallel_tool_calls !== undefined) chat.parallel_tool_calls = parallel_tool_calls
      return toMessagesRequest(chat)
    }
    const choice = (value: unknown, parallel?: boolean) => {
      const result = withTools(value, parallel)
      if (Either.isLeft(result)) return result.left.message
      return result.right.tool_choice
    }
    expect(choice(undefined)).toBeUndefined()
    expect(choice(null, false)).toEqual({ type: "auto", disable_parallel_tool_use: true })
    expect(choice(" auto ")).toEqual({ type: "auto" })
    expect(choice("auto", false)).toEqual({ type: "auto", disable_parallel_tool_use: true })
    expect(choice("required", true)).toEqual({ type: "any" })
    expect(choice("required", false)).toEqual({ type: "any", disable_parallel_tool_use: true })
    expect(choice("none", false)).toBeUndefined()
    expect(choice("whatever")).toBe("unsupported tool_choice for messages API: 'whatever'")
    expect(choice({ type: "function", function: { name: "f" } })).toEqual({ type: "tool", name: "f" })
    expect(choice({ type: "function", name: "f" }, false)).toEqual({ type: "tool", name: "f", disable_parallel_tool_use: true })
    expect(choice({ type: "function", function: {} })).toBe("function tool_choice is missing `name`")
    expect(choice({ type: "tool", name: "f" })).toBe("unsupported tool_choice for messages API: {'type': 'tool', 'name': 'f'}")
    expect(choice(3)).toBe("unsupported tool_choice for messages API: 3")
  })

  it("rejects arguments that are not JSON objects (behaviour 68)", () => {
    const call = (args: unknown) => ({
      type: "function_call",
      call_id: "c",
      name: "f",
      arguments: args
    })
    const error = (args: unknown) => {
      const result = viaMessages({ model: "m", input: [call(args)] })
      return Either.isLeft(result) ? result.left.message : "accepted"
    }
    expect(error("[1]")).toBe("tool arguments must decode to JSON objects for messages API")
    expect(error("{bad")).toMatch(/^tool arguments must be valid JSON objects for messages API: .+/)
    expect(toolUseInput(5)).toEqual(Either.left(expect.objectContaining({ message: "tool arguments must be strings or objects for messages API" })))
    expect(toolUseInput({ a: 1 })).toEqual(Either.right({ a: 1 }))
  })

  it("rejects malformed chat requests with readable messages", () => {
    expect(failure({ model: " " })).toBe("outcomming request is missing `model`")
    expect(failure({ messages: {} })).toBe("outcomming request `messages` must be a list")
    expect(failure({ messages: [1] })).toBe("outcomming request messages must be objects")
    expect(failure({ messages: [{ role: "function", content: "x" }] })).toBe(
      "unsupported outcomming message role for messages API: 'function'"
    )
    expect(failure({ messages: [{ role: "assistant", tool_calls: {} }] })).toBe("assistant `tool_calls` must be a list")
    expect(failure({ messages: [{ role: "assistant", tool_calls: [1] }] })).toBe("assistant tool calls must be objects")
    expect(failure({ messages: [{ role: "assistant", tool_calls: [{ id: "c" }] }] })).toBe(
      "assistant tool call is missing function payload"
    )
    expect(failure({ tools: [{ type: "custom", name: "x" }] })).toBe("messages API backend only supports function-style tools")
    expect(failure({ tools: [{ type: "function", name: "x" }] })).toBe("tool definition is missing function payload")
    expect(failure({ tools: [{ type: "function", function: { name: " " } }] })).toBe("tool definition is missing `name`")
  })

  it("falls back to the top-level tool name when the function payload has none", () => {
    const result = toMessagesRequest({
      model: "m",
      messages: [],
      tools: [{ type: "function", name: "top", function: { description: "d", parameters: { type: "object" } } }]
    })
    expect(Either.isRight(result) && result.right.tools).toEqual([{ name: "top", description: "d", input_schema: { type: "object" } }])
    expect(Either.isRight(result) && result.right.stream).toBe(true)
  })
})
