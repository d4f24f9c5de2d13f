/** Tests of ChatRequest: canonical chat request. */
import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import { ChatRequest } from "../../../src/protocol/ChatWire.js"
import {
  buildChatRequest,
  outputTokenLimit,
  providerCapabilities,
  sessionIdOf,
  translateRequest,
  type TranslatedRequest,
  type TranslateOptions
} from "../../../src/server/request/ChatRequest.js"
import { DEFAULT_APPLY_PATCH_DESCRIPTION } from "../../../src/server/request/CustomTools.js"
import { MOCK_WEB_SEARCH_DESCRIPTION } from "../../../src/server/request/WebSearchTool.js"
import { applyPatchTool, inbound, user } from "./support.js"

const echoTool = { type: "function", name: "echo", description: "Echo text.", parameters: { type: "object" }, strict: false }
const reasoning = { type: "reasoning", summary: [], content: [{ type: "reasoning_text", text: "inspect repo" }] }


const translate = (body: unknown, options: TranslateOptions = {}): TranslatedRequest => {
  const result = translateRequest(body, options)
  if (Either.isLeft(result)) throw new Error(result.left.message)
  return result.right
}
const sent = (body: unknown, options: TranslateOptions = {}) => translate(body, options).request

describe("canonical chat request", () => {
  it("has the documented shape and key order", () => {
    const request = sent({
      model: " gpt-5.4 ",
      instructions: "Be concise.",
      input: [user("hi")],
      max_output_tokens: 100,
      tools: [echoTool],
      tool_choice: "auto",
      parallel_tool_calls: false,
      stream: true
    }, { returnTokenIds: true })
    expect(Object.keys(request)).toEqual([
      "model",
      "messages",
      "stream",
      "max_tokens",
      "stream_options",
      "tools",
      "tool_choice",
      "parallel_tool_calls",
      "return_token_ids"
    ])
    expect(request.model).toBe("gpt-5.4")
    expect(request.stream).toBe(true)
    expect(request.stream_options).toEqual({ include_usage: true })
    expect(request.return_token_ids).toBe(true)
    expect(Either.isRight(Schema.decodeUnknownEither(ChatRequest)(request))).toBe(true)
  })

  it("sends instructions as a developer message first (behaviour 2)", () => {
    const request = sent(inbound("Be concise.", [user("hi")]))
    expect(request.messages).toEqual([
      { role: "developer", content: "Be concise." },
      { role: "user", content: "hi" }
    ])
    expect(request.stream).toBe(true)
    expect(request).not.toHaveProperty("max_tokens")
    expect(request).not.toHaveProperty("return_token_ids")
  })

  it("keeps the model as given and leaves out empty instructions (behaviour 16)", () => {
    const request = sent(inbound("", []))
    expect(request.model).toBe("gpt-5.4")
    expect(request.messages).toEqual([])
  })

  it("forwards tool_choice and parallel_tool_calls even without tools", () => {
    const request = sent(inbound("", []))
    expect(request).not.toHaveProperty("tools")
    expect(request.tool_choice).toBe("auto")
    expect(request.parallel_tool_calls).toBe(true)
    const bare = sent({ model: "m", parallel_tool_calls: "yes", tool_choice: null })
    expect(bare).not.toHaveProperty("parallel_tool_calls")
    expect(bare).not.toHaveProperty("tool_choice")
    for (const choice of ["none", "required", "anything"]) expect(sent({ model: "m", tool_choice: choice }).tool_choice).toBe(choice)
  })

  it("asks for usage on every provider (behaviours 9, 18)", () => {
    for (const provider of ["vllm", "stepfun", "unknown-provider", undefined]) {
      expect(sent(inbound("", []), { provider }).stream_options).toEqual({ include_usage: true })
      expect(providerCapabilities(provider)).toEqual({ chatReasoning: true, streamUsage: true })
    }
    const noUsage = sent(inbound("", []), { capabilities: { chatReasoning: true, streamUsage: false } })
    expect(noUsage).not.toHaveProperty("stream_options")
  })

  it("takes the output limit from max_output_tokens, then max_tokens (behaviour 60)", () => {
    expect(sent({ model: "m", max_output_tokens: 100 }).max_tokens).toBe(100)
    expect(sent({ model: "m", max_tokens: 55 }).max_tokens).toBe(55)
    expect(sent({ model: "m", max_output_tokens: 7, max_tokens: 55 }).max_tokens).toBe(7)
    expect(sent({ model: "m", max_output_tokens: 0, max_tokens: 55 }).max_tokens).toBe(55)
    for (const bad of [true, 0, -3, 1.5, "100", null]) {
      expect(outputTokenLimit({ max_output_tokens: bad, max_tokens: bad })).toBeUndefined()
    }
    expect(sent({ model: "m" })).not.toHaveProperty("max_tokens")
  })

  it("forwards none of the ignored inbound fields (behaviour 61)", () => {
    const request = sent({
      model: "m",
      reasoning: { effort: "high" },
      include: ["reasoning.encrypted_content"],
      store: false,
      previous_response_id: "resp_1",
      text: { verbosity: "low" },
      temperature: 0.2,
      metadata: { a: 1 },
      client_metadata: { b: 2 },
      prompt_cache_key: "k"
    })
    expect(Object.keys(request)).toEqual(["model", "messages", "stream", "stream_options"])
  })

  it("builds the same request twice", () => {
    const body = inbound("I", [user("hi"), reasoning], { tools: [echoTool, applyPatchTool, { type: "web_search" }] })
    expect(buildChatRequest(body)).toEqual(buildChatRequest(body))
  })
})

