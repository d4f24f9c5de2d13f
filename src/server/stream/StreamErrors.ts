/** StreamErrors: the failure a downstream round reports; it ends the Responses stream as `response.failed`. */
import { Data } from "effect"

/**
 * A downstream failure: the request could not be sent or was refused, the body broke off, or
 * the model's output cannot be turned into Responses items. `errorType` is copied into the
 * `response.failed` error when present (only `model_output_invalid` today).
 */
export class OutcommingStreamError extends Data.TaggedError("OutcommingStreamError")<{
  readonly message: string
  readonly errorType?: string
}> {}

/** The text of any failure value, for messages that wrap it. */
export const describeFailure = (error: unknown): string => {
  if (typeof error === "string") return error
  if (error instanceof Error || (typeof error === "object" && error !== null && "message" in error)) {
    const message = (error as { message: unknown }).message
    if (typeof message === "string" && message !== "") return message
  }
  if (typeof error === "object" && error !== null && "_tag" in error) return String((error as { _tag: unknown })._tag)
  return String(error)
}

/** How many characters one downstream SSE event may hold before the round fails (16 Mi). */
export const DEFAULT_MAX_EVENT_CHARS = 16 * 1024 * 1024

/** The limit of a downstream body: an event over `maxEventChars` fails the round with a clear message. */
export const eventLimit = (kind: "chat" | "messages", maxEventChars: number = DEFAULT_MAX_EVENT_CHARS) => ({
  maxEventChars,
  onOverflow: (held: number) =>
    new OutcommingStreamError({
      message: `outcomming ${kind} stream sent an event longer than ${maxEventChars} characters (${held} buffered); the response was abandoned`
    })
})
