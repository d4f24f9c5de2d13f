/** Terminal: the last stage of a Responses stream: exactly one terminal event, every event encodable, failure texts redacted. */
import { Cause, Chunk, Effect, Stream } from "effect"
import { awaitReady, type BodySink } from "./BodySink.js"
import * as Ev from "./ResponsesEvents.js"
import { EncodedEvents, encodeEvent } from "./SseEncode.js"
import { stopWith } from "./StopWith.js"
import { describeFailure } from "./StreamErrors.js"

/** The message of a stream that ended without saying how. */
export const endedWithoutTerminal = "the response stream ended without a terminal event"

interface Piece<T = string> {
  readonly text: T
  readonly terminal: boolean
}

/** What may end a response early (the request deadline, a shutdown): its failure becomes the `response.failed`. */
export type Stopper = Effect.Effect<never, unknown>

/**
 * Encodes `events` as SSE text so that the client always sees exactly one terminal event
 * (`response.completed`, `response.incomplete` or `response.failed`) and nothing after it:
 * events after the first terminal one are dropped; a failure or defect anywhere upstream, an
 * event that cannot be encoded (a value too deep for JSON, say) or an end without a terminal
 * event becomes one `response.failed`. Only interruption (the client went away) ends it
 * otherwise. `redact` is applied to every failure message. A `stopper` that fails ends the
 * stream there with a `response.failed` naming its failure, unless the terminal event went out.
 */
export const terminatedSseText = <E, R>(
  events: Stream.Stream<Ev.ResponsesStreamEvent | EncodedEvents, E, R>,
  redact: (text: string) => string = (text) => text,
  stopper?: Stopper
): Stream.Stream<string, never, R> => stoppable(terminatedPieces(events, redact), stopper, (message) => encodeEvent(Ev.failed(redact(message))))

/**
 * Applies the stopper to finished pieces, so what waits between the producing fiber and the
 * writer is SSE output, not event objects.
 */
const stoppable = <T, R>(
  pieces: Stream.Stream<Piece<T>, never, R>,
  stopper: Stopper | undefined,
  failedPiece: (message: string) => T
): Stream.Stream<T, never, R> => {
  if (stopper === undefined) return Stream.map(pieces, (piece) => piece.text)
  return Stream.suspend(() => {
    let ended = false
    return stopWith(pieces, stopper).pipe(
      Stream.map((piece) => {
        if (piece.terminal) ended = true
        return piece.text
      }),
      Stream.catchAllCause((cause) =>
        Cause.isInterruptedOnly(cause)
          ? Stream.failCause(cause as Cause.Cause<never>)
          : ended
            ? Stream.empty
            : Stream.make(failedPiece(describeFailure(Cause.squash(cause)))))
    )
  })
}

const terminatedPieces = <E, R>(
  events: Stream.Stream<Ev.ResponsesStreamEvent | EncodedEvents, E, R>,
  redact: (text: string) => string
): Stream.Stream<Piece, never, R> =>
  Stream.suspend(() => {
    let ended = false
    const failedFrame = (message: string): string => {
      ended = true
      return encodeEvent(Ev.failed(redact(message)))
    }
    const encode = (event: Ev.ResponsesStreamEvent): string => {
      const safe = event.type === "response.failed"
        ? Ev.failed(redact(event.response.error.message), event.response.error.type)
        : event
      if (Ev.isTerminal(safe)) ended = true
      return encodeEvent(safe)
    }
    const pieces = events.pipe(
      Stream.mapChunks((chunk): Chunk.Chunk<Piece> => {
        let text = ""
        for (const event of chunk) {
          if (ended) break
          if (event instanceof EncodedEvents) {
            text += event.text
            continue
          }
          try {
            text += encode(event)
          } catch (error) {
            text += failedFrame(`the response could not be encoded: ${describeFailure(error)}`)
          }
        }
        return text === "" && !ended ? Chunk.empty() : Chunk.of({ text, terminal: ended })
      }),
      Stream.takeUntil((piece) => piece.terminal),
      Stream.catchAllCause((cause) =>
        Cause.isInterruptedOnly(cause)
          ? Stream.failCause(cause as Cause.Cause<never>)
          : ended
            ? Stream.empty
            : Stream.make<Array<Piece>>({ text: failedFrame(describeFailure(Cause.squash(cause))), terminal: true })),
      Stream.concat(Stream.suspend(() => ended ? Stream.empty : Stream.make<Array<Piece>>({ text: failedFrame(endedWithoutTerminal), terminal: true })))
    )
    return pieces
  })

const encoder = new TextEncoder()

/** `terminatedSseText` as bytes for an HTTP response (encoded in the same stage that picks the text). */
export const terminatedSse = <E, R>(
  events: Stream.Stream<Ev.ResponsesStreamEvent | EncodedEvents, E, R>,
  redact: (text: string) => string = (text) => text,
  stopper?: Stopper
): Stream.Stream<Uint8Array, never, R> =>
  stoppable(
    Stream.mapChunks(terminatedPieces(events, redact), (chunk) => Chunk.map(chunk, (piece) => ({ text: encoder.encode(piece.text), terminal: piece.terminal }))),
    stopper,
    (message) => encoder.encode(encodeEvent(Ev.failed(redact(message))))
  )

/**
 * Watches a response for a reason to end it now (its deadline, a shutdown): calls `stop` once with
 * that reason; the function returned stops watching.
 */
export type StopWatch = (stop: (reason: unknown) => void) => () => void

/**
 * `terminatedSse` for a response written through `sink`, as one effect: each piece is handed to the
 * client's socket in the step that made it (waiting while the socket is full), so nothing waits in
 * a queue. When `watch` stops the response, its `response.failed` is written at once after
 * everything already sent (unless the terminal event went out), the sink is closed, and the fiber
 * writing the response is interrupted, which ends it.
 */
export const writeTerminatedSse = <E, R>(
  events: Stream.Stream<Ev.ResponsesStreamEvent | EncodedEvents, E, R>,
  sink: BodySink,
  redact: (text: string) => string = (text) => text,
  watch?: StopWatch
): Effect.Effect<void, never, R> =>
  Effect.withFiberRuntime<void, never, R>((fiber) => {
    let ended = false
    const written = Stream.runForEachChunk(terminatedPieces(events, redact), (chunk) => {
      for (const piece of chunk) {
        sink.write(piece.text)
        if (piece.terminal) ended = true
      }
      return awaitReady(sink)
    })
    if (watch === undefined) return written
    const unwatch = watch((reason) => {
      if (!ended) sink.write(encodeEvent(Ev.failed(redact(describeFailure(reason)))))
      ended = true
      sink.close()
      fiber.unsafeInterruptAsFork(fiber.id())
    })
    return Effect.ensuring(written, Effect.sync(unwatch))
  })