describe("input items", () => {
  it("folds reasoning and a call into one assistant message (behaviour 11)", () => {
    const request = sent(
      inbound("", [
        user("hi"),
        reasoning,
        { type: "function_call", call_id: "call_1", name: "echo", arguments: '{"text":"hello"}' },
        { type: "function_call_output", call_id: "call_1", output: "hello" }
      ], { tools: [echoTool] }),
      { provider: "vllm" }
    )
    expect(request.messages).toEqual([
      { role: "user", content: "hi" },
      {
        role: "assistant",
        reasoning: "inspect repo",
        tool_calls: [{ id: "call_1", type: "function", function: { name: "echo", arguments: '{"text":"hello"}' } }]
      },
      { role: "tool", tool_call_id: "call_1", content: "hello" }
    ])
  })

  it("replays tool history after the instructions (behaviour 22)", () => {
    const request = sent(
      inbound("Be concise.", [
        user("hi"),
        { type: "function_call", call_id: "call_1", name: "echo", arguments: '{"text":"hello"}' },
        { type: "function_call_output", call_id: "call_1", output: "hello" }
      ], { tools: [echoTool] })
    )
    expect(request.messages).toEqual([
      { role: "developer", content: "Be concise." },
      { role: "user", content: "hi" },
      { role: "assistant", tool_calls: [{ id: "call_1", type: "function", function: { name: "echo", arguments: '{"text":"hello"}' } }] },
      { role: "tool", tool_call_id: "call_1", content: "hello" }
    ])
  })

  it("replays reasoning with assistant text, keys in first-set order (behaviours 19, 12)", () => {
    const input = [
      user("hi"),
      reasoning,
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "done" }] },
      user("continue")
    ]
    const unknown = sent(inbound("", input), { provider: "unknown-provider" })
    expect(unknown.messages).toEqual([
      { role: "user", content: "hi" },
      { role: "assistant", reasoning: "inspect repo", content: "done" },
      { role: "user", content: "continue" }
    ])
    expect(Object.keys(unknown.messages[1]!)).toEqual(["role", "reasoning", "content"])
    const stepfun = sent(inbound("Be concise.", input), { provider: "stepfun" })
    expect(stepfun.messages).toEqual([
      { role: "system", content: "Be concise." },
      { role: "user", content: "hi" },
      { role: "assistant", reasoning: "inspect repo", content: "done" },
      { role: "user", content: "continue" }
    ])
  })

  it("replays custom tool calls as function calls with compact {input} arguments (behaviour 27)", () => {
    const request = sent(
      inbound("", [
        user("patch it"),
        { type: "custom_tool_call", call_id: "call_1", name: "apply_patch", input: "*** Begin Patch\n*** End Patch\n" },
        { type: "custom_tool_call_output", call_id: "call_1", name: "apply_patch", output: "patched" }
      ], { tools: [applyPatchTool], parallel_tool_calls: false })
    )
    expect(request.messages).toEqual([
      { role: "user", content: "patch it" },
      {
        role: "assistant",
        tool_calls: [
          {
            id: "call_1",
            type: "function",
            function: { name: "apply_patch", arguments: '{"input":"*** Begin Patch\\n*** End Patch\\n"}' }
          }
        ]
      },
      { role: "tool", tool_call_id: "call_1", content: "patched" }
    ])
    const noId = sent({ model: "m", input: [{ type: "custom_tool_call", call_id: " ", name: "grep", input: null }] })
    expect(noId.messages).toEqual([
      { role: "assistant", tool_calls: [{ id: "grep", type: "function", function: { name: "grep", arguments: '{"input":""}' } }] }
    ])
  })

  it("keeps developer and system roles, and empty user text", () => {
    const request = sent({
      model: "m",
      input: [
        { type: "message", role: "developer", content: [{ type: "input_text", text: "a" }, { type: "input_text", text: "b" }] },
        { type: "message", role: "system", content: "s" },
        { type: "message", role: " user ", content: null },
        { type: "message", role: "user", content: [{ type: "input_text", text: null }] }
      ]
    })
    expect(request.messages).toEqual([
      { role: "developer", content: "ab" },
      { role: "system", content: "s" },
      { role: "user", content: "" },
      { role: "user", content: "" }
    ])
  })

  it("concatenates consecutive assistant text and drops an empty assistant turn", () => {
    const assistant = (text: string) => ({ type: "message", role: "assistant", content: [{ type: "output_text", text }] })
    expect(sent({ model: "m", input: [assistant("a"), assistant(""), assistant("b")] }).messages).toEqual([
      { role: "assistant", content: "ab" }
    ])
    expect(sent({ model: "m", input: [assistant(""), user("x")] }).messages).toEqual([{ role: "user", content: "x" }])
  })

  it("reads reasoning text from content, then summary, then a plain field", () => {
    const texts = (item: Record<string, unknown>) => sent({ model: "m", input: [{ type: "reasoning", ...item }] }).messages
    expect(texts({ content: [{ type: "summary_text", text: "s" }, { type: "reasoning_text", text: "r" }] })).toEqual([
      { role: "assistant", reasoning: "sr" }
    ])
    expect(texts({ summary: [{ type: "summary_text", text: "sum" }], encrypted_content: "x" })).toEqual([
      { role: "assistant", reasoning: "sum" }
    ])
    expect(texts({ content: [{ type: "reasoning_text", text: "" }], reasoning: "ignored" })).toEqual([])
    expect(texts({ summary: [], reasoning_content: "plain" })).toEqual([{ role: "assistant", reasoning: "plain" }])
    expect(texts({ text: "t" })).toEqual([{ role: "assistant", reasoning: "t" }])
    expect(texts({})).toEqual([])
  })

  it("turns tool outputs into text: strings, text parts, or spaced JSON", () => {
    const output = (value: unknown) =>
      sent({ model: "m", input: [{ type: "function_call_output", call_id: " c ", output: value }] }).messages[0]
    expect(output("plain")).toEqual({ role: "tool", tool_call_id: "c", content: "plain" })
    expect(output([{ type: "input_text", text: "a" }, { type: "output_text", text: "b" }])).toMatchObject({ content: "ab" })
    expect(output({ k: "v" })).toMatchObject({ content: '{"k": "v"}' })
    expect(output(null)).toMatchObject({ content: "null" })
    expect(output(42)).toMatchObject({ content: "42" })
  })

  it("fills in empty function call arguments, and writes non-string ones as JSON", () => {
    const call = (args: unknown) =>
      sent({ model: "m", input: [{ type: "function_call", call_id: "c", name: "f", arguments: args }] }).messages[0]
    expect(call("")).toMatchObject({ tool_calls: [{ function: { arguments: "{}" } }] })
    expect(call(undefined)).toMatchObject({ tool_calls: [{ id: "c", function: { name: "f", arguments: "{}" } }] })
    expect(call({ a: 1 })).toMatchObject({ tool_calls: [{ function: { arguments: '{"a":1}' } }] })
  })
})

