/** ResponsesWire: Schemas of the Responses API request body and of the SSE events a stream carries. */
import { Either, Schema } from "effect"
import type { ParseError } from "effect/ParseResult"

// ---------------------------------------------------------------------------
// request body

const JsonObject = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/** `reasoning` of a request: present only when effort or summary is configured. */
export const ReasoningOptions = Schema.Struct({
  effort: Schema.optional(Schema.String),
  summary: Schema.optional(Schema.String)
})

/** `format` of `text`: the JSON Schema the final answer must follow. */
export const TextFormat = Schema.Struct({
  type: Schema.Literal("json_schema"),
  strict: Schema.Boolean,
  schema: Schema.Unknown,
  name: Schema.String
})

/** `text` of a request: present only when a verbosity or an output schema is configured. */
export const TextOptions = Schema.Struct({ verbosity: Schema.optional(Schema.String), format: Schema.optional(TextFormat) })

/** The `POST /responses` body, keys in the order they are sent. */
export const ResponsesRequest = Schema.Struct({
  model: Schema.String,
  instructions: Schema.String,
  input: Schema.Array(JsonObject),
  tools: Schema.Array(JsonObject),
  parallel_tool_calls: Schema.Boolean,
  store: Schema.Boolean,
  stream: Schema.Boolean,
  include: Schema.Array(Schema.String),
  prompt_cache_key: Schema.String,
  tool_choice: Schema.optional(Schema.String),
  reasoning: Schema.optional(ReasoningOptions),
  text: Schema.optional(TextOptions)
})
export type ResponsesRequest = typeof ResponsesRequest.Type

// ---------------------------------------------------------------------------
// output items (the `item` of `response.output_item.added` / `.done`)

/**
 * A text field the client reads leniently: strings pass through, other JSON scalars become their
 * JSON text, `null` becomes the empty string. Decoding never fails on it.
 */
export const LenientString = Schema.transform(Schema.Unknown, Schema.String, {
  strict: true,
  decode: (value) => lenientText(value),
  encode: (text) => text
})

/** The text of a JSON value as the client reads it (`null`/absent → ""). */
export const lenientText = (value: unknown): string =>
  typeof value === "string" ? value : value === null || value === undefined ? "" : JSON.stringify(value)

/** One part of an assistant message's `content`. */
export const ContentPart = Schema.Struct({
  type: Schema.String,
  text: Schema.optional(LenientString)
})

export const MessageItem = Schema.Struct({
  type: Schema.Literal("message"),
  id: Schema.optional(Schema.String),
  status: Schema.optional(Schema.String),
  role: Schema.optional(LenientString),
  content: Schema.optionalWith(Schema.Array(ContentPart), { default: () => [] })
})
export type MessageItem = typeof MessageItem.Type

export const FunctionCallItem = Schema.Struct({
  type: Schema.Literal("function_call"),
  id: Schema.optional(Schema.String),
  status: Schema.optional(Schema.String),
  call_id: Schema.optional(LenientString),
  name: Schema.optional(LenientString),
  /** JSON text of the arguments object. */
  arguments: Schema.optional(LenientString)
})
export type FunctionCallItem = typeof FunctionCallItem.Type

export const CustomToolCallItem = Schema.Struct({
  type: Schema.Literal("custom_tool_call"),
  id: Schema.optional(Schema.String),
  status: Schema.optional(Schema.String),
  call_id: Schema.optional(LenientString),
  name: Schema.optional(LenientString),
  input: Schema.optional(LenientString)
})
export type CustomToolCallItem = typeof CustomToolCallItem.Type

/** The action of a provider-side web search (`search`, `open_page`, `find_in_page`, ...). */
export const WebSearchAction = Schema.Struct({
  type: Schema.optional(LenientString),
  query: Schema.optional(Schema.Unknown),
  queries: Schema.optional(Schema.Unknown),
  url: Schema.optional(Schema.Unknown),
  pattern: Schema.optional(Schema.Unknown)
})

export const WebSearchCallItem = Schema.Struct({
  type: Schema.Literal("web_search_call"),
  id: Schema.optional(LenientString),
  status: Schema.optional(Schema.String),
  action: Schema.optional(Schema.Unknown)
})
export type WebSearchCallItem = typeof WebSearchCallItem.Type

/** Reasoning items are replayed verbatim, so only the discriminator is typed. */
export const ReasoningOutputItem = Schema.Struct({ type: Schema.Literal("reasoning") }, { key: Schema.String, value: Schema.Unknown })
export type ReasoningOutputItem = typeof ReasoningOutputItem.Type

