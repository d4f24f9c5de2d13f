/** ResponsesServer: the compatibility server's HTTP app (health, models, streaming `/responses`) and its listening layer. */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as HttpApp from "@effect/platform/HttpApp"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServer from "@effect/platform/HttpServer"
import type { ServeError } from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import { Chunk, Effect, Either, FiberRef, Layer, Option, type Scope, Stream } from "effect"
import type * as Http from "node:http"
import { Environment } from "../config/Environment.js"
import type { ChatChunk } from "../protocol/ChatChunkWire.js"
import * as AccessLog from "./AccessLog.js"
import * as Auth from "./Auth.js"
import * as Deadlines from "./Deadlines.js"
import * as Downstream from "./Downstream.js"
import * as Listener from "./Listener.js"
import { redact } from "./Redact.js"
import * as RequestBody from "./RequestBody.js"
import { buildChatRequest, sessionIdOf, translateRequest } from "./request/ChatRequest.js"
import { checkLimits } from "./request/Limits.js"
import * as PayloadProcessors from "./request/PayloadProcessors.js"
import { parseRequestBody, requireObject } from "./request/Validate.js"
import * as ServerConfig from "./ServerConfig.js"
import * as SessionStore from "./SessionStore.js"
import { asSetup, stepRunner } from "./SlicedScheduler.js"
import * as BodySink from "./stream/BodySink.js"
import * as Ev from "./stream/ResponsesEvents.js"
import { EncodedEvents } from "./stream/SseEncode.js"
import { type Stopper, terminatedSse, writeTerminatedSse } from "./stream/Terminal.js"
import { failedEvent, translateResponseDirect, translateResponseEncoded } from "./stream/Translate.js"
import * as TrajectoryDump from "./TrajectoryDump.js"

/** A plain JSON error answer: `{"error":{"message":"..."}}`. */
export const errorResponse = (status: number, message: string): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.unsafeJson({ error: { message } }, { status })

/** The headers of every accepted `/responses` stream. */
export const streamHeaders = { "cache-control": "no-cache", connection: "close" } as const
export const streamContentType = "text/event-stream; charset=utf-8"

const knownPaths = new Set(["/health", "/healthz", "/models", "/v1/models", "/responses", "/v1/responses"])

/** What building an app needs. */
export type AppRequirements =
  | HttpClient.HttpClient
  | Environment
  | FileSystem.FileSystem
  | PayloadProcessors.PayloadProcessors

export { DeadlineExceeded, ShuttingDown } from "./Deadlines.js"

/** The items a follow-up continues from: this request's input, then its output (mock searches are not input). */
const conversationOf = (input: unknown, output: ReadonlyArray<Ev.OutputItem>): Array<unknown> => [
  ...(Array.isArray(input) ? input : []),
  ...output.filter((item) => item.type !== "web_search_call")
]

/**
 * The app of one server instance: the config's downstream, the payload processors as registered
 * when each request arrives, the trajectory dump when the environment enables it (read once,
 * here), the inbound keys (read once, here), and the SessionStore provided, else an in-memory one
 * sized by the config.
 */
