/** Terminal: the last stage of a Responses stream: exactly one terminal event, every event encodable, failure texts redacted. */
import { Cause, Chunk, Stream } from "effect"
import * as Ev from "./ResponsesEvents.js"
import { encodeEvent } from "./SseEncode.js"
import { describeFailure } from "./StreamErrors.js"

/** The message of a stream that ended without saying how. */
export const endedWithoutTerminal = "the response stream ended without a terminal event"

interface Piece {
  readonly text: string
  readonly terminal: boolean
}

/**
 * Encodes `events` as SSE text so that the client always sees exactly one terminal event
 * (`response.completed`, `response.incomplete` or `response.failed`) and nothing after it:
 * events after the first terminal one are dropped; a failure or defect anywhere upstream, an
 * event that cannot be encoded (a value too deep for JSON, say) or an end without a terminal
 * event becomes one `response.failed`. Only interruption (the client went away) ends it
 * otherwise. `redact` is applied to every failure message.
 */
export const terminatedSseText = <E, R>(
  events: Stream.Stream<Ev.ResponsesStreamEvent, E, R>,
  redact: (text: string) => string = (text) => text
): Stream.Stream<string, never, R> => Stream.map(terminatedPieces(events, redact), (piece) => piece.text)

const terminatedPieces = <E, R>(
  events: Stream.Stream<Ev.ResponsesStreamEvent, E, R>,
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
  events: Stream.Stream<Ev.ResponsesStreamEvent, E, R>,
  redact: (text: string) => string = (text) => text
): Stream.Stream<Uint8Array, never, R> =>
  Stream.mapChunks(terminatedPieces(events, redact), (chunk) => Chunk.map(chunk, (piece) => encoder.encode(piece.text)))
