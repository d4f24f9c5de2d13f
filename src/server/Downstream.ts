/** Downstream: one round against the configured backend (chat completions or Messages) and the `/models` proxy. */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { Chunk, type Clock, Context, Data, Duration, Effect, Either, Layer, Option, Stream } from "effect"
import { Environment } from "../config/Environment.js"
import * as WireHttpClient from "../model/wireHttpClient.js"
import type { ChatChunk } from "../protocol/ChatChunkWire.js"
import { toMessagesRequest } from "./request/MessagesRequest.js"
import { awaitReady, type BodySink } from "./stream/BodySink.js"
import { type ChatChunkStep, chatReadFailed, decodeChatChunks, makeChatBytesReader, presentBatches } from "./stream/ChatChunks.js"
import { messagesToChatChunks } from "./stream/MessagesEvents.js"
import { describeFailure, OutcommingStreamError } from "./stream/StreamErrors.js"
import * as ServerConfig from "./ServerConfig.js"
import { asSetup } from "./SlicedScheduler.js"

/** The `/models` proxy could not get a JSON answer (answered with HTTP 502). */
export class ModelsRequestError extends Data.TaggedError("ModelsRequestError")<{ readonly message: string }> {}

export interface Downstream {
  /**
   * Sends one chat request (translated for Messages when so configured) when run, and yields its
   * chunks; `onStatus` hears the HTTP status of the answer (for the access log).
   */
  readonly openRound: (
    request: Readonly<Record<string, unknown>>,
    onStatus?: (status: number) => void
  ) => Stream.Stream<ChatChunk, OutcommingStreamError>
  /**
   * `openRound` with each batch of chunks, as read from the socket, handed to `present` in the same
   * step, and its results streamed instead: the chunks are dropped before the next read, where a
   * stream stage would keep the last batch (and the text it was parsed from) alive until then.
   */
  readonly openRoundBatched: <O>(
    request: Readonly<Record<string, unknown>>,
    present: (chunks: ReadonlyArray<ChatChunk>) => ReadonlyArray<O>,
    onStatus?: (status: number) => void
  ) => Stream.Stream<O, OutcommingStreamError>
  /**
   * `openRound` with each batch of chunks handed to `consume` as it is read, in the socket's own
   * callback where the body comes straight from the wire client, while `sink` (the client's socket)
   * takes more: what `consume` makes goes out at once and nothing waits in a queue. Yields nothing.
   */
  readonly openRoundDirect: (
    request: Readonly<Record<string, unknown>>,
    consume: (chunks: ReadonlyArray<ChatChunk>) => void,
    sink: BodySink,
    onStatus?: (status: number) => void
  ) => Stream.Stream<never, OutcommingStreamError>
  /** `GET {base}/models`: the downstream JSON value, unchanged. */
  readonly models: Effect.Effect<unknown, ModelsRequestError>
}

export const Downstream = Context.GenericTag<Downstream>("tscodex/server/Downstream")

/** How many characters of an error body a message keeps. */
export const BODY_LIMIT = 500

/** A value in single quotes, or double quotes when it holds a single quote and no double quote. */
const quoted = (value: string): string => (value.includes("'") && !value.includes("\"") ? `"${value}"` : `'${value}'`)

class Timeout extends Data.TaggedError("Timeout")<{}> {
  override get message() {
    return "timed out"
  }
}

/** The reason of a transport failure, from the innermost cause that has a message. */
export const transportReason = (error: unknown): string => {
  let current: unknown = error
  for (let depth = 0; depth < 4; depth++) {
    const cause = (current as { cause?: unknown } | null)?.cause
    if (cause === undefined || cause === null) break
    current = cause
  }
  return describeFailure(current)
}

/** Whether a body read is waiting for bytes (since when, in the clock's milliseconds), and whether it is over. */
interface Idle {
  since: number | undefined
  finished: boolean
}

/**
 * One fiber per body that breaks the body off once its read has waited `timeoutMillis` for bytes,
 * as a per-read timeout would, so the waiting read fails with "timed out" (no race per read).
 */
const idleWatchdog = (clock: Clock.Clock, timeoutMillis: number, idle: Idle, body: WireHttpClient.NodeBody) =>
  Effect.suspend(function loop(): Effect.Effect<void> {
    if (idle.finished) return Effect.void
    const now = clock.unsafeCurrentTimeMillis()
    if (idle.since !== undefined && now - idle.since >= timeoutMillis) return Effect.sync(() => body.abort(new Timeout()))
    return Effect.flatMap(Effect.sleep(idle.since === undefined ? timeoutMillis : idle.since + timeoutMillis - now), loop)
  })

const readFailed = (cause: unknown) => new OutcommingStreamError({ message: chatReadFailed + describeFailure(cause) })

