/**
 * @internal An HttpClient over node:http/node:https that puts exactly the request's headers on the
 * wire: no `Connection` header (Node adds one unless it is removed), no tracing headers, no
 * compression negotiation, redirects not followed.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { Effect, Layer } from "effect"
import * as Http from "node:http"
import * as Https from "node:https"
import { Readable } from "node:stream"

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

const toWebResponse = (incoming: Http.IncomingMessage): Response => {
  const headers = new Headers()
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v)
    else if (value !== undefined) headers.set(name, value)
  }
  const status = incoming.statusCode ?? 500
  const noBody = status === 204 || status === 205 || status === 304
  if (noBody) incoming.resume()
  return new Response(noBody ? null : (Readable.toWeb(incoming) as ReadableStream<Uint8Array>), { status, headers })
}

/** The client described in this module's header. */
export const make: HttpClient.HttpClient = HttpClient.make((request, url, signal) =>
  Effect.async<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((resume) => {
    const fail = (cause: unknown) => resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause })))
    const options: Http.RequestOptions = { method: request.method, headers: request.headers, signal }
    let nodeRequest: Http.ClientRequest
    try {
      nodeRequest = url.protocol === "https:" ? Https.request(url, options) : Http.request(url, options)
      nodeRequest.removeHeader("connection")
    } catch (cause) {
      return fail(cause)
    }
    nodeRequest.once("error", fail)
    nodeRequest.once("response", (incoming) => {
      nodeRequest.off("error", fail)
      try {
        resume(Effect.succeed(HttpClientResponse.fromWeb(request, toWebResponse(incoming))))
      } catch (cause) {
        incoming.destroy()
        fail(cause)
      }
    })
    const body = bodyBytes(request)
    if (body === undefined) nodeRequest.end()
    else nodeRequest.end(body)
    return Effect.sync(() => nodeRequest.destroy())
  })
).pipe(HttpClient.withTracerPropagation(false))

/** A layer with this client. */
export const layer: Layer.Layer<HttpClient.HttpClient> = Layer.succeed(HttpClient.HttpClient, make)
