/** Translate: the Responses event stream of one inbound request, driving downstream rounds through the translator. */
import { Cause, Effect, Stream } from "effect"
import type { ChatChunk } from "../../protocol/ChatChunkWire.js"
import * as Ev from "./ResponsesEvents.js"
import { makeResponseTranslator, type TranslationContext } from "./Rounds.js"
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
  Stream.suspend(() => {
    const translator = makeResponseTranslator(options.context)

    const round = (request: Readonly<Record<string, unknown>>): Stream.Stream<Ev.ResponsesStreamEvent, E | OutcommingStreamError, R> =>
      Stream.suspend(() => {
        translator.beginRound(request.tools)
        return options.openRound(request).pipe(
          Stream.mapConcat(translator.push),
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

    return Stream.make<Array<Ev.ResponsesStreamEvent>>(translator.created()).pipe(
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
