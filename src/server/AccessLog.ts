/** AccessLog: one JSON line per request (method, path, status, duration, downstream status), written where the host says. */
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { Clock, Context, Effect, Layer, Option, Stream } from "effect"

/** One finished request. */
export interface AccessRecord {
  readonly time: string
  readonly method: string
  readonly path: string
  readonly status: number
  readonly duration_ms: number
  /** The status of the last downstream answer, when the request reached the downstream. */
  readonly downstream_status: number | null
  readonly response_id: string | null
  readonly remote: string | null
}

export interface AccessLog {
  readonly write: (record: AccessRecord) => Effect.Effect<void>
}

export const AccessLog = Context.GenericTag<AccessLog>("tscodex/server/AccessLog")

/** Writes each record as one JSON line through `line`. */
export const make = (line: (text: string) => Effect.Effect<void>): AccessLog => ({
  write: (record) => line(JSON.stringify(record))
})

export const layer = (line: (text: string) => Effect.Effect<void>): Layer.Layer<AccessLog> => Layer.succeed(AccessLog, make(line))

/** What a handler learns while serving one request and the log line reports. */
export interface RequestNotes {
  downstreamStatus: number | null
  responseId: string | null
}

export const RequestNotes = Context.GenericTag<RequestNotes>("tscodex/server/RequestNotes")

/**
 * Wraps an app so every request gets fresh notes and, with an AccessLog present, one line once
 * its answer is complete: at once for plain answers, when the body ends for streamed ones.
 * `redact` cleans the path (it is logged without its query).
 */
export const middleware = <E, R>(
  app: HttpApp.Default<E, R | RequestNotes>,
  redact: (text: string) => string
): HttpApp.Default<E, Exclude<R, RequestNotes>> =>
  Effect.gen(function* () {
    const notes: RequestNotes = { downstreamStatus: null, responseId: null }
    const log = yield* Effect.serviceOption(AccessLog)
    const request = yield* HttpServerRequest.HttpServerRequest
    const started = yield* Clock.currentTimeMillis
    const response = yield* Effect.provideService(app, RequestNotes, notes)
    if (Option.isNone(log)) return response
    const write = (status: number) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        log.value.write({
          time: new Date(now).toISOString(),
          method: request.method,
          path: redact(request.url.split("?")[0] ?? ""),
          status,
          duration_ms: now - started,
          downstream_status: notes.downstreamStatus,
          response_id: notes.responseId,
          remote: Option.getOrNull(request.remoteAddress)
        }))
    if (response.body._tag !== "Stream") {
      yield* write(response.status)
      return response
    }
    return HttpServerResponse.stream(response.body.stream.pipe(Stream.ensuring(write(response.status))), {
      status: response.status,
      headers: response.headers,
      contentType: response.body.contentType
    })
  }) as HttpApp.Default<E, Exclude<R, RequestNotes>>
