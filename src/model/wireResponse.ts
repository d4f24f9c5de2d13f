/** @internal The wire client's response over a Node `IncomingMessage`, without the web `Response` (loading undici costs start-up). */
import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import * as NodeStream from "@effect/platform-node/NodeStream"
import { Effect, Inspectable, Option, Stream } from "effect"
import type * as Http from "node:http"

/** Whether a body was taken by one of the response's readers (then it cannot be read from the socket). */
export interface BodyEntry {
  readonly incoming: Http.IncomingMessage
  taken: boolean
}

/** A response whose body readers take the socket's bytes on first use; status 204/205/304 have an empty body. */
export class WireResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  private cachedText: Effect.Effect<string, HttpClientError.ResponseError> | undefined

  /** `empty`: a status without a body (its bytes were already let through). */
  constructor(readonly request: HttpClientRequest.HttpClientRequest, private readonly entry: BodyEntry, private readonly empty: boolean) {
    super()
  }

  private readonly onError = (cause: unknown) =>
    new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })

  private readonly source = () => {
    this.entry.taken = true
    return this.entry.incoming
  }

  get status(): number {
    return this.entry.incoming.statusCode ?? 500
  }
  get headers(): Headers.Headers {
    return Headers.fromInput(this.entry.incoming.headers as Record<string, string | ReadonlyArray<string> | undefined>)
  }
  get cookies(): Cookies.Cookies {
    const header = this.entry.incoming.headers["set-cookie"]
    return Array.isArray(header) ? Cookies.fromSetCookie(header) : Cookies.empty
  }
  get remoteAddress(): Option.Option<string> {
    return Option.fromNullable(this.entry.incoming.socket?.remoteAddress)
  }
  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return this.empty ? Stream.empty : NodeStream.fromReadable(this.source, this.onError)
  }
  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    if (this.empty) return Effect.succeed("")
    if (this.cachedText === undefined) {
      this.cachedText = Effect.runSync(Effect.cached(NodeStream.toString(this.source, { onFailure: this.onError })))
    }
    return this.cachedText
  }
  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.tryMap(this.text, { try: (text) => (text === "" ? null : JSON.parse(text)), catch: this.onError })
  }
  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) => Effect.try({ try: () => UrlParams.fromInput(new URLSearchParams(text)), catch: this.onError }))
  }
  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    if (this.empty) return Effect.succeed(new ArrayBuffer(0))
    return Effect.map(NodeStream.toUint8Array(this.source, { onFailure: this.onError }), (bytes) =>
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer)
  }
  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return Effect.fail(this.onError(new Error("form data bodies are not read by this client")))
  }
  toJSON(): unknown {
    return { _id: "@effect/platform/HttpClientResponse", request: this.request.toJSON(), status: this.status }
  }
}
