/** MessagesEvents: turns a Messages API SSE body into chat-completions-like chunks for the same translator. */
import { Either, Stream } from "effect"
import { decodeSseLimited } from "../../model/Sse.js"
import type { ChatChunk } from "../../protocol/ChatChunkWire.js"
import { isRecord } from "../../protocol/ChatChunkWire.js"
import { decodeMessagesEvent, type MessagesEvent } from "../../protocol/MessagesEventWire.js"
import { describeFailure, eventLimit, OutcommingStreamError } from "./StreamErrors.js"

/** The message of a body that ended before its `message_stop` event. */
export const messagesEndedEarly = "outcomming messages stream ended before `message_stop`"

/** Prefix of the message of a body that could not be read, or that carried an `error` event. */
export const messagesReadFailed = "outcomming messages stream failed while reading response body: "

const isInt = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value)

/** A Messages usage object in chat terms; empty when it reports nothing usable. */
export const translateUsage = (usage: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  if (usage === undefined) return out
  const input = usage.input_tokens
  const output = usage.output_tokens
  if (isInt(input)) out.input_tokens = input
  if (isInt(output)) out.output_tokens = output
  if (isInt(usage.total_tokens)) out.total_tokens = usage.total_tokens
  else if (isInt(input) && isInt(output)) out.total_tokens = input + output
  const details: Record<string, unknown> = {}
  if (isInt(usage.cache_creation_input_tokens)) details.cache_creation_input_tokens = usage.cache_creation_input_tokens
  if (isInt(usage.cache_read_input_tokens)) details.cache_read_input_tokens = usage.cache_read_input_tokens
  if (Object.keys(details).length > 0) out.input_tokens_details = details
  return out
}

/** The chat finish reason of a Messages stop reason (`undefined` for none). */
export const finishReason = (stopReason: string | undefined): string | undefined => {
  switch (stopReason) {
    case undefined:
    case "":
      return undefined
    case "tool_use":
      return "tool_calls"
    case "max_tokens":
      return "length"
    case "refusal":
      return "content_filter"
    case "end_turn":
    case "stop_sequence":
      return "stop"
    default:
      return stopReason
  }
}

const deltaChunk = (delta: Record<string, unknown>): ChatChunk =>
  ({ choices: [{ index: 0, delta, finish_reason: undefined }] }) as ChatChunk
const finishChunk = (reason: string): ChatChunk => ({ choices: [{ index: 0, delta: {}, finish_reason: reason }] })
const usageChunk = (usage: Record<string, unknown>): ChatChunk => ({ choices: [], usage })

/** What the adapter remembers between events. */
export interface MessagesAdapterState {
  finishEmitted: boolean
  finishReason: string | undefined
  sawMessageStop: boolean
  /** Block kinds by index, as opened by `content_block_start`. */
  readonly blockTypes: Map<number, string>
}

export const initialState = (): MessagesAdapterState => ({
  finishEmitted: false,
  finishReason: undefined,
  sawMessageStop: false,
  blockTypes: new Map()
})

/**
 * The chunks one event stands for, or the failure an `error` event reports. `kind` is the
 * event's `type` or, when it has none, its SSE event name; `raw` is the parsed payload.
 */
