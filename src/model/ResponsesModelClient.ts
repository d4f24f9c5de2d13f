/** ResponsesModelClient: the ModelClient that talks to a Responses API over HTTP and SSE. */
import * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { Clock, Duration, Effect, Either, Layer, Option, Ref, Stream } from "effect"
import { CodexConfig, type ProviderInfo } from "../config/CodexConfig.js"
import { Environment } from "../config/Environment.js"
import { uuid7 } from "../protocol/Ids.js"
import type { ModelEvent } from "../protocol/ModelEvent.js"
import type { Prompt } from "../protocol/Prompt.js"
import { lenientText } from "../protocol/ResponsesWire.js"
import { ModelClient } from "./ModelClient.js"
import { ApiError, type ModelError, RetryableStreamError, StreamIdleTimeout } from "./ModelError.js"
import * as UserAgent from "./UserAgent.js"
import * as ErrorText from "./errorText.js"
import * as Request from "./request.js"
import { TransportConfigError } from "./proxy.js"
import { readBody } from "./bodyReader.js"
import * as WireHttpClient from "./wireHttpClient.js"
import { type Offer, requestRetry, retryingAttempts } from "./retry.js"

export { modelsHeaders, modelsUrl, responsesBody, responsesHeaders, responsesUrl } from "./request.js"

/** Everything one client needs. */
export interface Options {
  readonly provider: ProviderInfo
  readonly model: string
  /** A fresh UUIDv7 when absent. */
  readonly sessionId?: string | undefined
  readonly originator: string
  readonly userAgent: string
  readonly reasoningEffort?: string | undefined
  readonly reasoningSummary?: string | undefined
  readonly verbosity?: string | undefined
  readonly guardianApproval?: boolean | undefined
  /** Connect timeout (at least 1 s) and the whole budget of `GET /models`. */
  readonly timeoutSeconds: number
  /** `x-openai-subagent` value of a sub-agent's client (e.g. `collab_spawn`). */
  readonly subagent?: string | undefined
}

/** What a sub-agent or another configuration changes in a copy of a client. */
export interface Overrides {
  readonly model?: string | undefined
  readonly reasoningEffort?: string | undefined
  readonly sessionId?: string | undefined
  readonly subagent?: string | undefined
}

/** A ModelClient that can be copied with other settings. */
export interface ResponsesModelClient extends ModelClient {
  readonly options: Options
  /** A new client: the current model unless overridden, same identity and transport settings. */
  readonly withOverrides: (overrides: Overrides) => Effect.Effect<ResponsesModelClient>
}

/** A transport failure, before the client knows what it did to the stream. */
const transportDetail = (error: unknown): { readonly exception: string; readonly detail: string } => {
  const cause = (error as { cause?: unknown }).cause ?? error
  const node = cause as { code?: unknown; name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } }
  const code = node.code ?? node.cause?.code
  const message = lenientText(node.message ?? node.cause?.message ?? String(cause))
  const premature = code === "ECONNRESET" || message === "aborted" || /terminated|premature/i.test(message)
  return {
    exception: typeof code === "string" ? code : typeof node.name === "string" ? node.name : "Error",
    detail: premature ? "Response ended prematurely" : message
  }
}

/** A proxy or CA bundle setting that cannot work: retrying would fail the same way. */
const configFailure = (error: unknown): TransportConfigError | undefined => {
  const cause = (error as { cause?: unknown }).cause
  return cause instanceof TransportConfigError ? cause : undefined
}

