/** Test support: a compatibility server on 127.0.0.1 port 0 in the test's scope, and a client for it. */
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpServer from "@effect/platform/HttpServer"
import { Effect, Layer, type Scope } from "effect"
import * as Environment from "../../../src/config/Environment.js"
import * as WireHttpClient from "../../../src/model/wireHttpClient.js"
import * as PayloadProcessors from "../../../src/server/request/PayloadProcessors.js"
import * as ResponsesServer from "../../../src/server/ResponsesServer.js"
import * as ServerConfig from "../../../src/server/ServerConfig.js"

export interface Reply {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly text: string
}

export interface TestServer {
  readonly url: string
  readonly get: (path: string) => Effect.Effect<Reply>
  readonly post: (path: string, body: string, headers?: Record<string, string>) => Effect.Effect<Reply>
}

export const userMessage = (text: string) => ({ type: "message", role: "user", content: [{ type: "input_text", text }] })

/** The usual inbound request. */
export const inbound = (instructions: string, input: ReadonlyArray<unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: "gpt-5.4", instructions, input, tools: [], tool_choice: "auto", parallel_tool_calls: true, stream: true, ...extra })

/** Starts a server for `config` with the given environment and processors. */
export const start = (
  config: Partial<ServerConfig.ServerConfig>,
  options: {
    readonly env?: Record<string, string>
    readonly processors?: PayloadProcessors.Registry
    /** Optional services (AccessLog, SessionStore) for the server. */
    readonly extra?: Layer.Layer<never> | Layer.Layer<any>
    readonly drainSeconds?: number
    /** Serve on this HttpServer instead of the configured listener. */
    readonly listener?: Layer.Layer<HttpServer.HttpServer, unknown, never> | Layer.Layer<any, unknown, never>
  } = {}
): Effect.Effect<TestServer, unknown, Scope.Scope> =>
  Effect.gen(function* () {
    const deps = Layer.mergeAll(
      WireHttpClient.layer,
      Environment.layerValue(options.env ?? {}),
      PayloadProcessors.layer(options.processors),
      options.extra ?? Layer.empty
    )
    const serverConfig = ServerConfig.make({ ...config, port: 0 })
    const layer: Layer.Layer<HttpServer.HttpServer, unknown, Environment.Environment | HttpClient.HttpClient | PayloadProcessors.PayloadProcessors> = options.listener === undefined
      ? ResponsesServer.layer(serverConfig, { drainSeconds: options.drainSeconds ?? 1 })
      : ResponsesServer.serve(serverConfig).pipe(
        Layer.provideMerge(options.listener as Layer.Layer<HttpServer.HttpServer | FileSystem.FileSystem>)
      )
    const context = yield* Layer.build(layer.pipe(Layer.provide(deps)))
    const server = HttpServer.HttpServer.pipe(Effect.provide(context))
    const address = (yield* server).address
    if (address._tag !== "TcpAddress") return yield* Effect.die("expected a TCP address")
    const url = `http://127.0.0.1:${address.port}`
    const client = WireHttpClient.make
    const run = (request: HttpClientRequest.HttpClientRequest) =>
      Effect.gen(function* () {
        const response = yield* client.execute(request)
        const text = yield* response.text
        return { status: response.status, headers: response.headers, text }
      }).pipe(Effect.orDie)
    return {
      url,
      get: (path) => run(HttpClientRequest.get(url + path)),
      post: (path, body, headers = {}) =>
        run(HttpClientRequest.post(url + path).pipe(
          HttpClientRequest.setHeaders({ accept: "text/event-stream", ...headers }),
          HttpClientRequest.bodyText(body, "application/json")
        ))
    }
  })

/** The `data:` payloads of an SSE body, parsed. */
export const events = (text: string): Array<Record<string, unknown>> =>
  text.split("\n").filter((l) => l.startsWith("data: ")).map((l) => JSON.parse(l.slice(6)) as Record<string, unknown>)

export const eventTypes = (text: string): Array<string> => events(text).map((e) => String(e.type))
