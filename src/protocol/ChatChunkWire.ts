/** ChatChunkWire: Schemas of Chat Completions stream chunks, decoded leniently as compatible servers send them. */
import { Either, Option, type ParseResult, Schema } from "effect"

// ---------------------------------------------------------------------------
// lenient field decoders: a field of the wrong shape reads as absent instead of failing the chunk

const JsonRecord = Schema.Record({ key: Schema.String, value: Schema.Unknown })
export type JsonRecord = typeof JsonRecord.Type

/** True for a plain JSON object (not an array, not null). */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const lenient = <A>(to: Schema.Schema<A>, pick: (value: unknown) => A) =>
  Schema.transform(Schema.Unknown, to, { strict: true, decode: pick, encode: (a) => a })

/** A string, or `undefined` when the value is anything else. */
export const LenientString = lenient(Schema.UndefinedOr(Schema.String), (v) => (typeof v === "string" ? v : undefined))

/** An integral number (booleans and fractions excluded), or `undefined`. */
export const LenientInt = lenient(Schema.UndefinedOr(Schema.Number), (v) =>
  typeof v === "number" && Number.isInteger(v) ? v : undefined)

/** A JSON object kept as it is, or `undefined`. */
export const LenientObject = lenient(Schema.UndefinedOr(JsonRecord), (v) => (isRecord(v) ? v : undefined))

/** A struct decoded with `schema`, or `undefined` when the value does not decode. */
export const lenientStruct = <A, I>(schema: Schema.Schema<A, I>) => {
  const decode = Schema.decodeUnknownOption(schema)
  return lenient(Schema.UndefinedOr(Schema.Any as Schema.Schema<A>), (v) => Option.getOrUndefined(decode(v)))
}

/** An array whose undecodable items are dropped, or `undefined` when the value is not an array. */
export const lenientArray = <A, I>(item: Schema.Schema<A, I>) => {
  const decode = Schema.decodeUnknownOption(item)
  return lenient(Schema.UndefinedOr(Schema.Array(Schema.Any as Schema.Schema<A>)), (v) =>
    Array.isArray(v) ? v.flatMap((x) => Option.toArray(decode(x))) : undefined)
}

// ---------------------------------------------------------------------------
// chunks

/** The `function` part of a streamed tool call fragment. */
export const ChatFunctionDelta = Schema.Struct({
  name: Schema.optional(LenientString),
  arguments: Schema.optional(LenientString)
})
export type ChatFunctionDelta = typeof ChatFunctionDelta.Type

/** One fragment of a tool call; fragments with the same `index` build one call. */
export const ChatToolCallDelta = Schema.Struct({
  index: Schema.optional(LenientInt),
  id: Schema.optional(LenientString),
  type: Schema.optional(LenientString),
  /** `undefined` when absent or not an object (then name and arguments are not read). */
  function: Schema.optional(lenientStruct(ChatFunctionDelta))
})
export type ChatToolCallDelta = typeof ChatToolCallDelta.Type

/** What one choice adds: visible text, reasoning (`reasoning` or `reasoning_content`), tool call fragments. */
export const ChatDelta = Schema.Struct({
  role: Schema.optional(LenientString),
  content: Schema.optional(LenientString),
  reasoning: Schema.optional(LenientString),
  reasoning_content: Schema.optional(LenientString),
  tool_calls: Schema.optional(lenientArray(ChatToolCallDelta))
})
export type ChatDelta = typeof ChatDelta.Type

/** Token ids a vLLM server attaches when asked with `return_token_ids`. */
export const TokenIds = lenient(Schema.UndefinedOr(Schema.Array(Schema.Number)), (v) =>
  Array.isArray(v) ? v.filter((x): x is number => typeof x === "number" && Number.isInteger(x)) : undefined)

export const ChatChoice = Schema.Struct({
  index: Schema.optional(LenientInt),
  delta: Schema.optional(lenientStruct(ChatDelta)),
  finish_reason: Schema.optional(LenientString),
  token_ids: Schema.optional(TokenIds)
})
export type ChatChoice = typeof ChatChoice.Type

