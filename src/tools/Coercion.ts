/** Coercion: lenient argument Schemas for tool parameters (numbers sent as strings, flags sent as 0/1, ...). */
import { Option, ParseResult, Schema } from "effect"

const describe = (value: unknown): string => {
  if (value === null) return "null"
  if (Array.isArray(value)) return "an array"
  if (typeof value === "object") return "an object"
  return JSON.stringify(value) ?? String(value)
}

const DECIMAL = /^\s*[+-]?\d+\s*$/

/** Reads an integer from a JSON value: integers as they are, other numbers truncated toward zero, booleans as 1/0, decimal strings parsed. */
export const toInt = (value: unknown): Option.Option<number> => {
  if (typeof value === "number") return Number.isFinite(value) ? Option.some(Math.trunc(value) + 0) : Option.none()
  if (typeof value === "boolean") return Option.some(value ? 1 : 0)
  if (typeof value === "string" && DECIMAL.test(value)) {
    const parsed = Number.parseInt(value.trim(), 10)
    return Number.isSafeInteger(parsed) ? Option.some(parsed) : Option.none()
  }
  return Option.none()
}

/** An integer, also accepted as a float (truncated), a boolean or a decimal string. */
export const IntLike: Schema.Schema<number, unknown> = Schema.transformOrFail(Schema.Unknown, Schema.Int, {
  strict: true,
  decode: (value, _, ast) =>
    Option.match(toInt(value), {
      onNone: () => ParseResult.fail(new ParseResult.Type(ast, value, `expected an integer, got ${describe(value)}`)),
      onSome: ParseResult.succeed
    }),
  encode: ParseResult.succeed
}).annotations({ identifier: "IntLike", jsonSchema: { type: "number" } })

/** Like `IntLike`, but `null` and `""` mean "not given". */
export const OptionalIntLike: Schema.Schema<number | undefined, unknown> = Schema.transformOrFail(
  Schema.Unknown,
  Schema.UndefinedOr(Schema.Int),
  {
    strict: true,
    decode: (value, _, ast) =>
      value === null || value === undefined || value === ""
        ? ParseResult.succeed(undefined)
        : Option.match(toInt(value), {
          onNone: () => ParseResult.fail(new ParseResult.Type(ast, value, `expected an integer, got ${describe(value)}`)),
          onSome: ParseResult.succeed
        }),
    encode: ParseResult.succeed
  }
).annotations({ identifier: "OptionalIntLike", jsonSchema: { type: "number" } })

/** A string; numbers and booleans are written out, `null` is the empty string; arrays and objects are refused. */
export const TextLike: Schema.Schema<string, unknown> = Schema.transformOrFail(Schema.Unknown, Schema.String, {
  strict: true,
  decode: (value, _, ast) => {
    if (typeof value === "string") return ParseResult.succeed(value)
    if (value === null) return ParseResult.succeed("")
    if (typeof value === "number" || typeof value === "boolean") return ParseResult.succeed(String(value))
    return ParseResult.fail(new ParseResult.Type(ast, value, `expected a string, got ${describe(value)}`))
  },
  encode: ParseResult.succeed
}).annotations({ identifier: "TextLike", jsonSchema: { type: "string" } })

const FALSE_WORDS = new Set(["", "false", "0", "no", "off"])

/**
 * A flag: `false`, `0`, `null`, empty strings, empty arrays and empty objects are false, and so are
 * the words `false`, `no`, `off` and `0`; anything else is true.
 */
export const Truthy: Schema.Schema<boolean, unknown> = Schema.transform(Schema.Unknown, Schema.Boolean, {
  strict: true,
  decode: (value) => {
    if (typeof value === "boolean") return value
    if (value === null || value === undefined) return false
    if (typeof value === "number") return value !== 0 && !Number.isNaN(value)
    if (typeof value === "string") return !FALSE_WORDS.has(value.trim().toLowerCase())
    if (Array.isArray(value)) return value.length > 0
    if (typeof value === "object") return Object.keys(value).length > 0
    return true
  },
  encode: (value) => value
}).annotations({ identifier: "Truthy", jsonSchema: { type: "boolean" } })
