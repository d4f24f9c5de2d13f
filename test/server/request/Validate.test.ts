/** Tests of Validate: body parsing. */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { translateRequest } from "../../../src/server/request/ChatRequest.js"
import { parseRequestBody, requireObject } from "../../../src/server/request/Validate.js"
import { user } from "./support.js"


/** The error a body is rejected with: tag, HTTP status and message. */
const rejection = (body: unknown) => {
  const result = translateRequest(body)
  if (Either.isRight(result)) throw new Error(`accepted: ${JSON.stringify(body)}`)
  const error = result.left
  return { tag: error._tag, status: "status" in error ? error.status : undefined, message: error.message }
}
const unsupported = (body: Record<string, unknown>) => {
  const found = rejection({ model: "m", stream: true, ...body })
  expect(found.tag).toBe("UnsupportedFeature")
  expect(found.status).toBe(501)
  return found.message
}

describe("body parsing", () => {
  it("rejects text that is not JSON, empty text included, with the parser's reason", () => {
    for (const body of ["not json", ""]) {
      const result = parseRequestBody(body)
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left._tag).toBe("InvalidRequest")
        expect(result.left.status).toBe(400)
        expect(result.left.message).toMatch(/^invalid JSON body: .+/)
      }
    }
    expect(parseRequestBody('{"model":"m"}')).toEqual(Either.right({ model: "m" }))
  })

  it("requires a JSON object (400)", () => {
    for (const body of [[1, 2], "x", 5, null]) {
      expect(rejection(body)).toEqual({ tag: "InvalidRequest", status: 400, message: "request body must be a JSON object" })
      expect(Either.isLeft(requireObject(body))).toBe(true)
    }
  })
})