export const eventToChunks = (
  state: MessagesAdapterState,
  kind: string,
  event: MessagesEvent,
  raw: Readonly<Record<string, unknown>>
): Either.Either<Array<ChatChunk>, OutcommingStreamError> => {
  const index = event.index ?? 0
  switch (kind) {
    case "message_start": {
      const usage = translateUsage(event.message?.usage)
      return Either.right(Object.keys(usage).length > 0 ? [usageChunk(usage)] : [])
    }
    case "content_block_start": {
      const block = event.content_block
      if (block === undefined) return Either.right([])
      if (block.type !== undefined) state.blockTypes.set(index, block.type)
      switch (block.type) {
        case "text":
          return Either.right(block.text ? [deltaChunk({ content: block.text })] : [])
        case "thinking":
          return Either.right(block.thinking ? [deltaChunk({ reasoning_content: block.thinking })] : [])
        case "tool_use": {
          const call: Record<string, unknown> = { index }
          const id = (block.id ?? "").trim()
          const name = (block.name ?? "").trim()
          if (id !== "") call.id = id
          if (name !== "") call.type = "function"
          const fn: Record<string, unknown> = {}
          if (name !== "") fn.name = name
          const args = JSON.stringify(block.input === undefined ? {} : block.input)
          if (args !== "{}") fn.arguments = args
          call.function = fn
          return Either.right([deltaChunk({ tool_calls: [call] })])
        }
        default:
          return Either.right([])
      }
    }
    case "content_block_delta": {
      const delta = event.delta
      switch (delta?.type) {
        case "text_delta":
          return Either.right(delta.text ? [deltaChunk({ content: delta.text })] : [])
        case "thinking_delta":
          return Either.right(delta.thinking ? [deltaChunk({ reasoning_content: delta.thinking })] : [])
        case "input_json_delta":
          return Either.right([deltaChunk({
            tool_calls: [{ index, function: delta.partial_json ? { arguments: delta.partial_json } : {} }]
          })])
        default:
          return Either.right([])
      }
    }
    case "message_delta": {
      const chunks: Array<ChatChunk> = []
      const usage = translateUsage(event.usage)
      if (Object.keys(usage).length > 0) chunks.push(usageChunk(usage))
      const reason = finishReason(event.delta?.stop_reason)
      if (reason !== undefined && !state.finishEmitted) {
        state.finishEmitted = true
        state.finishReason = reason
        chunks.push(finishChunk(reason))
      }
      return Either.right(chunks)
    }
    case "message_stop": {
      const chunks = state.finishEmitted ? [] : [finishChunk(state.finishReason ?? "stop")]
      state.finishEmitted = true
      state.sawMessageStop = true
      return Either.right(chunks)
    }
    case "error": {
      const message = isRecord(event.error) && typeof event.error.message === "string" ? event.error.message.trim() : ""
      return Either.left(new OutcommingStreamError({ message: messagesReadFailed + (message !== "" ? message : JSON.stringify(raw)) }))
    }
    default:
      return Either.right([])
  }
}

/**
 * Frames and converts a Messages stream body into chat-like chunks: text and thinking become
 * content and reasoning deltas, `tool_use` blocks become tool call fragments indexed by block,
 * usage and the stop reason become usage and finish chunks. Invalid JSON, a failing body or an
 * `error` event fail with a "failed while reading response body" error; a body that ends before
 * `message_stop` fails with "ended before `message_stop`". Non-object payloads are skipped; an
 * event longer than `maxEventChars` fails the round.
 */
export const messagesToChatChunks = <E, R>(
  body: Stream.Stream<string, E, R>,
  options: { readonly maxEventChars?: number } = {}
): Stream.Stream<ChatChunk, OutcommingStreamError, R> =>
  Stream.suspend(() => {
    const state = initialState()
    return decodeSseLimited(
      body.pipe(Stream.mapError((error) => new OutcommingStreamError({ message: messagesReadFailed + describeFailure(error) }))),
      eventLimit("messages", options.maxEventChars)
    ).pipe(
      Stream.mapEffect((sse): Either.Either<Array<ChatChunk>, OutcommingStreamError> => {
        let raw: unknown
        try {
          raw = JSON.parse(sse.data)
        } catch (error) {
          return Either.left(new OutcommingStreamError({ message: messagesReadFailed + describeFailure(error) }))
        }
        if (!isRecord(raw)) return Either.right([])
        const decoded = decodeMessagesEvent(raw)
        if (Either.isLeft(decoded)) return Either.right([])
        return eventToChunks(state, typeof raw.type === "string" ? raw.type : sse.event, decoded.right, raw)
      }),
      Stream.mapConcat((chunks) => chunks),
      Stream.concat(Stream.suspend(() =>
        state.sawMessageStop ? Stream.empty : Stream.fail(new OutcommingStreamError({ message: messagesEndedEarly }))))
    )
  })