export const makeApp = (
  config: ServerConfig.ServerConfig
): Effect.Effect<HttpApp.Default, never, AppRequirements | Scope.Scope> =>
  Effect.gen(function* () {
    const downstream = yield* Downstream.make(config)
    const env = yield* Environment
    const sessions = yield* Effect.serviceOption(SessionStore.SessionStore).pipe(
      Effect.flatMap(Option.match({
        onSome: Effect.succeed,
        onNone: () =>
          SessionStore.makeMemory({
            maxEntries: config.sessionCacheEntries,
            maxBytes: config.sessionCacheBytes,
            ttlSeconds: config.sessionTtlSeconds
          })
      }))
    )
    const drain = yield* Effect.serviceOption(Listener.Drain)
    const processors = yield* PayloadProcessors.PayloadProcessors
    const provider = config.modelProvider
    const dump = yield* TrajectoryDump.fromEnvironment
    const returnTokenIds = Option.isSome(dump)
    const inbound = ServerConfig.inboundKeys(config, env)
    const checkKey = Auth.makeChecker(inbound.keys)
    const authRequired = config.apiKeyEnvs.length > 0
    const clean = (text: string) => {
      const downstreamKey = ServerConfig.apiKey(config, env)
      return redact(text, downstreamKey === undefined ? inbound.keys : [...inbound.keys, downstreamKey])
    }
    const cleanError = (status: number, message: string) => errorResponse(status, clean(message))

    const watch = yield* Deadlines.make(config.requestDeadlineSeconds, Option.getOrUndefined(drain))
    // the same watch as one effect, for responses not written straight to a Node socket
    const stopper: Stopper | undefined = watch === undefined ? undefined : Deadlines.asStopper(watch)

    const health = HttpServerResponse.unsafeJson({ ok: true })

    const models = downstream.models.pipe(
      Effect.map((value) => HttpServerResponse.unsafeJson(value)),
      Effect.catchTag("ModelsRequestError", (error) => Effect.succeed(cleanError(502, error.message)))
    )

    /** The events of an accepted request: the processors run here, so their failure is a `response.failed`. */
    const events = (
      body: Record<string, unknown>,
      sessionId: string | null,
      model: string,
      notes: AccessLog.RequestNotes,
      sink: BodySink.BodySink | undefined
    ) =>
      Stream.unwrap(asSetup(Effect.gen(function* () {
        const registry = yield* processors.registry
        const translated = translateRequest(body, { provider, processors: registry, returnTokenIds })
        const record = yield* sessions.allocate(sessionId, Either.isRight(translated) ? translated.right.request.model : model)
        notes.responseId = record.responseId
        if (Either.isLeft(translated)) {
          return Stream.make<Array<Ev.ResponsesStreamEvent | EncodedEvents>>(Ev.created(record.responseId, model), failedEvent(translated.left))
        }
        const { request, customToolNames } = translated.right
        const onStatus = (status: number) => void (notes.downstreamStatus = status)
        const round = (chat: Readonly<Record<string, unknown>>) => downstream.openRound(chat, onStatus)
        const batchedRound = <O>(chat: Readonly<Record<string, unknown>>, present: (chunks: ReadonlyArray<ChatChunk>) => ReadonlyArray<O>) =>
          downstream.openRoundBatched(chat, present, onStatus)
        const context = { responseId: record.responseId, model: request.model, customToolNames }
        const chat = request as Readonly<Record<string, unknown>>
        // the trajectory dump watches every chunk, so it takes the chunk-by-chunk path
        const stream = Option.isSome(dump)
          ? translateResponseEncoded({ context, request: chat, openRound: TrajectoryDump.observe(dump.value, round) })
          : sink === undefined
            ? translateResponseEncoded({ context, request: chat, openRound: round, openRoundBatched: batchedRound })
            : translateResponseDirect({ context, request: chat }, {
              sink,
              openRound: (next, consume) => downstream.openRoundDirect(next, consume, sink, onStatus)
            })
        if (body.store === false) return stream
        // the finished response is saved before the chunk holding it goes on (checked per chunk, not per event)
        return Stream.mapChunksEffect(stream, (chunk) => {
          const finished = Chunk.findFirst(chunk, (event) =>
            !(event instanceof EncodedEvents) && (event.type === "response.completed" || event.type === "response.incomplete"))
          if (Option.isNone(finished)) return Effect.succeed(chunk)
          const event = finished.value as Ev.ResponseCompleted | Ev.ResponseIncomplete
          return Effect.as(Effect.ignore(sessions.save({ ...record, conversation: conversationOf(body.input, event.response.output) })), chunk)
        })
      })))

    /** The body with the stored conversation of `previous_response_id` in front of its input, or the error answer. */
    const withPrevious = (body: Record<string, unknown>) =>
      Effect.gen(function* () {
        const id = body.previous_response_id
        if (id === undefined || id === null || id === "") return Either.right(body)
        if (typeof id !== "string") {
          return Either.left(Auth.openAiError(400, "Invalid type for 'previous_response_id': expected a string.", { param: "previous_response_id", code: "invalid_type" }))
        }
        const record = yield* sessions.lookup(id)
        if (record === undefined || record.conversation === undefined) {
          return Either.left(Auth.openAiError(400, `Previous response with id '${id}' not found.`, { param: "previous_response_id", code: "previous_response_not_found" }))
        }
        const input = body.input
        if (input !== undefined && input !== null && input !== "" && !Array.isArray(input)) return Either.right(body)
        return Either.right({ ...body, input: [...record.conversation, ...(Array.isArray(input) ? input : [])] })
      }).pipe(Effect.catchTag("SessionStoreError", (error) => Effect.succeed(Either.left(Auth.openAiError(503, clean(error.message), { type: "server_error" })))))

    const responses = asSetup(Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const notes = yield* AccessLog.RequestNotes
      const text = yield* RequestBody.readText(request, config.maxBodyBytes).pipe(Effect.either)
      if (Either.isLeft(text)) {
        return text.left._tag === "BodyTooLarge"
          ? Auth.openAiError(413, text.left.message, { code: "request_too_large" }).pipe(HttpServerResponse.setHeader("connection", "close"))
          : errorResponse(400, text.left.message)
      }
      const parsed = Either.flatMap(parseRequestBody(text.right), requireObject)
      if (Either.isLeft(parsed)) return cleanError(400, parsed.left.message)
      const clientRequestId = request.headers["x-client-request-id"]
      const limited = checkLimits(parsed.right, clientRequestId)
      if (Either.isLeft(limited)) {
        return Auth.openAiError(400, limited.left.message, {
          param: limited.left.param,
          code: limited.left.param === null ? "nesting_too_deep" : "string_above_max_length"
        })
      }
      const merged = yield* withPrevious(parsed.right)
      if (Either.isLeft(merged)) return merged.left
      const body = merged.right
      const checked = buildChatRequest(body, { provider })
      if (Either.isLeft(checked)) return cleanError(501, checked.left.message)
      const sessionId = sessionIdOf(body, clientRequestId)
      // a Node response is written straight from the step that read the backend's bytes
      const nodeResponse: Http.ServerResponse | undefined = NodeHttpServerRequest.toServerResponse(request)
      const sink = nodeResponse === undefined
        ? undefined
        : BodySink.fromServerResponse(nodeResponse, stepRunner(yield* FiberRef.get(FiberRef.currentScheduler)))
      const answer = events(body, sessionId, checked.right.model, notes, sink)
      // the whole response is set-up work but for the streaming of the backend's body (see Downstream)
      const sse = sink === undefined
        ? terminatedSse(answer, clean, stopper)
        : Stream.execute(asSetup(writeTerminatedSse(answer, sink, clean, watch)))
      return HttpServerResponse.stream(sse, {
        contentType: streamContentType,
        headers: streamHeaders
      })
    }))

    /** Inbound keys, when configured, guard everything but the health checks. */
    const guarded = <E, R>(handler: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>) =>
      authRequired
        ? Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
          const verdict = checkKey(request.headers["authorization"])
          return verdict === "ok" ? handler : Effect.succeed(Auth.unauthorized(verdict))
        })
        : handler

    const router = HttpRouter.empty.pipe(
      HttpRouter.get("/health", Effect.succeed(health)),
      HttpRouter.get("/healthz", Effect.succeed(health)),
      HttpRouter.get("/models", guarded(models)),
      HttpRouter.get("/v1/models", guarded(models)),
      HttpRouter.post("/responses", guarded(responses)),
      HttpRouter.post("/v1/responses", guarded(responses))
    )

    const app = router.pipe(
      Effect.catchTag("RouteNotFound", (error) => {
        const path = error.request.url.split("?")[0] ?? ""
        return Effect.succeed(
          knownPaths.has(path)
            ? HttpServerResponse.unsafeJson({ detail: "Method Not Allowed" }, { status: 405 })
            : HttpServerResponse.unsafeJson({ detail: "Not Found" }, { status: 404 })
        )
      })
    )
    return AccessLog.middleware(app, clean) as HttpApp.Default
  })

/** Serves the app on whatever HttpServer is provided. */
export const serve = (
  config: ServerConfig.ServerConfig
): Layer.Layer<never, never, HttpServer.HttpServer | AppRequirements> =>
  Layer.unwrapScoped(Effect.map(makeApp(config), (app) => HttpServer.serve(app)))

/**
 * Listens on the config's host and port with its connection limits and timeouts; the HttpServer
 * stays in the output so its address can be read. Closing the scope drains in-flight streams for
 * up to `drainSeconds` (default 30).
 */
export const layer = (config: ServerConfig.ServerConfig, options: { readonly drainSeconds?: number } = {}) =>
  serve(config).pipe(Layer.provideMerge(Listener.layer({ ...config, drainSeconds: options.drainSeconds ?? Listener.defaultDrainSeconds })))

/** `layer` with the built-in payload processors. */
export const layerDefault = (
  config: ServerConfig.ServerConfig
): Layer.Layer<HttpServer.HttpServer | Listener.Drain, ServeError, HttpClient.HttpClient | Environment> =>
  layer(config).pipe(Layer.provide(PayloadProcessors.layer()))
