/**
 * @internal An HttpClient over node:http that puts exactly the request's headers on the wire: no
 * `Connection` header (Node adds one unless it is removed), no tracing headers, no compression
 * negotiation, redirects not followed. Requests of one client share keep-alive connections per
 * destination (pool.ts); a new connection is opened as connect.ts does it: through the
 * environment's proxy when one applies, trusting an extra CA bundle when one is named, within the
 * connect timeout the caller sets with `currentConnectTimeout`. A request that fails on a pooled
 * connection before any answer (the server had closed it) is sent again on a new one.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { Duration, Effect, Either, FiberRef, Layer, Option } from "effect"
import * as Http from "node:http"
import type * as Net from "node:net"
import * as Tls from "node:tls"
import { Environment } from "../config/Environment.js"
import { authority, ConnectTimeout, type Endpoint, open } from "./connect.js"
import * as Pool from "./pool.js"
import * as Proxy from "./proxy.js"
import { makeNodeBody, type NodeBody } from "./nodeBody.js"
import { type BodyEntry, WireResponse } from "./wireResponse.js"

export type { NodeBody } from "./nodeBody.js"

/** How long establishing a connection may take (TCP, proxy tunnel, TLS); none by default. */
export const currentConnectTimeout: FiberRef.FiberRef<Option.Option<Duration.Duration>> = FiberRef.unsafeMake(
  Option.none<Duration.Duration>()
)

/** The variables that may name a CA bundle, in the order they are read. */
export const caBundleVariables = ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"] as const

/** The first CA bundle variable with a non-blank value, and that value trimmed. */
export const caBundleLocation = (env: Environment): { readonly variable: string; readonly path: string } | undefined => {
  for (const variable of caBundleVariables) {
    const path = env.get(variable)?.trim()
    if (path !== undefined && path !== "") return { variable, path }
  }
  return undefined
}

/** What one client needs to know besides the request. */
export interface Settings {
  readonly proxies: Proxy.ProxyEnvironment
  /** The TLS trust: undefined for Node's default roots. */
  readonly trust: Effect.Effect<Tls.SecureContext | undefined, Proxy.TransportConfigError>
}

/** Reads a CA bundle and builds a TLS context trusting it on top of Node's own roots. */
export const loadTrust = (
  fs: FileSystem.FileSystem,
  location: { readonly variable: string; readonly path: string }
): Effect.Effect<Tls.SecureContext, Proxy.TransportConfigError> =>
  Effect.gen(function* () {
    const unusable = (why: string) =>
      new Proxy.TransportConfigError({ message: `${location.variable} names a CA bundle that cannot be used: ${location.path} (${why})` })
    const text = yield* fs.readFileString(location.path).pipe(
      Effect.mapError((error) => unusable(error._tag === "SystemError" ? `${error.reason}: ${error.description ?? error.message}` : error.message))
    )
    if (!text.includes("-----BEGIN CERTIFICATE-----")) return yield* unusable("no PEM certificate in it")
    return yield* Effect.try({
      try: () => Tls.createSecureContext({ ca: [...Tls.rootCertificates, text] }),
      catch: (error) => unusable(error instanceof Error ? error.message : String(error))
    })
  })

const bodyBytes = (request: HttpClientRequest.HttpClientRequest): Uint8Array | string | undefined => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return undefined
    case "Uint8Array":
      return body.body
    case "Raw":
      return typeof body.body === "string" || body.body instanceof Uint8Array ? body.body : String(body.body)
    default:
      return undefined
  }
}

/** The bodies of this client's responses, by request, for `nodeBody`. */
const bodies = new WeakMap<HttpClientRequest.HttpClientRequest, BodyEntry>()

/** The response of `incoming`: its body is read by the response's readers or, untouched, by `nodeBody`. */
const toResponse = (request: HttpClientRequest.HttpClientRequest, incoming: Http.IncomingMessage): WireResponse => {
  const status = incoming.statusCode ?? 500
  const entry: BodyEntry = { incoming, taken: false }
  if (status === 204 || status === 205 || status === 304) {
    incoming.resume()
    entry.taken = true
    return new WireResponse(request, entry, true)
  }
  bodies.set(request, entry)
  return new WireResponse(request, entry, false)
}

/** The body of a response of this client, unless it is already being read another way. */
export const nodeBody = (response: HttpClientResponse.HttpClientResponse): NodeBody | undefined => {
  const entry = bodies.get(response.request)
  return entry === undefined || entry.taken ? undefined : makeNodeBody(entry)
}

/** A request failed on a pooled connection before any answer: the server had closed it. */
class StaleConnection {
  constructor(readonly cause: unknown) {}
}

/**
 * Writes the request and waits for the response head: on an idle pooled connection for the same
 * destination when there is one, else on `opened`.
 */
