/** Translate: the Responses event stream of one inbound request, driving downstream rounds through the translator. */
import { Cause, Effect, Stream } from "effect"
import type { ChatChunk } from "../../protocol/ChatChunkWire.js"
import type { BodySink } from "./BodySink.js"
import { presentBatches } from "./ChatChunks.js"
import * as Ev from "./ResponsesEvents.js"
import { makeResponseTranslator, type ResponseTranslator, type TranslationContext } from "./Rounds.js"
import { encodeBatch, EncodedEvents } from "./SseEncode.js"
import { describeFailure, OutcommingStreamError } from "./StreamErrors.js"
import { followUpRequest } from "./WebSearch.js"

export interface ResponseTranslation<E, R> {
  readonly context: TranslationContext
  /** The downstream chat request of the first round (after provider post-processing). */
  readonly request: Readonly<Record<string, unknown>>
  /**
   * Opens one downstream round for a chat request and yields its chunks. It is called again for a
   * reasoning-only retry (with an identical copy) and for a web search follow-up. The request is
   * sent when the stream is run, so opening failures surface after `response.created`.
   */
  readonly openRound: (request: Readonly<Record<string, unknown>>) => Stream.Stream<ChatChunk, E, R>
  /**
   * `openRound` translating each batch of chunks as it is read (see `Downstream.openRoundBatched`);
   * used instead of `openRound` when given.
   */
  readonly openRoundBatched?: <O>(
    request: Readonly<Record<string, unknown>>,
    present: (chunks: ReadonlyArray<ChatChunk>) => ReadonlyArray<O>
  ) => Stream.Stream<O, E, R>
}

/** How `translateResponseDirect` reads a round: each batch of chunks goes to `consume` as it is read, and the stream yields nothing. */
export interface DirectRounds<E, R> {
  readonly sink: BodySink
  readonly openRound: (request: Readonly<Record<string, unknown>>, consume: (chunks: ReadonlyArray<ChatChunk>) => void) => Stream.Stream<never, E, R>
}

/** The `response.failed` event for any failure value (an `OutcommingStreamError` keeps its type). */
export const failedEvent = (error: unknown): Ev.ResponseFailed =>
  error instanceof OutcommingStreamError
    ? Ev.failed(error.message, error.errorType)
    : Ev.failed(describeFailure(error))

/**
 * The whole event stream: `response.created`, then each round's text deltas, web search items
 * and follow-ups, the reasoning-only retry, the final items and `response.completed`. Any failure
 * after `response.created` (a downstream error, a defect) becomes one final `response.failed`;
 * only interruption ends the stream otherwise.
 */
export const translateResponse = <E, R>(options: ResponseTranslation<E, R>): Stream.Stream<Ev.ResponsesStreamEvent, never, R> =>
  translateWith(options, presentedRounds(options, (translator, chunks) => chunks.flatMap(translator.push)))

/**
 * `translateResponse` with each batch of streamed events written as SSE text in the step that
 * translated it (the relay's form): created, final and failure events stay events.
 */
export const translateResponseEncoded = <E, R>(
  options: ResponseTranslation<E, R>
): Stream.Stream<Ev.ResponsesStreamEvent | EncodedEvents, never, R> =>
  translateWith(options, presentedRounds(options, (translator, chunks) => {
    const encoded = encodeBatch(chunks.flatMap(translator.push))
    return encoded === undefined ? [] : [encoded]
  }))

/**
 * `translateResponse` with each batch of streamed deltas written to `direct.sink` as SSE text in
 * the step that read it: created, final and failure events stay events.
 */
export const translateResponseDirect = <E, R>(
  options: Omit<ResponseTranslation<E, R>, "openRound" | "openRoundBatched">,
  direct: DirectRounds<E, R>
): Stream.Stream<Ev.ResponsesStreamEvent, never, R> =>
  translateWith(options, (translator, request) =>
    direct.openRound(request, (chunks) => {
      const encoded = encodeBatch(chunks.flatMap(translator.push))
      if (encoded !== undefined) direct.sink.write(encoded.text)
    }))

/** Rounds whose batches of chunks `step` turns into the stream's elements. */
const presentedRounds = <E, R, O>(
  options: ResponseTranslation<E, R>,
  step: (translator: ResponseTranslator, chunks: ReadonlyArray<ChatChunk>) => ReadonlyArray<O>
) =>
(translator: ResponseTranslator, request: Readonly<Record<string, unknown>>): Stream.Stream<O, E, R> => {
  const present = (chunks: ReadonlyArray<ChatChunk>) => step(translator, chunks)
  return options.openRoundBatched !== undefined
    ? options.openRoundBatched(request, present)
    : presentBatches(options.openRound(request), present)
}

/** The response around its rounds: `openTranslated` runs one round through the translator. */
const translateWith = <E, R, O>(
  options: Pick<ResponseTranslation<E, R>, "context" | "request">,
  openTranslated: (translator: ResponseTranslator, request: Readonly<Record<string, unknown>>) => Stream.Stream<O, E, R>
): Stream.Stream<O | Ev.ResponsesStreamEvent, never, R> =>
  Stream.suspend(() => {
    const translator = makeResponseTranslator(options.context)

    const round = (request: Readonly<Record<string, unknown>>): Stream.Stream<O | Ev.ResponsesStreamEvent, E | OutcommingStreamError, R> =>
      Stream.suspend(() => {
        translator.beginRound(request.tools)
        const translated = openTranslated(translator, request)
        return translated.pipe(
          Stream.concat(Stream.unwrap(Effect.sync(() => {
            const outcome = translator.endRound()
            switch (outcome._tag) {
              case "Finish":
                return Stream.fromIterable(outcome.events)
              case "Fail":
                return Stream.fail(outcome.error)
              case "RetryReasoningOnly":
                return round(structuredClone(request))
              case "WebSearch": {
                const next = followUpRequest(request, outcome.calls, outcome.reasoning)
                return Stream.fromIterable(outcome.events).pipe(
                  Stream.concat(next instanceof OutcommingStreamError ? Stream.fail(next) : round(next))
                )
              }
            }
          })))
        )
      })

    return Stream.make<Array<O | Ev.ResponsesStreamEvent>>(translator.created()).pipe(
      Stream.concat(round(options.request)),
      Stream.catchAllCause((cause) =>
        Cause.isInterruptedOnly(cause)
          ? Stream.failCause(cause as Cause.Cause<never>)
          : Stream.make(failedEvent(Cause.squash(cause))))
    )
  })

/**
 * One downstream stream translated on its own: `chunks` is re-run for a reasoning-only retry.
 * `request` (default `{}`) supplies the tools used for name hydration and the mock web search.
 */
export const translateChatStream = <E, R>(
  chunks: Stream.Stream<ChatChunk, E, R>,
  context: TranslationContext & { readonly request?: Readonly<Record<string, unknown>> }
): Stream.Stream<Ev.ResponsesStreamEvent, never, R> =>
  translateResponse({ context, request: context.request ?? {}, openRound: () => chunks })