/** Builds a client from options; needs an HttpClient and the Environment (API key, extra headers). */
export const make = (options: Options): Effect.Effect<ResponsesModelClient, never, HttpClient.HttpClient | Environment> =>
  Effect.gen(function* () {
    const http = yield* HttpClient.HttpClient
    const env = yield* Environment
    const model = yield* Ref.make(options.model)
    const sessionId = yield* Ref.make(options.sessionId ?? (yield* uuid7))
    const provider = options.provider
    const settings: Request.RequestSettings = { ...options, guardianApproval: options.guardianApproval ?? false }
    const url = Request.responsesUrl(provider)
    const idleMillis = Math.max(provider.streamIdleTimeoutMs, 1)
    const connectMillis = Math.max(options.timeoutSeconds, 1) * 1000
    /** Runs a request with the connect timeout of this client. */
    const withConnectTimeout = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
      Effect.locally(effect, WireHttpClient.currentConnectTimeout, Option.some(Duration.millis(connectMillis)))

    /** Sends the request once; a non-2xx status becomes its error. */
    const send = (ctx: ErrorText.RequestContext, body: string, prompt: Prompt) =>
      Effect.gen(function* () {
        const key = yield* Either.match(Request.apiKey(provider, env), { onLeft: Effect.fail, onRight: Effect.succeed })
        const headers = Request.responsesHeaders(settings, ctx.sessionId, key, prompt, env)
        const request = HttpClientRequest.post(url).pipe(
          HttpClientRequest.setHeaders(Object.fromEntries([...headers, ["accept-encoding", "identity"]])),
          HttpClientRequest.bodyText(body, "application/json")
        )
        const transport = (exception: string, detail: string) =>
          new RetryableStreamError({
            message: ErrorText.connectMessage(ctx, exception, detail) ??
              ErrorText.transportMessage(ctx, ErrorText.emptyDiagnostics(), exception, detail)
          })
        const response = yield* withConnectTimeout(http.execute(request)).pipe(
          Effect.catchAll((error): Effect.Effect<never, ModelError> => {
            const config = configFailure(error)
            if (config !== undefined) return Effect.fail(new ApiError({ message: config.message }))
            const { exception, detail } = transportDetail(error)
            return Effect.fail(transport(exception, detail))
          }),
          // The wait for headers: the connect timeout, or the idle timeout when that is longer.
          Effect.timeoutFail({
            duration: Duration.millis(Math.max(connectMillis, idleMillis)),
            onTimeout: () => transport("ReadTimeout", "no response headers before the timeout")
          })
        )
        if (response.status >= 200 && response.status < 300) return response
        const text = yield* response.text.pipe(Effect.orElseSucceed(() => ""))
        const now = yield* Clock.currentTimeMillis
        return yield* Effect.fail(
          ErrorText.classifyStatus(response.status, text, ErrorText.retryAfterHeader(response.headers["retry-after"], now), ctx)
        )
      })

    /** Reads one response body, handing its events to `offer`. */
    const readResponse = (ctx: ErrorText.RequestContext, response: HttpClientResponse.HttpClientResponse, offer: Offer) =>
      readBody(ctx, response, {
        idleMillis,
        offer,
        idle: (diagnostics) =>
          new StreamIdleTimeout({
            idleMillis,
            message: ErrorText.transportMessage(ctx, diagnostics, "ReadTimeout", `no data received for ${idleMillis} ms`)
          }),
        broken: (cause, diagnostics) => {
          const { exception, detail } = transportDetail(cause)
          return new RetryableStreamError({ message: ErrorText.transportMessage(ctx, diagnostics, exception, detail) })
        }
      })

    const stream = (prompt: Prompt): Stream.Stream<ModelEvent, ModelError> =>
      Stream.unwrap(
        Effect.gen(function* () {
          const currentModel = yield* Ref.get(model)
          const currentSession = yield* Ref.get(sessionId)
          // errors name the provider as config.toml does (`model_provider = "<id>"`), not by its display name
          const ctx: ErrorText.RequestContext = {
            providerName: provider.id,
            model: currentModel,
            url,
            sessionId: currentSession,
            ...(provider.envKey !== undefined && provider.envKey !== "" ? { envKey: provider.envKey } : {})
          }
          const body = yield* Either.match(Request.responsesBody(settings, currentModel, currentSession, prompt), {
            onLeft: Effect.fail,
            onRight: (value) => Effect.succeed(JSON.stringify(value))
          })
          const attempt = (offer: Offer) =>
            Effect.flatMap(send(ctx, body, prompt).pipe(Effect.retry(requestRetry(provider.requestMaxRetries))), (response) =>
              readResponse(ctx, response, offer)
            )
          return retryingAttempts(attempt, Math.max(0, provider.streamMaxRetries))
        })
      )

    const listModels: Effect.Effect<ReadonlyArray<string>, ModelError> = Effect.gen(function* () {
      const key = yield* Either.match(Request.apiKey(provider, env), { onLeft: Effect.fail, onRight: Effect.succeed })
      const request = HttpClientRequest.get(Request.modelsUrl(provider)).pipe(
        HttpClientRequest.setHeaders(Object.fromEntries([...Request.modelsHeaders(settings, key, env), ["accept-encoding", "identity"]]))
      )
      const failed = (detail: string) => new ApiError({ message: `models request failed: ${detail}` })
      const { status, text } = yield* withConnectTimeout(http.execute(request)).pipe(
        Effect.flatMap((response) => Effect.map(response.text, (text) => ({ status: response.status, text }))),
        Effect.scoped,
        Effect.mapError((error) => failed(configFailure(error)?.message ?? transportDetail(error).detail)),
        Effect.timeoutFail({ duration: Duration.millis(connectMillis), onTimeout: () => failed("timed out") })
      )
      if (status >= 400) {
        return yield* new ApiError({ message: `models request failed with status ${status}: ${text.slice(0, 500)}`, status })
      }
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch (error) {
        return yield* failed((error as Error).message)
      }
      const data = (json as { data?: unknown } | null)?.data
      if (!Array.isArray(data)) return yield* new ApiError({ message: "models response is missing `data` list" })
      return data.flatMap((entry) =>
        entry !== null && typeof entry === "object" && !Array.isArray(entry) ? [lenientText((entry as { id?: unknown }).id).trim()] : []
      ).filter((id) => id !== "")
    })

    const client: ResponsesModelClient = {
      options,
      stream,
      listModels,
      model,
      sessionId,
      withOverrides: (overrides) =>
        Effect.gen(function* () {
          const next: Options = {
            ...options,
            model: overrides.model ?? (yield* Ref.get(model)),
            sessionId: overrides.sessionId ?? (yield* Ref.get(sessionId)),
            ...(overrides.reasoningEffort !== undefined ? { reasoningEffort: overrides.reasoningEffort } : {}),
            ...(overrides.subagent !== undefined ? { subagent: overrides.subagent } : {})
          }
          return yield* make(next).pipe(Effect.provideService(HttpClient.HttpClient, http), Effect.provideService(Environment, env))
        })
    }
    return client
  })