/** An item kind the client does not use, kept as its JSON. */
export interface OtherItem {
  readonly type: "other"
  readonly raw: Readonly<Record<string, unknown>>
}

export type OutputItem = MessageItem | FunctionCallItem | CustomToolCallItem | WebSearchCallItem | ReasoningOutputItem | OtherItem

const itemDecoders: Record<string, (raw: unknown) => Either.Either<OutputItem, ParseError>> = {
  message: Schema.decodeUnknownEither(MessageItem),
  function_call: Schema.decodeUnknownEither(FunctionCallItem),
  custom_tool_call: Schema.decodeUnknownEither(CustomToolCallItem),
  web_search_call: Schema.decodeUnknownEither(WebSearchCallItem),
  reasoning: Schema.decodeUnknownEither(ReasoningOutputItem)
}

/** Decodes an output item by its `type`; unknown kinds come back as `OtherItem`. */
export const decodeOutputItem = (raw: Readonly<Record<string, unknown>>): Either.Either<OutputItem, ParseError> => {
  const decode = typeof raw.type === "string" && Object.hasOwn(itemDecoders, raw.type) ? itemDecoders[raw.type] : undefined
  return decode === undefined ? Either.right({ type: "other", raw }) : decode(raw)
}

// ---------------------------------------------------------------------------
// stream events

/** Token usage as the provider reports it; nested details are kept. */
export const Usage = Schema.Struct(
  {
    input_tokens: Schema.optional(Schema.Number),
    output_tokens: Schema.optional(Schema.Number),
    total_tokens: Schema.optional(Schema.Number)
  },
  { key: Schema.String, value: Schema.Unknown }
)
export type Usage = typeof Usage.Type

/** The `error` object of a failed response. */
export const ResponseErrorBody = Schema.Struct({
  code: Schema.optional(Schema.Unknown),
  type: Schema.optional(Schema.Unknown),
  message: Schema.optional(Schema.Unknown)
})
export type ResponseErrorBody = typeof ResponseErrorBody.Type

/** The `response` object carried by lifecycle events (only what clients read is typed). */
export const ResponseObject = Schema.Struct(
  {
    id: Schema.optional(Schema.String),
    status: Schema.optional(Schema.String),
    output: Schema.optional(Schema.Array(JsonObject)),
    usage: Schema.optional(Schema.Unknown),
    error: Schema.optional(Schema.Unknown)
  },
  { key: Schema.String, value: Schema.Unknown }
)
export type ResponseObject = typeof ResponseObject.Type

const seq = { sequence_number: Schema.optional(Schema.Number) }
const at = { item_id: Schema.optional(Schema.String), output_index: Schema.optional(Schema.Number), content_index: Schema.optional(Schema.Number) }

const lifecycle = <T extends string>(type: T) =>
  Schema.Struct({ type: Schema.Literal(type), response: Schema.optional(ResponseObject), ...seq })

export const ResponseCreated = lifecycle("response.created")
export const ResponseInProgress = lifecycle("response.in_progress")
export const ResponseIncomplete = lifecycle("response.incomplete")

/** The terminal success event. `response` may be absent or not an object; `usage` may sit at top level. */
export const ResponseCompleted = Schema.Struct({
  type: Schema.Literal("response.completed"),
  response: Schema.optional(Schema.Unknown),
  usage: Schema.optional(Schema.Unknown),
  ...seq
})
export type ResponseCompleted = typeof ResponseCompleted.Type

/** The terminal failure event. */
export const ResponseFailed = Schema.Struct({
  type: Schema.Literal("response.failed"),
  response: Schema.optional(Schema.Unknown),
  ...seq
})
export type ResponseFailed = typeof ResponseFailed.Type

export const OutputTextDelta = Schema.Struct({
  type: Schema.Literal("response.output_text.delta"),
  delta: Schema.optionalWith(LenientString, { default: () => "" }),
  ...at,
  ...seq
})
export type OutputTextDelta = typeof OutputTextDelta.Type

export const OutputTextDone = Schema.Struct({
  type: Schema.Literal("response.output_text.done"),
  text: Schema.optional(Schema.String),
  ...at,
  ...seq
})

const itemEvent = <T extends string>(type: T) =>
  Schema.Struct({ type: Schema.Literal(type), item: JsonObject, output_index: Schema.optional(Schema.Number), ...seq })