describe("501 messages, in the order the checks run", () => {
  it("needs a model", () => {
    for (const body of [{}, { model: "  " }, { model: "" }, { model: null }]) {
      expect(rejection(body)).toEqual({
        tag: "UnsupportedFeature",
        status: 501,
        message: "incomming request is missing `model`"
      })
    }
  })

  it("serves streaming requests only; an absent stream is accepted", () => {
    for (const stream of [false, null, 1, "true"]) {
      expect(rejection({ model: "m", stream }).message).toBe("only streaming incomming `/responses` requests are supported")
    }
    expect(Either.isRight(translateRequest({ model: "m" }))).toBe(true)
    expect(Either.isRight(translateRequest({ model: "m", stream: true }))).toBe(true)
  })

  it("checks the input list and its items", () => {
    expect(unsupported({ input: "hello" })).toBe("incomming `input` must be a list")
    expect(unsupported({ input: { a: 1 } })).toBe("incomming `input` must be a list")
    for (const input of [null, "", {}, []]) expect(Either.isRight(translateRequest({ model: "m", input }))).toBe(true)
    expect(unsupported({ input: [1] })).toBe("all incomming `input` items must be objects")
    expect(unsupported({ input: [{ role: "user", content: "x" }] })).toBe("unsupported incomming input item type: None")
    expect(unsupported({ input: [{ type: "web_search_call", id: "ws" }] })).toBe(
      "unsupported incomming input item type: 'web_search_call'"
    )
    for (const type of ["item_reference", "local_shell_call", "compaction"]) {
      expect(unsupported({ input: [{ type }] })).toBe(`unsupported incomming input item type: '${type}'`)
    }
  })

  it("checks message roles and content", () => {
    expect(unsupported({ input: [{ type: "message", role: "tool", content: "x" }] })).toBe(
      "unsupported incomming message role: tool"
    )
    expect(unsupported({ input: [{ type: "message", role: " ", content: "x" }] })).toBe(
      "unsupported incomming message role: <empty>"
    )
    expect(unsupported({ input: [{ type: "message", role: "user", content: 5 }] })).toBe(
      "message `content` must be a list or string"
    )
    expect(unsupported({ input: [{ type: "message", role: "assistant", content: ["x"] }] })).toBe(
      "message content parts must be objects"
    )
    expect(
      unsupported({ input: [{ type: "message", role: "user", content: [{ type: "input_image", image_url: "x" }] }] })
    ).toBe("content part type `input_image` is not yet supported by the chat backend")
    expect(
      unsupported({
        input: [{ type: "function_call_output", call_id: "c", output: [{ type: "input_image", image_url: "x" }] }]
      })
    ).toBe("content part type `input_image` is not yet supported by the chat backend")
    expect(unsupported({ input: [{ type: "message", role: "user", content: [{ type: "input_file" }] }] })).toBe(
      "content part type `input_file` is not yet supported by the chat backend"
    )
  })

  it("needs a name on replayed custom tool calls", () => {
    expect(unsupported({ input: [{ type: "custom_tool_call", call_id: "c", input: "x" }] })).toBe(
      "custom tool call is missing `name`"
    )
    expect(unsupported({ input: [{ type: "custom_tool_call", call_id: "c", name: "  " }] })).toBe(
      "custom tool call is missing `name`"
    )
  })

  it("checks tool definitions", () => {
    expect(unsupported({ tools: { a: 1 } })).toBe("incomming `tools` must be a list")
    expect(unsupported({ tools: [1] })).toBe("tool definitions must be objects")
    for (const type of ["web_search_preview", "file_search", "local_shell", "mcp"]) {
      expect(unsupported({ tools: [{ type }] })).toBe(`unsupported incomming tool type: '${type}'`)
    }
    expect(unsupported({ tools: [{ name: "x" }] })).toBe("unsupported incomming tool type: None")
    expect(unsupported({ tools: [{ type: "custom" }] })).toBe("custom tool definition is missing `name`")
    expect(unsupported({ tools: [{ type: "namespace", tools: [] }] })).toBe("namespace tool definition is missing `name`")
    expect(unsupported({ tools: [{ type: "namespace", name: "ns", tools: [{ type: "mcp" }] }] })).toBe(
      "unsupported incomming tool type inside namespace `ns`: 'mcp'"
    )
    expect(unsupported({ tools: [{ type: "namespace", name: "ns", tools: 3 }] })).toBe(
      "namespace tool `ns` must hold a list of `tools`"
    )
  })

  it("checks tool_choice", () => {
    expect(unsupported({ tool_choice: 5 })).toBe("unsupported `tool_choice` shape")
    expect(unsupported({ tool_choice: ["auto"] })).toBe("unsupported `tool_choice` shape")
    expect(unsupported({ tool_choice: { type: "function" } })).toBe("function tool_choice is missing `name`")
    expect(unsupported({ tool_choice: { type: "custom", name: " " } })).toBe("custom tool_choice is missing `name`")
    expect(unsupported({ tool_choice: { type: "function", name: 7 } })).toBe("function tool_choice is missing `name`")
    expect(unsupported({ tool_choice: { type: "allowed_tools" } })).toBe(
      "unsupported incomming tool_choice type: 'allowed_tools'"
    )
    expect(unsupported({ tool_choice: { type: "web_search" } })).toBe("unsupported incomming tool_choice type: 'web_search'")
    expect(unsupported({ tool_choice: {} })).toBe("unsupported incomming tool_choice type: None")
  })

  it("reports an input error before a tool error, and a tool error before a tool_choice error", () => {
    expect(unsupported({ input: [1], tools: [1], tool_choice: 5 })).toBe("all incomming `input` items must be objects")
    expect(unsupported({ input: [user("hi")], tools: [1], tool_choice: 5 })).toBe("tool definitions must be objects")
    expect(unsupported({ tools: [], tool_choice: 5 })).toBe("unsupported `tool_choice` shape")
  })

  it("can refuse reasoning items for a backend without reasoning replay", () => {
    const result = translateRequest(
      { model: "m", input: [{ type: "reasoning", summary: [] }] },
      { capabilities: { chatReasoning: false, streamUsage: true } }
    )
    expect(Either.isLeft(result) && result.left.message).toBe(
      "incomming `reasoning` items are not supported by this chat backend"
    )
  })
})
