/** Launcher: runs a compatibility server inside the caller's scope on 127.0.0.1 and a free port, and says where it listens. */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpServer from "@effect/platform/HttpServer"
import type { ServeError } from "@effect/platform/HttpServerError"
import { Context, Data, Effect, Layer, type Scope } from "effect"
import type { Environment } from "../config/Environment.js"
import * as PayloadProcessors from "./request/PayloadProcessors.js"
import * as ResponsesServer from "./ResponsesServer.js"
import * as ServerConfig from "./ServerConfig.js"

/** A server started by `launch`; it stops when the scope it was launched in closes. */
export interface LaunchedServer {
  readonly config: ServerConfig.ServerConfig
  readonly port: number
  /** `http://127.0.0.1:<port>/v1`: clients post to `{baseUrl}/responses`. */
  readonly baseUrl: string
}

/** The server could not start listening. */
export class LaunchError extends Data.TaggedError("LaunchError")<{ readonly reason: string; readonly cause?: unknown }> {
  override get message() {
    return `the local responses server could not start: ${this.reason}`
  }
}

/**
 * Starts a server for `config` (host and port taken from it; port 0 picks a free one) and
 * returns once it listens. Closing the scope stops it and ends the streams it is serving.
 */
export const launch = (
  config: ServerConfig.ServerConfig
): Effect.Effect<LaunchedServer, LaunchError, Scope.Scope | HttpClient.HttpClient | Environment> =>
  Effect.gen(function* () {
    const deps = yield* Effect.context<HttpClient.HttpClient | Environment>()
    const built = yield* Layer.build(
      ResponsesServer.layer(config).pipe(
        Layer.provide(Layer.mergeAll(PayloadProcessors.layer(), Layer.succeedContext(deps)))
      )
    ).pipe(Effect.mapError((error: ServeError) => new LaunchError({ reason: describe(error), cause: error })))
    const address = Context.get(built, HttpServer.HttpServer).address
    if (address._tag !== "TcpAddress") return yield* new LaunchError({ reason: "it is not listening on a TCP port" })
    const host = config.host === "0.0.0.0" || config.host === "" ? "127.0.0.1" : config.host
    return { config: { ...config, port: address.port }, port: address.port, baseUrl: `http://${host}:${address.port}/v1` }
  })

const describe = (error: ServeError): string => {
  const cause = error.cause as { message?: unknown } | undefined
  return typeof cause?.message === "string" ? cause.message : error.message
}

/**
 * The launcher's entry: normalizes the downstream base URL (`invalid outcomming base url: …` when
 * it has no scheme or host) and launches on 127.0.0.1 with a free port.
 */
export const launchForBaseUrl = (
  baseUrl: string,
  options: Parameters<typeof ServerConfig.fromBaseUrl>[1] = {}
): Effect.Effect<LaunchedServer, LaunchError | ServerConfig.InvalidBaseUrl, Scope.Scope | HttpClient.HttpClient | Environment> =>
  Effect.flatMap(ServerConfig.fromBaseUrl(baseUrl, options), launch)
