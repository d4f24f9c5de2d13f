/** ChatChunks: reads a downstream Chat Completions SSE body into typed chunks, ending at `[DONE]`. */
import { Chunk, Either, Option, Stream } from "effect"
import { decodeSseLimited, makeFramer, type SseEvent } from "../../model/Sse.js"
import { type ChatChunk, decodeChatChunk } from "../../protocol/ChatChunkWire.js"
import { describeFailure, eventLimit, OutcommingStreamError } from "./StreamErrors.js"

/** The message of a body that ended without its `[DONE]` line. */
export const chatEndedEarly = "outcomming chat stream ended before [DONE]"

/** Prefix of the message of a body that could not be read or parsed. */
export const chatReadFailed = "outcomming chat stream failed while reading response body: "

type Step = { readonly _tag: "Chunk"; readonly chunk: ChatChunk } | { readonly _tag: "Done" } | { readonly _tag: "Skip" }

/** The text of an `error` member a chunk carries: its `message`, else the value as JSON. */
export const chunkErrorText = (error: unknown): string => {
  if (typeof error === "string" && error.trim() !== "") return error.trim()
  if (typeof error === "object" && error !== null && typeof (error as { message?: unknown }).message === "string") {
    const message = ((error as { message: string }).message).trim()
    if (message !== "") return message
  }
  return JSON.stringify(error) ?? String(error)
}

const parseData = (data: string): Either.Either<Step, OutcommingStreamError> => {
  if (data === "[DONE]") return Either.right({ _tag: "Done" })
  let raw: unknown
  try {
    raw = JSON.parse(data)
  } catch (error) {
    return Either.left(new OutcommingStreamError({ message: chatReadFailed + describeFailure(error) }))
  }
  // a backend that fails mid-stream sends `{"error": {...}}` in place of a chunk
  if (typeof raw === "object" && raw !== null && !Array.isArray(raw) && "error" in raw && (raw as { error: unknown }).error != null) {
    return Either.left(new OutcommingStreamError({ message: chatReadFailed + chunkErrorText((raw as { error: unknown }).error) }))
  }
  // valid JSON that is not an object carries nothing a chunk can say: skip it
  const decoded = decodeChatChunk(raw)
  return Either.right(Either.isRight(decoded) ? { _tag: "Chunk", chunk: decoded.right } : { _tag: "Skip" })
}

/**
 * Frames and decodes a Chat Completions stream body. SSE event names are ignored and empty
 * data is skipped; `[DONE]` ends the stream and nothing after it is read. Invalid JSON, or a
 * failure of the body itself, fails with a "failed while reading response body" error; a body
 * that ends without `[DONE]` fails with "ended before [DONE]". A chunk holding an `error` member
 * fails with that error's message, and an event longer than `maxEventChars` fails the round.
 */
export const decodeChatChunks = <E, R>(
  body: Stream.Stream<string, E, R>,
  options: { readonly maxEventChars?: number } = {}
): Stream.Stream<ChatChunk, OutcommingStreamError, R> =>
  Stream.suspend(() => {
    let done = false
    return decodeSseLimited(
      body.pipe(Stream.mapError((error) => new OutcommingStreamError({ message: chatReadFailed + describeFailure(error) }))),
      eventLimit("chat", options.maxEventChars)
    ).pipe(
      Stream.mapEffect((event) => parseData(event.data)),
      Stream.takeUntil((step) => step._tag === "Done"),
      Stream.filterMap((step) => {
        if (step._tag === "Done") done = true
        return step._tag === "Chunk" ? Option.some(step.chunk) : Option.none()
      }),
      Stream.concat(Stream.suspend(() => done ? Stream.empty : Stream.fail(new OutcommingStreamError({ message: chatEndedEarly }))))
    )
  })

/** What one piece of body text (or the body's end) gave: its chunks, whether `[DONE]` came, the failure that ends the round. */
export interface ChatChunkStep {
  readonly chunks: ReadonlyArray<ChatChunk>
  readonly done: boolean
  readonly failure?: OutcommingStreamError
}

/**
 * `decodeChatChunks` for text pushed a piece at a time, synchronously: the same framing, limit and
 * failures, with the chunks decoded before a failure in the same piece kept. Nothing may be pushed
 * after a step that is done or failed.
 */
export const makeChatChunkReader = (options: { readonly maxEventChars?: number } = {}) => {
  const framer = makeFramer()
  const limit = eventLimit("chat", options.maxEventChars)
  const handle = (events: ReadonlyArray<SseEvent>): ChatChunkStep => {
    const chunks: Array<ChatChunk> = []
    for (const event of events) {
      const step = parseData(event.data)
      if (Either.isLeft(step)) return { chunks, done: false, failure: step.left }
      if (step.right._tag === "Done") return { chunks, done: true }
      if (step.right._tag === "Chunk") chunks.push(step.right.chunk)
    }
    return { chunks, done: false }
  }
  return {
    push: (text: string): ChatChunkStep => {
      const events = framer.push(text)
      const held = framer.buffered()
      return held > limit.maxEventChars ? { chunks: [], done: false, failure: limit.onOverflow(held) } : handle(events)
    },
    end: (): ChatChunkStep => {
      const step = handle(framer.end())
      return step.done || step.failure !== undefined ? step : { ...step, failure: new OutcommingStreamError({ message: chatEndedEarly }) }
    }
  }
}

/**
 * `makeChatChunkReader` for a body's bytes: UTF-8 is decoded across pieces, and `end` takes what the
 * decoder still held as the body's last text.
 */
export const makeChatBytesReader = (options: { readonly maxEventChars?: number } = {}) => {
  const reader = makeChatChunkReader(options)
  const decoder = new TextDecoder()
  return {
    push: (bytes: Uint8Array): ChatChunkStep => reader.push(decoder.decode(bytes, { stream: true })),
    end: (): ChatChunkStep => {
      const tail = decoder.decode()
      if (tail === "") return reader.end()
      const last = reader.push(tail)
      if (last.done || last.failure !== undefined) return last
      const ending = reader.end()
      return { ...ending, chunks: [...last.chunks, ...ending.chunks] }
    }
  }
}

/** `chunks` with each batch (what one pull gave) handed whole to `present`, and its results streamed instead. */
export const presentBatches = <O, E, R>(
  chunks: Stream.Stream<ChatChunk, E, R>,
  present: (chunks: ReadonlyArray<ChatChunk>) => ReadonlyArray<O>
): Stream.Stream<O, E, R> => Stream.mapChunks(chunks, (batch) => Chunk.unsafeFromArray(present(Chunk.toReadonlyArray(batch)) as Array<O>))
