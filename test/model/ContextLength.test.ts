/** Tests of ContextLength: ContextLength. */
import { describe, expect, it } from "@effect/vitest"
import { contextLengthUsage, contextLimit, isContextLengthText } from "../../src/model/ContextLength.js"
import { ContextLengthExceeded } from "../../src/model/ModelError.js"

const FIXTURE =
  'responses_server.stream_router.OutcommingChatError: outcomming chat request failed with status 400: {"error":{"message":"This model\'s maximum context length is 262144 tokens. However, you requested 264568 tokens (264568 in the messages, 0 in the completion). Please reduce the length of the messages or completion.","type":"context_length_exceeded"}}'

describe("ContextLength", () => {
  it("reads usage and limit from the recorded provider text", () => {
    expect(contextLengthUsage(FIXTURE)).toEqual({ total_tokens: 264568, input_tokens: 264568, output_tokens: 0 })
    expect(Object.keys(contextLengthUsage(FIXTURE)!)).toEqual(["total_tokens", "input_tokens", "output_tokens"])
    expect(contextLimit(FIXTURE)).toBe(262144)
  })

  it("accepts thousands separators and a text without the messages/completion split", () => {
    const text = "maximum context length is 8,192 tokens, you requested 9,001 tokens"
    expect(contextLengthUsage(text)).toEqual({ total_tokens: 9001, input_tokens: 9001 })
    expect(contextLimit(text)).toBe(8192)
  })

  it("needs both the marker phrase and a requested size", () => {
    expect(isContextLengthText("context_length_exceeded: prompt too long")).toBe(true)
    expect(contextLengthUsage("context_length_exceeded: prompt too long")).toBeUndefined()
    expect(contextLengthUsage("Requested 10 tokens")).toBeUndefined()
  })

  it("matches case-insensitively", () => {
    const text = "Error CONTEXT_LENGTH_EXCEEDED: REQUESTED 5 TOKENS (3 IN THE MESSAGES, 2 IN THE COMPLETION)"
    expect(contextLengthUsage(text)).toEqual({ total_tokens: 5, input_tokens: 3, output_tokens: 2 })
    expect(contextLimit(text)).toBeUndefined()
  })

  it("ContextLengthExceeded carries the counts as fields, read once from the text, and its usage comes from them", () => {
    const error = ContextLengthExceeded.fromText(FIXTURE)
    expect({ ...error }).toMatchObject({ requestedTokens: 264568, limitTokens: 262144, inputTokens: 264568, outputTokens: 0 })
    expect(error.usage).toEqual({ total_tokens: 264568, input_tokens: 264568, output_tokens: 0 })
    // the loop reads the fields, not the message: a changed message does not change the usage
    const given = new ContextLengthExceeded({ message: "prompt too long", requestedTokens: 10, limitTokens: 8 })
    expect(given.usage).toEqual({ total_tokens: 10, input_tokens: 10 })
    expect(ContextLengthExceeded.fromText("context_length_exceeded: prompt too long").usage).toBeUndefined()
  })
})
