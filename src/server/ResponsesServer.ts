/** ResponsesServer: the compatibility server's HTTP app (health, models, streaming `/responses`) and its listening layer. */
import * as HttpApp from "@effect/platform/HttpApp"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServer from "@effect/platform/HttpServer"
import type { ServeError } from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Effect, Either, Layer, Option, Stream } from "effect"
import { createServer } from "node:http"
import type { Environment } from "../config/Environment.js"
import { buildChatRequest, sessionIdOf, translateRequest } from "./request/ChatRequest.js"
import * as PayloadProcessors from "./request/PayloadProcessors.js"
import { parseRequestBody, requireObject } from "./request/Validate.js"
import * as Ev from "./stream/ResponsesEvents.js"
import { encodeSse } from "./stream/SseEncode.js"
import { failedEvent, translateResponse } from "./stream/Translate.js"
import * as Downstream from "./Downstream.js"
import type { ServerConfig } from "./ServerConfig.js"
import * as SessionStore from "./SessionStore.js"
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

/**
 * The app of one server instance: a fresh response id counter, the config's downstream, the
 * payload processors as registered when each request arrives, and the trajectory dump when the
 * environment enables it (read once, here).
 */
export const makeApp = (
  config: ServerConfig
): Effect.Effect<HttpApp.Default, never, AppRequirements> =>
  Effect.gen(function* () {
    const downstream = yield* Downstream.make(config)
    const sessions = yield* SessionStore.make
    const processors = yield* PayloadProcessors.PayloadProcessors
    const provider = config.modelProvider
    const dump = yield* TrajectoryDump.fromEnvironment
    const openRound = Option.match(dump, {
      onNone: () => downstream.openRound,
      onSome: (d) => TrajectoryDump.observe(d, downstream.openRound)
    })
    const returnTokenIds = Option.isSome(dump)

    const health = HttpServerResponse.unsafeJson({ ok: true })

    const models = downstream.models.pipe(
      Effect.map((value) => HttpServerResponse.unsafeJson(value)),
      Effect.catchTag("ModelsRequestError", (error) => Effect.succeed(errorResponse(502, error.message)))
    )

    /** The events of an accepted request: the processors run here, so their failure is a `response.failed`. */
    const events = (body: Record<string, unknown>, sessionId: string | null, model: string) =>
      Stream.unwrap(Effect.gen(function* () {
        const registry = yield* processors.registry
        const translated = translateRequest(body, { provider, processors: registry, returnTokenIds })
        const record = yield* sessions.allocate(sessionId, Either.isRight(translated) ? translated.right.request.model : model)
        if (Either.isLeft(translated)) {
          return Stream.make<Array<Ev.ResponsesStreamEvent>>(Ev.created(record.responseId, model), failedEvent(translated.left))
        }
        const { request, customToolNames } = translated.right
        return translateResponse({
          context: { responseId: record.responseId, model: request.model, customToolNames },
          request: request as Readonly<Record<string, unknown>>,
          openRound
        })
      }))

    const responses = Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const text = yield* request.text.pipe(Effect.orElseSucceed(() => ""))
      const parsed = Either.flatMap(parseRequestBody(text), requireObject)
      if (Either.isLeft(parsed)) return errorResponse(400, parsed.left.message)
      const body = parsed.right
      const checked = buildChatRequest(body, { provider })
      if (Either.isLeft(checked)) return errorResponse(501, checked.left.message)
      const sessionId = sessionIdOf(body, request.headers["x-client-request-id"])
      return HttpServerResponse.stream(encodeSse(events(body, sessionId, checked.right.model)), {
        contentType: streamContentType,
        headers: streamHeaders
      })
    })

    const router = HttpRouter.empty.pipe(
      HttpRouter.get("/health", Effect.succeed(health)),
      HttpRouter.get("/healthz", Effect.succeed(health)),
      HttpRouter.get("/models", models),
      HttpRouter.get("/v1/models", models),
      HttpRouter.post("/responses", responses),
      HttpRouter.post("/v1/responses", responses)
    )

    return router.pipe(
      Effect.catchTag("RouteNotFound", (error) => {
        const path = error.request.url.split("?")[0] ?? ""
        return Effect.succeed(
          knownPaths.has(path)
            ? HttpServerResponse.unsafeJson({ detail: "Method Not Allowed" }, { status: 405 })
            : HttpServerResponse.unsafeJson({ detail: "Not Found" }, { status: 404 })
        )
      })
    )
  })

/** Serves the app on whatever HttpServer is provided. */
export const serve = (
  config: ServerConfig
): Layer.Layer<never, never, HttpServer.HttpServer | AppRequirements> =>
  Layer.unwrapEffect(Effect.map(makeApp(config), (app) => HttpServer.serve(app)))

/** Listens on the config's host and port; the HttpServer stays in the output so its address can be read. */
export const layer = (config: ServerConfig) =>
  serve(config).pipe(Layer.provideMerge(NodeHttpServer.layer(createServer, { port: config.port, host: config.host })))

/** `layer` with the built-in payload processors. */
export const layerDefault = (
  config: ServerConfig
): Layer.Layer<HttpServer.HttpServer, ServeError, HttpClient.HttpClient | Environment> =>
  layer(config).pipe(Layer.provide(PayloadProcessors.layer()))