const exchange = (
  request: HttpClientRequest.HttpClientRequest,
  url: URL,
  target: Endpoint,
  proxy: Proxy.Proxy | undefined,
  pool: Pool.Pool,
  poolKey: string,
  opened: Net.Socket | undefined
) =>
  Effect.async<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError | StaleConnection>((resume) => {
    let nodeRequest: Http.ClientRequest | undefined
    const fail = (cause: unknown) => {
      opened?.destroy()
      nodeRequest?.destroy()
      resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause })))
    }
    // a plain-http request through a proxy names the whole URL; everything else the path only
    const forward = proxy !== undefined && !target.secure
    const options: Pool.PoolOptions = {
      method: request.method,
      host: target.host,
      port: target.port,
      defaultPort: target.secure ? 443 : 80,
      path: forward ? `${url.protocol}//${authority(target)}${url.pathname}${url.search}` : `${url.pathname}${url.search}`,
      headers: request.headers,
      agent: pool.agent,
      poolKey,
      opened
    }
    try {
      nodeRequest = Http.request(options)
      nodeRequest.removeHeader("connection")
      if (forward && proxy.authorization !== undefined) nodeRequest.setHeader("proxy-authorization", proxy.authorization)
    } catch (cause) {
      return fail(cause)
    }
    const current = nodeRequest
    current.once("socket", (socket) => {
      // an idle connection was free after all: the one opened for this request is not needed
      if (opened !== undefined && socket !== opened) opened.destroy()
    })
    const onError = (cause: unknown) => {
      if (current.reusedSocket || cause instanceof Pool.NoIdleConnection) {
        current.destroy()
        return resume(Effect.fail(new StaleConnection(cause)))
      }
      fail(cause)
    }
    current.once("error", onError)
    current.once("response", (incoming) => {
      current.off("error", onError)
      // a late error (the body breaking off) is read from the response; this keeps it handled
      current.on("error", () => {})
      try {
        resume(Effect.succeed(toResponse(request, incoming)))
      } catch (cause) {
        incoming.destroy()
        fail(cause)
      }
    })
    const body = bodyBytes(request)
    if (body === undefined) current.end()
    else current.end(body)
    return Effect.sync(() => {
      current.destroy()
      opened?.destroy()
    })
  })

/** The client described in this module's header, for the given proxies and trust. */
export const makeWith = (settings: Settings): HttpClient.HttpClient => {
  const pool = Pool.make()
  return HttpClient.make((request, url) =>
    Effect.gen(function* () {
      const transport = (cause: unknown) => new HttpClientError.RequestError({ request, reason: "Transport", cause })
      const target: Endpoint = { host: Proxy.bareHost(url.hostname), port: Proxy.effectivePort(url), secure: url.protocol === "https:" }
      const proxy = yield* Either.match(Proxy.select(settings.proxies, url), {
        onLeft: (error) => Effect.fail(transport(error)),
        onRight: Effect.succeed
      })
      const context = target.secure || proxy?.secure === true ? yield* Effect.mapError(settings.trust, transport) : undefined
      const limit = yield* FiberRef.get(currentConnectTimeout)
      const first = proxy ?? target
      const connect = open(target, proxy, context).pipe(
        Option.isSome(limit)
          ? Effect.timeoutFail({
              duration: limit.value,
              onTimeout: () =>
                new ConnectTimeout({
                  message: `no connection to ${proxy?.display ?? authority(first)} within ${Duration.format(limit.value)}`
                })
            })
          : (self) => self,
        Effect.mapError(transport)
      )
      const poolKey = `${proxy?.display ?? ""}|${target.secure ? "https" : "http"}|${authority(target)}`
      const fresh = Effect.flatMap(connect, (socket) => exchange(request, url, target, proxy, pool, poolKey, socket))
      const attempt = pool.hasIdle(poolKey) ? exchange(request, url, target, proxy, pool, poolKey, undefined) : fresh
      // a pooled connection the server had already closed is not a failure of the request
      return yield* attempt.pipe(
        Effect.catchIf(
          (error): error is StaleConnection => error instanceof StaleConnection,
          () => fresh
        ),
        Effect.mapError((error) => (error instanceof StaleConnection ? transport(error.cause) : error))
      )
    })
  ).pipe(HttpClient.withTracerPropagation(false))
}

/** Straight connections with Node's default trust, whatever the environment says. */
export const make: HttpClient.HttpClient = makeWith({ proxies: Proxy.none, trust: Effect.succeed(undefined) })

/** A layer with `make`. */
export const layer: Layer.Layer<HttpClient.HttpClient> = Layer.succeed(HttpClient.HttpClient, make)

/**
 * A layer whose client honours the environment's proxy variables and CA bundle. The bundle is read
 * once, at the first request that needs TLS; a bundle that cannot be read fails every request with
 * a TransportConfigError naming the variable and the path.
 */
export const layerEnvironment: Layer.Layer<HttpClient.HttpClient, never, Environment | FileSystem.FileSystem> = Layer.effect(
  HttpClient.HttpClient,
  Effect.gen(function* () {
    const env = yield* Environment
    const fs = yield* FileSystem.FileSystem
    const location = caBundleLocation(env)
    const trust = location === undefined ? Effect.succeed(undefined) : yield* Effect.cached(loadTrust(fs, location))
    return makeWith({ proxies: Proxy.fromEnvironment(env), trust })
  })
)
