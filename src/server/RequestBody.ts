/** RequestBody: reads an inbound HTTP body with a byte limit, in linear time, without cutting the connection before the answer. */
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import { Data, Effect, Option } from "effect"
import { IncomingMessage } from "node:http"

/** The body is larger than the limit (answered with HTTP 413). */
export class BodyTooLarge extends Data.TaggedError("BodyTooLarge")<{ readonly limit: number; readonly declared?: number }> {
  override get message() {
    return `request body is larger than the limit of ${this.limit} bytes`
  }
}

/** The client went away or the socket broke while the body was read. */
export class BodyReadError extends Data.TaggedError("BodyReadError")<{ readonly cause: unknown }> {
  override get message() {
    return `request body could not be read: ${(this.cause as { message?: unknown } | null)?.message ?? String(this.cause)}`
  }
}

/** The length a request declares, when it declares a valid one. */
export const declaredLength = (request: HttpServerRequest.HttpServerRequest): number | undefined => {
  const header = request.headers["content-length"]
  if (header === undefined || !/^\d+$/.test(header.trim())) return undefined
  return Number(header.trim())
}

/**
 * Calls `onChunk` for every piece of the body until it ends. Past `limit` bytes it stops reading
 * (the socket is paused, not destroyed, so the caller can still answer 413) and fails. A declared
 * `Content-Length` over the limit fails before anything is read.
 */
export const forEachChunk = (
  request: HttpServerRequest.HttpServerRequest,
  limit: number,
  onChunk: (chunk: Buffer) => void
): Effect.Effect<number, BodyTooLarge | BodyReadError> =>
  Effect.suspend(() => {
    const declared = declaredLength(request)
    if (declared !== undefined && declared > limit) return Effect.fail(new BodyTooLarge({ limit, declared }))
    const source: unknown = NodeHttpServerRequest.toIncomingMessage(request)
    if (!(source instanceof IncomingMessage)) {
      // not served by Node (a web Request in tests or other runtimes): the platform's own limit applies
      return request.arrayBuffer.pipe(
        HttpIncomingMessage.withMaxBodySize(Option.some(limit + 1)),
        Effect.mapError((cause) => /maxBytes/.test(String((cause as { cause?: unknown }).cause)) ? new BodyTooLarge({ limit }) : new BodyReadError({ cause })),
        Effect.flatMap((buffer) => buffer.byteLength > limit ? Effect.fail(new BodyTooLarge({ limit })) : Effect.sync(() => {
          onChunk(Buffer.from(buffer))
          return buffer.byteLength
        }))
      )
    }
    return Effect.async<number, BodyTooLarge | BodyReadError>((resume) => {
      let bytes = 0
      const cleanup = () => {
        source.off("data", onData)
        source.off("end", onEnd)
        source.off("error", onError)
        source.off("aborted", onAborted)
      }
      const onData = (chunk: Buffer) => {
        bytes += chunk.length
        if (bytes > limit) {
          cleanup()
          source.pause()
          resume(Effect.fail(new BodyTooLarge({ limit })))
          return
        }
        try {
          onChunk(chunk)
        } catch (cause) {
          cleanup()
          source.pause()
          resume(Effect.fail(new BodyReadError({ cause })))
        }
      }
      const onEnd = () => {
        cleanup()
        resume(Effect.succeed(bytes))
      }
      const onError = (cause: unknown) => {
        cleanup()
        resume(Effect.fail(new BodyReadError({ cause })))
      }
      const onAborted = () => onError(new Error("the client closed the connection"))
      source.on("data", onData)
      source.once("end", onEnd)
      source.once("error", onError)
      source.once("aborted", onAborted)
      if (source.readableEnded) onEnd()
      return Effect.sync(cleanup)
    })
  })

/** The whole body as UTF-8 text, if it fits in `limit` bytes. */
export const readText = (
  request: HttpServerRequest.HttpServerRequest,
  limit: number
): Effect.Effect<string, BodyTooLarge | BodyReadError> =>
  Effect.suspend(() => {
    const chunks: Array<Buffer> = []
    return Effect.map(forEachChunk(request, limit, (chunk) => void chunks.push(chunk)), () => Buffer.concat(chunks).toString("utf8"))
  })