/**
 * The chat chunks of a body read straight from its socket, a batch per pull: whatever arrived since
 * the last pull is decoded, framed and parsed at once (no stream stage or timer per network chunk),
 * with the idle timeout kept by `idleWatchdog`.
 */
const wireChatChunks = <O>(
  body: WireHttpClient.NodeBody,
  timeoutMillis: number,
  options: { readonly maxEventChars?: number },
  present: (chunks: ReadonlyArray<ChatChunk>) => ReadonlyArray<O>
): Stream.Stream<O, OutcommingStreamError> =>
  Stream.unwrapScoped(Effect.flatMap(Effect.clock, (clock) => {
    const reader = makeChatBytesReader(options)
    const idle: Idle = { since: undefined, finished: false }
    let pending: OutcommingStreamError | undefined // a failure that comes after chunks already handed on
    const handOn = (step: ChatChunkStep) => {
      if (step.done) {
        idle.finished = true
        body.release()
      } else if (step.failure !== undefined) {
        idle.finished = true
        pending = step.failure
      }
      return Chunk.unsafeFromArray(present(step.chunks) as Array<O>)
    }
    const pull: Effect.Effect<Chunk.Chunk<O>, Option.Option<OutcommingStreamError>> = Effect.suspend(() => {
      if (pending !== undefined) return Effect.fail(Option.some(pending))
      if (idle.finished) return Effect.fail(Option.none())
      idle.since = clock.unsafeCurrentTimeMillis()
      return Effect.matchEffect(body.pull(readFailed), {
        onFailure: (error) => Effect.fail(Option.some(error)),
        onSuccess: (bytes) => {
          idle.since = undefined
          if (bytes !== undefined) return Effect.succeed(handOn(reader.push(bytes)))
          idle.finished = true
          return Effect.succeed(handOn(reader.end()))
        }
      })
    })
    return Effect.as(Effect.forkScoped(idleWatchdog(clock, timeoutMillis, idle, body)), Stream.repeatEffectChunkOption(pull))
  }))

/**
 * The chat chunks of a body read in its socket's callbacks (`NodeBody.drive`), each batch handed to
 * `consume` as it arrives; the same framing, failures and idle timeout as `wireChatChunks`.
 */
const drivenChatChunks = (
  body: WireHttpClient.NodeBody,
  timeoutMillis: number,
  options: { readonly maxEventChars?: number },
  consume: (chunks: ReadonlyArray<ChatChunk>) => void,
  sink: BodySink
): Stream.Stream<never, OutcommingStreamError> =>
  Stream.unwrapScoped(Effect.flatMap(Effect.clock, (clock) => {
    const reader = makeChatBytesReader(options)
    const idle: Idle = { since: undefined, finished: false }
    let stepped = false
    /** Hands a step's chunks on; its end (`[DONE]` or a failure) stops the read. */
    const handOn = (step: ChatChunkStep): { readonly stop: OutcommingStreamError | undefined } | undefined => {
      consume(step.chunks)
      return step.done || step.failure !== undefined ? { stop: step.failure } : undefined
    }
    // the body's streaming is not set-up work: the fiber waits at the streaming priority meanwhile
    const read = Effect.withSchedulingPriority(body.drive({
      take: (bytes) => handOn(reader.push(bytes)),
      end: () => handOn(reader.end())?.stop,
      broken: readFailed,
      flow: sink,
      // the round's first read runs at once: it holds the first delta its client is waiting for
      run: (step) => {
        if (stepped) return sink.run(step)
        stepped = true
        step()
      },
      waiting: (yes) => void (idle.since = yes ? clock.unsafeCurrentTimeMillis() : undefined)
    }), 0).pipe(
      Effect.flatMap((failure) => failure === undefined ? Effect.void : Effect.fail(failure)),
      Effect.ensuring(Effect.sync(() => void (idle.finished = true)))
    )
    return Effect.as(Effect.forkScoped(idleWatchdog(clock, timeoutMillis, idle, body)), Stream.drain(Stream.fromEffect(read)))
  }))