/**
 * One `chat.completion.chunk`. Usage is kept as the raw object: both the Chat Completions names
 * (`prompt_tokens`, ...) and the Responses names (`input_tokens`, ...) are read from it.
 */
export const ChatChunk = Schema.Struct({
  id: Schema.optional(LenientString),
  model: Schema.optional(LenientString),
  /** `undefined` when absent or not an array: the chunk then carries no choices. */
  choices: Schema.optional(lenientArray(ChatChoice)),
  usage: Schema.optional(LenientObject),
  prompt_token_ids: Schema.optional(TokenIds)
})
export type ChatChunk = typeof ChatChunk.Type

/** Decodes one parsed chunk with the schema; only a non-object fails. */
export const decodeChatChunkWithSchema = Schema.decodeUnknownEither(ChatChunk)

// ---------------------------------------------------------------------------
// the same decoding by hand: a relay decodes one chunk per streamed token, and the schema's
// transformations cost more than everything else it does per token (the tests hold the two equal)

const hasOwn = Object.prototype.hasOwnProperty
/** What a struct schema accepts as input: a JSON object, not an array. */
const isStructInput = isRecord
const pickString = (v: unknown) => (typeof v === "string" ? v : undefined)
const pickInt = (v: unknown) => (typeof v === "number" && Number.isInteger(v) ? v : undefined)
const pickTokenIds = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is number => typeof x === "number" && Number.isInteger(x)) : undefined)
const pickArray = <A>(v: unknown, item: (x: unknown) => A | undefined): Array<A> | undefined => {
  if (!Array.isArray(v)) return undefined
  const out: Array<A> = []
  for (const x of v) {
    const decoded = item(x)
    if (decoded !== undefined) out.push(decoded)
  }
  return out
}

/** Copies the members `input` has, each through its picker, in the schema's order. */
const pickFields = <A>(input: Record<string, unknown>, fields: ReadonlyArray<readonly [string, (v: unknown) => unknown]>): A => {
  const out: Record<string, unknown> = {}
  for (const [name, pick] of fields) if (hasOwn.call(input, name)) out[name] = pick(input[name])
  return out as A
}

const functionFields = [["name", pickString], ["arguments", pickString]] as const
const toolCallFields = [
  ["index", pickInt],
  ["id", pickString],
  ["type", pickString],
  ["function", (v: unknown) => (isStructInput(v) ? pickFields<ChatFunctionDelta>(v, functionFields) : undefined)]
] as const
const pickToolCall = (v: unknown) => (isStructInput(v) ? pickFields<ChatToolCallDelta>(v, toolCallFields) : undefined)
const deltaFields = [
  ["role", pickString],
  ["content", pickString],
  ["reasoning", pickString],
  ["reasoning_content", pickString],
  ["tool_calls", (v: unknown) => pickArray(v, pickToolCall)]
] as const
const choiceFields = [
  ["index", pickInt],
  ["delta", (v: unknown) => (isStructInput(v) ? pickFields<ChatDelta>(v, deltaFields) : undefined)],
  ["finish_reason", pickString],
  ["token_ids", pickTokenIds]
] as const
const pickChoice = (v: unknown) => (isStructInput(v) ? pickFields<ChatChoice>(v, choiceFields) : undefined)
const chunkFields = [
  ["id", pickString],
  ["model", pickString],
  ["choices", (v: unknown) => pickArray(v, pickChoice)],
  ["usage", (v: unknown) => (isRecord(v) ? { ...v } : undefined)],
  ["prompt_token_ids", pickTokenIds]
] as const

/** Decodes one parsed chunk as `ChatChunk` does (same values, same failures); only a non-object fails. */
export const decodeChatChunk = (value: unknown): Either.Either<ChatChunk, ParseResult.ParseError> =>
  isStructInput(value) ? Either.right(pickFields<ChatChunk>(value, chunkFields)) : decodeChatChunkWithSchema(value)

/** Builds a chunk value directly (tests, adapters). */
export const chatChunk = (chunk: ChatChunk): ChatChunk => chunk