export const OutputItemAdded = itemEvent("response.output_item.added")
/** A finished output item; decode `item` with `decodeOutputItem`. */
export const OutputItemDone = itemEvent("response.output_item.done")
export type OutputItemDone = typeof OutputItemDone.Type

const partEvent = <T extends string>(type: T) =>
  Schema.Struct({ type: Schema.Literal(type), part: Schema.optional(JsonObject), ...at, ...seq })

export const ContentPartAdded = partEvent("response.content_part.added")
export const ContentPartDone = partEvent("response.content_part.done")

export const FunctionCallArgumentsDelta = Schema.Struct({
  type: Schema.Literal("response.function_call_arguments.delta"),
  delta: Schema.optional(Schema.String),
  ...at,
  ...seq
})
export const FunctionCallArgumentsDone = Schema.Struct({
  type: Schema.Literal("response.function_call_arguments.done"),
  arguments: Schema.optional(Schema.String),
  ...at,
  ...seq
})

/** A stream-level `error` event (not terminal by itself). */
export const ErrorEvent = Schema.Struct({
  type: Schema.Literal("error"),
  code: Schema.optional(Schema.Unknown),
  message: Schema.optional(Schema.Unknown),
  param: Schema.optional(Schema.Unknown),
  ...seq
})

/** Any event type not listed above, kept as its JSON. */
export interface UnknownEvent {
  readonly type: string
  readonly _unknown: true
  readonly raw: Readonly<Record<string, unknown>>
}

export type ResponsesEvent =
  | typeof ResponseCreated.Type
  | typeof ResponseInProgress.Type
  | typeof ResponseIncomplete.Type
  | ResponseCompleted
  | ResponseFailed
  | OutputTextDelta
  | typeof OutputTextDone.Type
  | typeof OutputItemAdded.Type
  | OutputItemDone
  | typeof ContentPartAdded.Type
  | typeof ContentPartDone.Type
  | typeof FunctionCallArgumentsDelta.Type
  | typeof FunctionCallArgumentsDone.Type
  | typeof ErrorEvent.Type
  | UnknownEvent

const eventSchemas = [
  ResponseCreated,
  ResponseInProgress,
  ResponseIncomplete,
  ResponseCompleted,
  ResponseFailed,
  OutputTextDelta,
  OutputTextDone,
  OutputItemAdded,
  OutputItemDone,
  ContentPartAdded,
  ContentPartDone,
  FunctionCallArgumentsDelta,
  FunctionCallArgumentsDone,
  ErrorEvent
] as const

/** Every event type with a schema, for servers that want to validate what they send. */
export const knownEventTypes: ReadonlyArray<string> = eventSchemas.map((s) => s.fields.type.literals[0])

const eventDecoders = new Map<string, (raw: unknown) => Either.Either<ResponsesEvent, ParseError>>(
  eventSchemas.map((s) => [s.fields.type.literals[0], Schema.decodeUnknownEither(s as Schema.Schema<ResponsesEvent, any>)])
)

/**
 * Decodes one parsed SSE payload by its `type` (falling back to the SSE event name). Unknown types
 * are returned as `UnknownEvent` values, never failures; a known type with a malformed body fails.
 */
export const decodeResponsesEvent = (
  raw: Readonly<Record<string, unknown>>,
  eventName?: string
): Either.Either<ResponsesEvent, ParseError> => {
  const type = typeof raw.type === "string" ? raw.type : eventName ?? "message"
  const decode = eventDecoders.get(type)
  if (decode === undefined) return Either.right({ type, _unknown: true, raw })
  return decode(raw.type === type ? raw : { ...raw, type })
}

/**
 * The delta of a well-formed `response.output_text.delta` payload, checked by hand: the same
 * verdict as decoding it with `OutputTextDelta`, at a fraction of the cost on the hottest event.
 * Undefined for any other payload (decode those with `decodeResponsesEvent`).
 */
export const textDelta = (raw: Readonly<Record<string, unknown>>): string | undefined => {
  if (raw.type !== "response.output_text.delta") return undefined
  const optional = (value: unknown, type: "string" | "number") => value === undefined || typeof value === type
  if (
    !optional(raw.item_id, "string") ||
    !optional(raw.output_index, "number") ||
    !optional(raw.content_index, "number") ||
    !optional(raw.sequence_number, "number")
  ) {
    return undefined
  }
  return lenientText(raw.delta)
}

export const isUnknownEvent = (event: ResponsesEvent): event is UnknownEvent => "_unknown" in event
