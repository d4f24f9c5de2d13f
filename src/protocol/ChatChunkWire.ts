/** ChatChunkWire: Schemas of Chat Completions stream chunks, decoded leniently as compatible servers send them. */
import { Option, Schema } from "effect"

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

/** Decodes one parsed chunk; only a non-object fails. */
export const decodeChatChunk = Schema.decodeUnknownEither(ChatChunk)

/** Builds a chunk value directly (tests, adapters). */
export const chatChunk = (chunk: ChatChunk): ChatChunk => chunk