/** Builds the downstream of a config; the API key variable is read for every request. */
export const make = (config: ServerConfig.ServerConfig): Effect.Effect<Downstream, never, HttpClient.HttpClient | Environment> =>
  Effect.gen(function* () {
    const http = yield* HttpClient.HttpClient
    const env = yield* Environment
    const timeout = Duration.millis(Math.max(config.timeoutSeconds, 0.001) * 1000)

    const headers = (accept: string): Record<string, string> => {
      const key = ServerConfig.apiKey(config, env)
      return {
        accept,
        "content-type": "application/json",
        ...(key === undefined ? {} : { authorization: `Bearer ${key}` })
      }
    }

    /** Runs a request within the connect timeout and the wait-for-headers timeout. */
    const send = (request: HttpClientRequest.HttpClientRequest) =>
      Effect.locally(http.execute(request), WireHttpClient.currentConnectTimeout, Option.some(timeout)).pipe(
        Effect.timeoutFail({ duration: timeout, onTimeout: () => new Timeout() })
      )

    const errorBody = (response: HttpClientResponse.HttpClientResponse) =>
      response.text.pipe(Effect.orElseSucceed(() => ""), Effect.map((text) => text.slice(0, BODY_LIMIT)))

    const decodeOptions = { maxEventChars: config.maxDownstreamEventChars }

    /** Sends a round's request and opens its body: straight from the socket, or as a chunk stream. */
    const openBody = (request: Readonly<Record<string, unknown>>, onStatus?: (status: number) => void) =>
      asSetup(Effect.gen(function* () {
        const api = ServerConfig.normalizedApi(config)
        if (api === undefined) {
          return yield* new OutcommingStreamError({ message: `unsupported outcomming API: ${quoted(config.outcommingApi)}` })
        }
        const kind = api === "messages" ? "messages" : "chat"
        const body = api === "messages"
          ? yield* Either.mapLeft(toMessagesRequest(request), (error) => new OutcommingStreamError({ message: error.message }))
          : request
        const url = api === "messages" ? ServerConfig.messagesUrl(config) : ServerConfig.chatCompletionsUrl(config)
        const response = yield* send(
          HttpClientRequest.post(url).pipe(
            HttpClientRequest.setHeaders(headers("text/event-stream")),
            HttpClientRequest.bodyText(JSON.stringify(body), "application/json")
          )
        ).pipe(
          Effect.mapError((error) =>
            new OutcommingStreamError({ message: `outcomming ${kind} request failed: ${transportReason(error)}` }))
        )
        onStatus?.(response.status)
        if (response.status >= 400) {
          const text = yield* errorBody(response)
          return yield* new OutcommingStreamError({
            message: `outcomming ${kind} request failed with status ${response.status}: ${text}`
          })
        }
        const wire = api === "messages" ? undefined : WireHttpClient.nodeBody(response)
        if (wire !== undefined) return { _tag: "Wire", body: wire } as const
        const text = response.stream.pipe(
          Stream.timeoutFail(() => new Timeout(), timeout),
          Stream.decodeText()
        )
        const chunks = api === "messages" ? messagesToChatChunks(text, decodeOptions) : decodeChatChunks(text, decodeOptions)
        return { _tag: "Chunks", chunks } as const
      }))

    const openRoundBatched = <O>(
      request: Readonly<Record<string, unknown>>,
      present: (chunks: ReadonlyArray<ChatChunk>) => ReadonlyArray<O>,
      onStatus?: (status: number) => void
    ): Stream.Stream<O, OutcommingStreamError> =>
      Stream.unwrap(Effect.map(openBody(request, onStatus), (opened) =>
        opened._tag === "Wire"
          ? wireChatChunks(opened.body, Duration.toMillis(timeout), decodeOptions, present)
          : presentBatches(opened.chunks, present)))

    const openRoundDirect = (
      request: Readonly<Record<string, unknown>>,
      consume: (chunks: ReadonlyArray<ChatChunk>) => void,
      sink: BodySink,
      onStatus?: (status: number) => void
    ): Stream.Stream<never, OutcommingStreamError> =>
      Stream.unwrap(Effect.map(openBody(request, onStatus), (opened) =>
        opened._tag === "Wire"
          ? drivenChatChunks(opened.body, Duration.toMillis(timeout), decodeOptions, consume, sink)
          : Stream.mapChunksEffect(opened.chunks, (batch) => {
            consume(Chunk.toReadonlyArray(batch))
            return Effect.as(awaitReady(sink), Chunk.empty<never>())
          })))

    const openRound = (request: Readonly<Record<string, unknown>>, onStatus?: (status: number) => void) =>
      openRoundBatched(request, (chunks) => chunks, onStatus)

    const models = Effect.gen(function* () {
      const failed = (reason: string) => new ModelsRequestError({ message: `outcomming request failed: ${reason}` })
      const response = yield* send(
        HttpClientRequest.get(ServerConfig.modelsUrl(config)).pipe(HttpClientRequest.setHeaders(headers("application/json")))
      ).pipe(Effect.mapError((error) => failed(transportReason(error))))
      if (response.status >= 400) {
        const text = yield* errorBody(response)
        return yield* new ModelsRequestError({
          message: `outcomming request failed with status ${response.status}: ${text}`
        })
      }
      const text = yield* response.text.pipe(Effect.mapError((error) => failed(transportReason(error))))
      return yield* Effect.try({
        try: () => JSON.parse(text) as unknown,
        catch: (error) => failed(`invalid JSON body: ${describeFailure(error)}`)
      })
    })

    return Downstream.of({ openRound, openRoundBatched, openRoundDirect, models })
  })

export const layer = (config: ServerConfig.ServerConfig): Layer.Layer<Downstream, never, HttpClient.HttpClient | Environment> =>
  Layer.effect(Downstream, make(config))
