/** Coercion: lenient integer, text and flag arguments. */
import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import { IntLike, OptionalIntLike, TextLike, Truthy } from "../../src/tools/Coercion.js"

const decode = <A>(schema: Schema.Schema<A, unknown>) => (value: unknown) => Schema.decodeUnknownEither(schema)(value)

describe("IntLike", () => {
  it("accepts integers, floats (truncated), booleans and decimal strings", () => {
    const int = decode(IntLike)
    expect(int(42)).toEqual(Either.right(42))
    expect(int(-2.9)).toEqual(Either.right(-2))
    expect(int(true)).toEqual(Either.right(1))
    expect(int(false)).toEqual(Either.right(0))
    expect(int(" +17 ")).toEqual(Either.right(17))
    expect(int("-3")).toEqual(Either.right(-3))
  })

  it("refuses everything else with a readable message", () => {
    for (const bad of ["abc", "1.5", null, [], {}, Number.NaN, ""]) {
      const result = decode(IntLike)(bad)
      expect(Either.isLeft(result)).toBe(true)
    }
    const result = decode(IntLike)("abc")
    expect(Either.isLeft(result) && result.left.message).toContain("expected an integer, got \"abc\"")
  })

  it("treats null and the empty string as not given when optional", () => {
    expect(decode(OptionalIntLike)(null)).toEqual(Either.right(undefined))
    expect(decode(OptionalIntLike)("")).toEqual(Either.right(undefined))
    expect(decode(OptionalIntLike)("20")).toEqual(Either.right(20))
    expect(Either.isLeft(decode(OptionalIntLike)("x"))).toBe(true)
  })
})

describe("TextLike and Truthy", () => {
  it("reads text, writing out numbers and booleans and refusing structures", () => {
    expect(decode(TextLike)("ls")).toEqual(Either.right("ls"))
    expect(decode(TextLike)(12)).toEqual(Either.right("12"))
    expect(decode(TextLike)(null)).toEqual(Either.right(""))
    expect(Either.isLeft(decode(TextLike)({ a: 1 }))).toBe(true)
  })

  it("reads flags by truthiness, with the usual false words", () => {
    const truthy = decode(Truthy)
    for (const v of [true, 1, "yes", "true", [0], { a: 1 }]) expect(truthy(v)).toEqual(Either.right(true))
    for (const v of [false, 0, "", null, [], {}, "false", "0", "no", "off"]) expect(truthy(v)).toEqual(Either.right(false))
  })
})
