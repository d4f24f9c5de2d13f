/** The hand decoder of chat chunks gives what the ChatChunk schema gives, for chunk-shaped and arbitrary JSON. */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { decodeChatChunk, decodeChatChunkWithSchema } from "../../src/protocol/ChatChunkWire.js"

/** Any JSON value, or a value of one of the shapes a field expects. */
const anything = fc.jsonValue({ maxDepth: 2 })
const field = <A>(shaped: fc.Arbitrary<A>) => fc.oneof(shaped, fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), anything)
const partial = <T extends Record<string, fc.Arbitrary<unknown>>>(fields: T) =>
  fc.oneof({ weight: 6, arbitrary: fc.record(fields, { requiredKeys: [] }) }, { weight: 1, arbitrary: anything })

const fn = partial({ name: field(fc.string()), arguments: field(fc.string()) })
const toolCall = partial({ index: field(fc.nat()), id: field(fc.string()), type: field(fc.constant("function")), function: fn })
const delta = partial({
  role: field(fc.constant("assistant")),
  content: field(fc.string()),
  reasoning: field(fc.string()),
  reasoning_content: field(fc.string()),
  tool_calls: field(fc.array(toolCall, { maxLength: 3 }))
})
const tokenIds = field(fc.array(fc.oneof(fc.nat(), fc.double(), fc.string()), { maxLength: 4 }))
const choice = partial({ index: field(fc.nat()), delta, finish_reason: field(fc.constantFrom("stop", "length")), token_ids: tokenIds })
const chunk = fc.record(
  {
    id: field(fc.string()),
    model: field(fc.string()),
    choices: field(fc.array(choice, { maxLength: 3 })),
    usage: field(fc.dictionary(fc.string(), fc.nat())),
    prompt_token_ids: tokenIds,
    object: fc.constant("chat.completion.chunk")
  },
  { requiredKeys: [] }
)

const same = (value: unknown) => {
  const fast = decodeChatChunk(value)
  const schema = decodeChatChunkWithSchema(value)
  expect(Either.isRight(fast)).toBe(Either.isRight(schema))
  if (Either.isRight(fast) && Either.isRight(schema)) expect(fast.right).toStrictEqual(schema.right)
}

describe("decodeChatChunk", () => {
  it("decodes chunk-shaped values with wrong types anywhere as the schema does", () => {
    fc.assert(fc.property(chunk, (value) => same(JSON.parse(JSON.stringify(value)))), { numRuns: 3000, seed: 20261202 })
  })

  it("decodes arbitrary JSON as the schema does (non-objects fail)", () => {
    fc.assert(fc.property(anything, same), { numRuns: 1000, seed: 7 })
    for (const value of [null, 3, "text", true, [], [1, { choices: [] }], { choices: [[], null, { delta: [] }] }]) same(value)
  })
})
