/** Tests of Items: Items to Responses input. */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { AgentEvent, agentEventJson, turnResultJson } from "../../src/protocol/AgentEvent.js"
import * as Items from "../../src/protocol/Items.js"
import { serializeToolSpec } from "../../src/protocol/Prompt.js"

const encode = (item: Items.ConversationItem) => Items.toResponsesInputUnsafe(item)

describe("Items to Responses input", () => {
  it("serializes messages, calls and results with Codex's key order", () => {
    expect(JSON.stringify(encode(Items.userMessage("hi")))).toBe(
      '{"type":"message","role":"user","content":[{"type":"input_text","text":"hi"}]}'
    )
    expect(JSON.stringify(encode(Items.assistantMessage("ok")))).toBe(
      '{"type":"message","role":"assistant","content":[{"type":"output_text","text":"ok"}]}'
    )
    expect(encode(Items.toolCall("c1", "echo", { text: "héllo" }))).toEqual({
      type: "function_call",
      name: "echo",
      arguments: '{"text":"héllo"}',
      call_id: "c1"
    })
    expect(encode(Items.toolCall("c2", "apply_patch", "*** Begin Patch\n*** End Patch", "custom"))).toEqual({
      type: "custom_tool_call",
      name: "apply_patch",
      input: "*** Begin Patch\n*** End Patch",
      call_id: "c2"
    })
    expect(JSON.stringify(encode(Items.toolResult({ callId: "c2", name: "nope", output: { error: "unknown tool: nope" }, isError: true }))))
      .toBe('{"type":"function_call_output","call_id":"c2","output":"{\\"error\\":\\"unknown tool: nope\\"}"}')
    expect(JSON.stringify(encode(Items.toolResult({ callId: "c3", name: "apply_patch", output: "patched", success: true, toolType: "custom" }))))
      .toBe('{"type":"custom_tool_call_output","call_id":"c3","output":"patched","success":true,"name":"apply_patch"}')
    expect(encode(Items.toolResult({ callId: "c4", name: "x", output: null })).output).toBe("null")
    expect(encode(Items.toolResult({ callId: "c5", name: "x", output: 5 })).output).toBe("5")
  })

  it("sends reasoning items verbatim and rejects an empty context message", () => {
    const payload = { type: "reasoning", summary: [], content: null, encrypted_content: "encrypted-token" }
    expect(encode(Items.reasoningItem(payload))).toEqual(payload)
    const empty = Items.toResponsesInput(Items.contextMessage("developer", {}))
    expect(Either.isLeft(empty) && empty.left.message).toBe("ContextMessage requires `text` or `content_items`")
  })

  it("reads stored entries back into items", () => {
    const call = Items.toolCall("c1", "echo", { text: "hello" })
    expect(Items.fromResponsesItem(encode(call))).toEqual(call)
    const result = Items.toolResult({ callId: "c1", name: "", output: '{"text":"hello"}' })
    expect(Items.fromResponsesItem(encode(result))).toEqual(result)
    expect(Items.fromResponsesItem({ type: "message", role: "developer", content: [] })).toBeUndefined()
  })

  it("prints tool result text with content items or spaced JSON", () => {
    expect(Items.toolResultText(Items.toolResult({ callId: "c", name: "n", output: { a: 1, b: "é" } }))).toBe('{"a": 1, "b": "é"}')
    expect(Items.toolResultText(Items.toolResult({
      callId: "c",
      name: "n",
      output: "",
      contentItems: [{ type: "input_text", text: "one" }, { type: "input_image", image_url: "x" }, { type: "input_text", text: "two" }]
    }))).toBe("one\ntwo")
  })

  it("escapes non-ASCII in header JSON", () => {
    expect(Items.asciiJson({ turn_id: "t", note: "é" })).toBe('{"turn_id":"t","note":"\\u00e9"}')
  })
})

describe("serializeToolSpec", () => {
  it("builds function, custom and web_search declarations", () => {
    expect(Either.getOrThrow(serializeToolSpec({
      name: "echo",
      description: "d",
      toolType: "function",
      inputSchema: { type: "object" },
      outputSchema: { type: "object", properties: { text: { type: "string" } } },
      supportsParallel: true
    }))).toEqual({
      type: "function",
      name: "echo",
      description: "d",
      parameters: { type: "object" },
      strict: false,
      output_schema: { type: "object", properties: { text: { type: "string" } } }
    })
    expect(Either.getOrThrow(serializeToolSpec({ name: "web_search", description: "", toolType: "web_search", options: { external_web_access: true }, supportsParallel: false })))
      .toEqual({ type: "web_search", external_web_access: true })
    const custom = serializeToolSpec({ name: "apply_patch", description: "d", toolType: "custom", supportsParallel: false })
    expect(Either.isLeft(custom) && custom.left.message).toBe("custom tools require `format`")
  })
})


describe("AgentEvent JSON", () => {
  it("uses the event kind, snake_case payload keys, items in their in-memory shape, and the submission", () => {
    const call = Items.toolCall("c1", "echo", { text: "hi" })
    const result = Items.toolResult({ callId: "c1", name: "echo", output: "hi" })
    expect(agentEventJson(AgentEvent.tool_completed({ turnId: "t1", toolName: "echo", callId: "c1", call, result, isError: false }), "s1")).toEqual({
      kind: "tool_completed",
      turn_id: "t1",
      payload: {
        tool_name: "echo",
        call_id: "c1",
        call: { call_id: "c1", name: "echo", arguments: { text: "hi" }, tool_type: "function", kind: "tool_call" },
        result: { call_id: "c1", name: "echo", output: "hi", content_items: null, success: null, is_error: false, tool_type: "function", kind: "tool_result" },
        is_error: false,
        submission_id: "s1",
        turn_id: "t1"
      }
    })
    expect(agentEventJson(AgentEvent.tool_called({
      turnId: "t1",
      callId: "ws_1",
      toolName: "web_search",
      webSearch: { actionType: "search", query: "github codex", queries: ["github codex"] }
    })).payload).toEqual({ call_id: "ws_1", tool_name: "web_search", action_type: "search", query: "github codex", queries: ["github codex"] })
  })

  it("prints a TurnResult with the reference's key order", () => {
    const json = turnResultJson({
      turnId: "t",
      outputText: null,
      iterations: 1,
      responseItems: [],
      history: [Items.userMessage("hi")]
    })
    expect(Object.keys(json)).toEqual(["turn_id", "output_text", "iterations", "response_items", "history"])
    expect(json.history).toEqual([{ text: "hi", role: "user" }])
  })
})
