/** Tests of SpacedJson: spacedJson. */
import { describe, expect, it } from "@effect/vitest"
import { spacedJson } from "../../../src/server/stream/SpacedJson.js"

describe("spacedJson", () => {
  it("separates members and items with a comma and a space, keys with a colon and a space", () => {
    expect(spacedJson({ type: "response.output_text.delta", delta: "Hello" }))
      .toBe('{"type": "response.output_text.delta", "delta": "Hello"}')
    expect(spacedJson(["a", "b", 1, true, null])).toBe('["a", "b", 1, true, null]')
    expect(spacedJson({ a: {}, b: [], c: [{}] })).toBe('{"a": {}, "b": [], "c": [{}]}')
  })

  it("keeps non-ASCII raw and escapes control characters like JSON.stringify", () => {
    expect(spacedJson({ text: "Héllo ✓ 😀" })).toBe('{"text": "Héllo ✓ 😀"}')
    expect(spacedJson("a\"b\\c\nd\re\tf\bg\fh\u0001")).toBe('"a\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0001"')
  })

  it("keeps insertion order and leaves out undefined members", () => {
    expect(spacedJson({ z: 1, a: 2, skipped: undefined, m: 3 })).toBe('{"z": 1, "a": 2, "m": 3}')
    expect(spacedJson([undefined])).toBe("[null]")
    expect(spacedJson(undefined)).toBe("null")
  })

  it("parses back to the same value", () => {
    const value = { a: [1, 2.5, -3], b: { c: "x, y: z", d: null }, e: "" }
    expect(JSON.parse(spacedJson(value))).toEqual(value)
  })
})