describe("tools", () => {
  it("gives function tools a duplicate top-level name and defaults", () => {
    const request = sent({
      model: "m",
      tools: [echoTool, { type: "function", name: " bare ", parameters: {} }, { type: "function", strict: 1 }]
    })
    expect(request.tools).toEqual([
      { type: "function", name: "echo", function: { name: "echo", description: "Echo text.", parameters: { type: "object" }, strict: false } },
      { type: "function", name: "bare", function: { name: "bare", description: "", parameters: { type: "object" }, strict: false } },
      { type: "function", name: "", function: { name: "", description: "", parameters: { type: "object" }, strict: true } }
    ])
  })

  it("replaces web_search with the mock declaration whatever its options (behaviour 30)", () => {
    const request = sent(
      inbound("Be concise.", [user("Search the web, then answer.")], {
        tools: [{ type: "web_search", external_web_access: true, search_content_types: ["text", "image"] }],
        parallel_tool_calls: false
      })
    )
    expect(request.tools).toEqual([
      {
        type: "function",
        name: "web_search",
        function: {
          name: "web_search",
          description: MOCK_WEB_SEARCH_DESCRIPTION,
          parameters: {
            type: "object",
            properties: {
              query: { type: "string", description: "Primary search query." },
              queries: { type: "array", description: "Optional batch of search queries.", items: { type: "string" } }
            },
            required: ["query"]
          },
          strict: false
        }
      }
    ])
  })

  it("exposes custom tools as function tools and maps a custom tool_choice (behaviours 23, 24)", () => {
    const translated = translate(
      inbound("", [user("patch it")], {
        tools: [applyPatchTool],
        tool_choice: { type: "custom", name: "apply_patch" },
        parallel_tool_calls: false
      })
    )
    expect(translated.request.tool_choice).toEqual({ type: "function", function: { name: "apply_patch" } })
    expect(translated.request.tools).toEqual([
      {
        type: "function",
        name: "apply_patch",
        function: {
          name: "apply_patch",
          description: DEFAULT_APPLY_PATCH_DESCRIPTION,
          parameters: {
            type: "object",
            properties: { input: { type: "string", description: "The entire contents of the apply_patch command" } },
            required: ["input"],
            additionalProperties: false
          },
          strict: false
        }
      }
    ])
    expect([...translated.customToolNames]).toEqual(["apply_patch"])
    const own = sent(inbound("", [], { tools: [applyPatchTool] }), { applyPatchDescription: "mine" })
    expect(own.tools?.[0]?.function.description).toBe("mine")
  })

  it("keeps a function tool_choice name as given", () => {
    expect(sent({ model: "m", tool_choice: { type: "function", name: " echo " } }).tool_choice).toEqual({
      type: "function",
      function: { name: " echo " }
    })
  })

  it("accepts tool_search and flattens namespace tools, remembering their namespace", () => {
    const search = {
      type: "tool_search",
      execution: "client",
      description: "Find deferred tools.",
      parameters: { type: "object", properties: { query: { type: "string" } }, required: ["query"] }
    }
    const namespace = {
      type: "namespace",
      name: "multi_agent_v1",
      description: "Sub-agents.",
      tools: [
        { type: "function", name: "close_agent", description: "Close.", strict: false, parameters: { type: "object", properties: {} } },
        { type: "function", name: "resume_agent", description: "Resume." }
      ]
    }
    const translated = translate({ model: "m", tools: [echoTool, search, namespace] })
    expect(translated.request.tools?.map((tool) => tool.name)).toEqual(["echo", "tool_search", "close_agent", "resume_agent"])
    expect(translated.request.tools?.[1]).toEqual({
      type: "function",
      name: "tool_search",
      function: { name: "tool_search", description: "Find deferred tools.", parameters: search.parameters, strict: false }
    })
    expect(translated.request.tools?.[2]?.function).toEqual({
      name: "close_agent",
      description: "Close.",
      parameters: { type: "object", properties: {} },
      strict: false
    })
    expect([...translated.namespacedTools]).toEqual([
      ["close_agent", "multi_agent_v1"],
      ["resume_agent", "multi_agent_v1"]
    ])
    expect(translated.toolSearch).toBe(true)
    expect(translate({ model: "m", tools: [echoTool] }).toolSearch).toBe(false)
  })

  it("replays tool search history and offers the tools it loaded", () => {
    const loaded = { type: "function", name: "spawn_agent", description: "Spawn.", parameters: { type: "object" } }
    const request = sent({
      model: "m",
      tools: [echoTool, { type: "tool_search", execution: "client", description: "d", parameters: { type: "object" } }],
      input: [
        user("go"),
        { type: "tool_search_call", call_id: "ts_1", execution: "client", status: "completed", arguments: { query: "agents", limit: 2 } },
        { type: "tool_search_output", call_id: "ts_1", execution: "client", status: "completed", tools: [loaded, { ...echoTool }, { type: "mcp" }] }
      ]
    })
    expect(request.messages).toEqual([
      { role: "user", content: "go" },
      { role: "assistant", tool_calls: [{ id: "ts_1", type: "function", function: { name: "tool_search", arguments: '{"query":"agents","limit":2}' } }] },
      {
        role: "tool",
        tool_call_id: "ts_1",
        content:
          '[{"type": "function", "name": "spawn_agent", "description": "Spawn.", "parameters": {"type": "object"}}, ' +
          '{"type": "function", "name": "echo", "description": "Echo text.", "parameters": {"type": "object"}, "strict": false}, {"type": "mcp"}]'
      }
    ])
    expect(request.tools?.map((tool) => tool.name)).toEqual(["echo", "tool_search", "spawn_agent"])
  })
})

describe("session id", () => {
  it("prefers the client request id header, then prompt_cache_key", () => {
    expect(sessionIdOf({ prompt_cache_key: "k" }, "h")).toBe("h")
    expect(sessionIdOf({ prompt_cache_key: " k " }, "")).toBe("k")
    expect(sessionIdOf({ prompt_cache_key: null })).toBeNull()
    expect(sessionIdOf({})).toBeNull()
  })
})
