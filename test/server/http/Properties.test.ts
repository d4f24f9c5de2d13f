/** Property: whatever body arrives, the answer is one 4xx/5xx JSON error or a stream ending in exactly one terminal event. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import * as FakeChatServer from "../../support/FakeChatServer.js"
import { chatReply, chunk, textChunks } from "../../support/FakeChatServer.js"
import { eventTypes, start } from "./support.js"

const terminal = new Set(["response.completed", "response.incomplete", "response.failed"])

/** A value nested `depth` levels deep, as objects or arrays. */
const nested = (depth: number, leaf: unknown, asArray: boolean): unknown => {
  let value = leaf
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value }
  return value
}

const deep = fc.tuple(fc.integer({ min: 1, max: 3000 }), fc.jsonValue({ maxDepth: 1 }), fc.boolean()).map(([d, leaf, a]) => nested(d, leaf, a))
const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 4 }), deep)
const item = fc.oneof(
  fc.record({ type: fc.constant("message"), role: fc.constantFrom("user", "assistant", "developer", "system", "tool", ""), content: fc.oneof(fc.string(), fc.array(fc.record({ type: fc.constantFrom("input_text", "output_text", "input_image"), text: fc.string() })), anyValue) }),
  fc.record({ type: fc.constantFrom("function_call", "custom_tool_call"), call_id: fc.string(), name: fc.string(), arguments: fc.oneof(fc.string(), anyValue), input: fc.string() }, { requiredKeys: ["type"] }),
  fc.record({ type: fc.constantFrom("function_call_output", "custom_tool_call_output"), call_id: fc.string(), output: anyValue }),
  fc.record({ type: fc.constant("reasoning"), summary: fc.constant([]), content: fc.array(fc.record({ type: fc.constant("reasoning_text"), text: fc.string() })) }),
  anyValue
)
const tool = fc.oneof(
  fc.record({ type: fc.constant("function"), name: fc.string(), parameters: anyValue, strict: fc.boolean() }, { requiredKeys: ["type"] }),
  fc.record({ type: fc.constantFrom("custom", "web_search", "namespace", "tool_search", "mcp"), name: fc.string(), tools: fc.array(anyValue, { maxLength: 2 }) }, { requiredKeys: ["type"] }),
  anyValue
)
const body = fc.record({
  model: fc.oneof(fc.constant("gpt-5.4"), fc.string(), fc.string({ minLength: 300, maxLength: 400 }), anyValue),
  stream: fc.oneof(fc.constant(true), anyValue),
  instructions: fc.oneof(fc.string(), anyValue),
  input: fc.oneof(fc.array(item, { maxLength: 4 }), anyValue),
  tools: fc.oneof(fc.array(tool, { maxLength: 3 }), anyValue),
  tool_choice: anyValue,
  max_output_tokens: anyValue,
  previous_response_id: fc.oneof(fc.string(), anyValue),
  store: anyValue
}, { requiredKeys: [] })
const rawBody = fc.oneof(
  { weight: 8, arbitrary: body.map((b) => JSON.stringify(b)) },
  { weight: 1, arbitrary: anyValue.map((v) => JSON.stringify(v) ?? "") },
  { weight: 1, arbitrary: fc.string() }
)

describe("any inbound body", () => {
  it.scopedLive("gets one 4xx/5xx JSON error, or a 200 stream with exactly one terminal event, last", () =>
    Effect.gen(function* () {
      const fake = yield* FakeChatServer.make({
        chat: [chatReply(textChunks("ok")), chatReply([chunk({ content: "cut" }, "length")]), chatReply([], { done: false })]
      })
      const server = yield* start({ outcommingBaseUrl: fake.url })
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(rawBody, async (text) => {
            const reply = await Effect.runPromise(server.post("/v1/responses", text))
            if (reply.status !== 200) {
              expect(reply.status).toBeGreaterThanOrEqual(400)
              expect(reply.status).toBeLessThan(600)
              const error = (JSON.parse(reply.text) as { error: { message: unknown } }).error
              expect(typeof error.message).toBe("string")
              return
            }
            const types = eventTypes(reply.text)
            expect(types.filter((t) => terminal.has(t))).toHaveLength(1)
            expect(terminal.has(types.at(-1)!)).toBe(true)
          }),
          { numRuns: 150, seed: 20261202 }
        ))
    }), 240_000)
})
