/** Schemas that normalise loosely typed config.toml values: trimmed text, integers, bool-ish flags, string tables. */
import { ParseResult, Schema } from "effect"

/** How a rejected value is shown in an error: JSON for scalars, a type name for tables and lists. */
export const show = (value: unknown): string => {
  if (Array.isArray(value)) return "a list"
  if (value instanceof Date) return value.toISOString()
  if (value !== null && typeof value === "object") return "a table"
  if (typeof value === "bigint") return value.toString()
  return JSON.stringify(value) ?? String(value)
}

const isScalar = (value: unknown): value is string | number | boolean | bigint =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean" || typeof value === "bigint"

/** Non-table, non-list values as text (numbers and booleans written the usual way). */
const scalarText = (value: unknown): string | undefined => (isScalar(value) ? String(value) : undefined)

/** Text: any scalar turned into a string and trimmed; an empty result means "not set". */
export const Text = Schema.transformOrFail(Schema.Unknown, Schema.UndefinedOr(Schema.String), {
  strict: true,
  decode: (input, _, ast) => {
    if (input === undefined) return ParseResult.succeed(undefined)
    const text = scalarText(input)
    if (text === undefined) return ParseResult.fail(new ParseResult.Type(ast, input, `must be text, got ${show(input)}`))
    const trimmed = text.trim()
    return ParseResult.succeed(trimmed === "" ? undefined : trimmed)
  },
  encode: (value) => ParseResult.succeed(value)
})

/** Text as config.toml must write it: a TOML string (trimmed; empty means "not set"). `model = 5` is refused. */
export const StrictText = Schema.transformOrFail(Schema.Unknown, Schema.UndefinedOr(Schema.String), {
  strict: true,
  decode: (input, _, ast) => {
    if (input === undefined) return ParseResult.succeed(undefined)
    if (typeof input !== "string") return ParseResult.fail(new ParseResult.Type(ast, input, `must be text, got ${show(input)}`))
    const trimmed = input.trim()
    return ParseResult.succeed(trimmed === "" ? undefined : trimmed)
  },
  encode: (value) => ParseResult.succeed(value)
})

/** A TOML string that must be present; blank counts as missing. */
export const RequiredStrictText = Schema.transformOrFail(StrictText, Schema.String, {
  strict: true,
  decode: (input, _, ast) =>
    input === undefined ? ParseResult.fail(new ParseResult.Type(ast, input, "is missing")) : ParseResult.succeed(input),
  encode: (value) => ParseResult.succeed(value)
})

/** Text that must be present; blank counts as missing. */
export const RequiredText = Schema.transformOrFail(Text, Schema.String, {
  strict: true,
  decode: (input, _, ast) =>
    input === undefined ? ParseResult.fail(new ParseResult.Type(ast, input, "is missing")) : ParseResult.succeed(input),
  encode: (value) => ParseResult.succeed(value)
})

/** Parses an integer from a TOML integer, a float (truncated) or a numeric string. */
export const toInteger = (input: unknown): number | undefined => {
  if (typeof input === "bigint") return Number(input)
  if (typeof input === "number") return Number.isFinite(input) ? Math.trunc(input) : undefined
  if (typeof input === "string") {
    const text = input.trim()
    if (!/^[+-]?\d+$/.test(text)) return undefined
    const value = Number(text)
    return Number.isSafeInteger(value) ? value : undefined
  }
  return undefined
}

/** Integer: a TOML integer, a float (truncated) or a numeric string such as `"5000"`. */
export const Int = Schema.transformOrFail(Schema.Unknown, Schema.UndefinedOr(Schema.Int), {
  strict: true,
  decode: (input, _, ast) => {
    if (input === undefined) return ParseResult.succeed(undefined)
    const value = toInteger(input)
    return value === undefined
      ? ParseResult.fail(new ParseResult.Type(ast, input, `must be an integer, got ${show(input)}`))
      : ParseResult.succeed(value)
  },
  encode: (value) => ParseResult.succeed(value)
})

const TRUE_WORDS = ["1", "true", "yes", "on"]
const FALSE_WORDS = ["0", "false", "no", "off"]

/** Bool-ish: a TOML boolean, or one of `1/true/yes/on` and `0/false/no/off` in any case. */
export const Boolish = Schema.transformOrFail(Schema.Unknown, Schema.UndefinedOr(Schema.Boolean), {
  strict: true,
  decode: (input, _, ast) => {
    if (input === undefined) return ParseResult.succeed(undefined)
    if (typeof input === "boolean") return ParseResult.succeed(input)
    const word = scalarText(input)?.trim().toLowerCase()
    if (word !== undefined && TRUE_WORDS.includes(word)) return ParseResult.succeed(true)
    if (word !== undefined && FALSE_WORDS.includes(word)) return ParseResult.succeed(false)
    return ParseResult.fail(new ParseResult.Type(ast, input, `must be true or false, got ${show(input)}`))
  },
  encode: (value) => ParseResult.succeed(value)
})

/** A strict TOML boolean. */
export const Bool = Schema.transformOrFail(Schema.Unknown, Schema.UndefinedOr(Schema.Boolean), {
  strict: true,
  decode: (input, _, ast) =>
    input === undefined || typeof input === "boolean"
      ? ParseResult.succeed(input)
      : ParseResult.fail(new ParseResult.Type(ast, input, `must be true or false, got ${show(input)}`)),
  encode: (value) => ParseResult.succeed(value)
})

/** Whether a value is a TOML table (a plain object). */
export const isTable = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date)

/** A table of scalars, as ordered `[key, text]` pairs (file order kept). */
export const StringPairs = Schema.transformOrFail(
  Schema.Unknown,
  Schema.Array(Schema.Tuple(Schema.String, Schema.String)),
  {
    strict: true,
    decode: (input, _, ast) => {
      if (input === undefined) return ParseResult.succeed([])
      if (!isTable(input)) return ParseResult.fail(new ParseResult.Type(ast, input, `must be a table, got ${show(input)}`))
      const pairs: Array<readonly [string, string]> = []
      for (const [key, value] of Object.entries(input)) {
        const text = scalarText(value)
        if (text === undefined) {
          return ParseResult.fail(new ParseResult.Pointer(key, input, new ParseResult.Type(ast, value, `must be text, got ${show(value)}`)))
        }
        pairs.push([key, text])
      }
      return ParseResult.succeed(pairs)
    },
    encode: (value) => ParseResult.succeed(Object.fromEntries(value))
  }
)

/** Any table (contents checked elsewhere). */
export const Table = Schema.transformOrFail(Schema.Unknown, Schema.UndefinedOr(Schema.Record({ key: Schema.String, value: Schema.Unknown })), {
  strict: true,
  decode: (input, _, ast) =>
    input === undefined || isTable(input)
      ? ParseResult.succeed(input)
      : ParseResult.fail(new ParseResult.Type(ast, input, `must be a table, got ${show(input)}`)),
  encode: (value) => ParseResult.succeed(value)
})