/** Settings of `layer` that do not come from config.toml. */
export interface LayerOptions {
  readonly originator: string
  readonly version: string
  readonly timeoutSeconds: number
  readonly sessionId?: string | undefined
}

/** The client of the configured provider and model, over the HttpClient in context. */
export const layerWith = (layerOptions: LayerOptions) =>
  Layer.effect(
    ModelClient,
    Effect.gen(function* () {
      const config = yield* CodexConfig
      const userAgent = yield* UserAgent.detect(layerOptions.originator, layerOptions.version)
      return yield* make({
        provider: config.provider,
        model: config.model,
        sessionId: layerOptions.sessionId,
        originator: layerOptions.originator,
        userAgent,
        reasoningEffort: config.reasoningEffort,
        reasoningSummary: config.reasoningSummary,
        verbosity: config.verbosity,
        guardianApproval: config.guardianApproval,
        timeoutSeconds: layerOptions.timeoutSeconds
      })
    })
  )

/**
 * An HttpClient that sends exactly the headers given (no `Connection`, no tracing headers), straight
 * to the server with Node's default TLS trust.
 */
export const layerHttpClient: Layer.Layer<HttpClient.HttpClient> = WireHttpClient.layer

/**
 * The same client, honouring the environment's `HTTP(S)_PROXY` / `ALL_PROXY` / `NO_PROXY` and
 * CA bundle (`REQUESTS_CA_BUNDLE`, `CURL_CA_BUNDLE`, `SSL_CERT_FILE`).
 */
export const layerHttpClientEnvironment: Layer.Layer<HttpClient.HttpClient, never, Environment | FileSystem.FileSystem> =
  WireHttpClient.layerEnvironment

/** The production client: `layerWith` over the wire-exact node:http client and the environment's transport settings. */
export const layer = (layerOptions: LayerOptions): Layer.Layer<ModelClient, never, CodexConfig | Environment | FileSystem.FileSystem> =>
  layerWith(layerOptions).pipe(Layer.provide(layerHttpClientEnvironment))
