/** MessagesEventWire: Schemas of the Messages API stream events (`message_start`, `content_block_*`, `message_delta`, ...). */
import { Schema } from "effect"
import { LenientObject, LenientString, lenientStruct } from "./ChatChunkWire.js"

/** A block index as the adapter reads it: an integral number or numeric text, anything else is 0. */
export const BlockIndex = Schema.transform(Schema.Unknown, Schema.Number, {
  strict: true,
  decode: (value) => {
    const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN
    return Number.isFinite(n) ? Math.trunc(n) : 0
  },
  encode: (n) => n
})

/** The block a `content_block_start` opens (`text`, `thinking`, `tool_use`, or a kind the adapter skips). */
export const ContentBlock = Schema.Struct({
  type: Schema.optional(LenientString),
  text: Schema.optional(LenientString),
  thinking: Schema.optional(LenientString),
  id: Schema.optional(LenientString),
  name: Schema.optional(LenientString),
  input: Schema.optional(Schema.Unknown)
})
export type ContentBlock = typeof ContentBlock.Type

/** The `delta` of `content_block_delta` (`text_delta`, `thinking_delta`, `input_json_delta`, ...) or of `message_delta`. */
export const EventDelta = Schema.Struct({
  type: Schema.optional(LenientString),
  text: Schema.optional(LenientString),
  thinking: Schema.optional(LenientString),
  partial_json: Schema.optional(LenientString),
  stop_reason: Schema.optional(LenientString)
})
export type EventDelta = typeof EventDelta.Type

export const MessageStart = Schema.Struct({ usage: Schema.optional(LenientObject) })

/**
 * Any Messages stream event. The kind is `type`, or the SSE event name when `type` is missing;
 * fields of the wrong shape read as absent.
 */
export const MessagesEvent = Schema.Struct({
  type: Schema.optional(LenientString),
  index: Schema.optional(BlockIndex),
  message: Schema.optional(lenientStruct(MessageStart)),
  content_block: Schema.optional(lenientStruct(ContentBlock)),
  delta: Schema.optional(lenientStruct(EventDelta)),
  usage: Schema.optional(LenientObject),
  error: Schema.optional(LenientObject)
})
export type MessagesEvent = typeof MessagesEvent.Type

/** Decodes one parsed event payload; only a non-object fails. */
export const decodeMessagesEvent = Schema.decodeUnknownEither(MessagesEvent)
