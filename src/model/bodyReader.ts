/**
 * @internal Reads one streamed Responses body into ModelEvents, a network chunk at a time: bytes
 * are decoded, framed and parsed synchronously, events are handed over per chunk, and a single
 * watchdog per attempt enforces the idle timeout (no timer per chunk, no stream per event).
 */
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { Effect, Option, Stream } from "effect"
import type { ModelEvent } from "../protocol/ModelEvent.js"
import type { ModelError } from "./ModelError.js"
import { makeFramer } from "./Sse.js"
import type { Diagnostics, RequestContext } from "./errorText.js"
import { makeResponseParser, type Step } from "./responseParser.js"
import { nodeBody } from "./wireHttpClient.js"

/** Bytes in, steps out: decoding, SSE framing and event parsing of one attempt. */
export interface BodyReader {
  readonly push: (bytes: Uint8Array) => Step
  /** The body ended: flushes what is pending, and fails unless the response completed. */
  readonly end: () => Step
  readonly diagnostics: () => Diagnostics
}

export const makeBodyReader = (ctx: RequestContext): BodyReader => {
  const decoder = new TextDecoder()
  const framer = makeFramer()
  const parser = makeResponseParser(ctx)
  return {
    push: (bytes) => parser.handle(framer.push(decoder.decode(bytes, { stream: true }))),
    end: () => {
      const tail = decoder.decode()
      const events = tail === "" ? framer.end() : [...framer.push(tail), ...framer.end()]
      const step = parser.handle(events)
      if (step.done || step.failure !== undefined) return step
      const failure = parser.finish()
      return failure === undefined ? step : { ...step, failure }
    },
    diagnostics: () => ({ ...parser.diagnostics, rawLines: framer.stats.rawLines })
  }
}

/** How the body of one attempt is read. */
export interface ReadOptions {
  readonly idleMillis: number
  /** Receives the events of each chunk, in order. */
  readonly offer: (events: ReadonlyArray<ModelEvent>) => void
  /** The error for a body silent for `idleMillis`. */
  readonly idle: (diagnostics: Diagnostics) => ModelError
  /** The error for a body that broke (transport failure). */
  readonly broken: (cause: unknown, diagnostics: Diagnostics) => ModelError
}

type Outcome = { readonly _tag: "Continue" } | { readonly _tag: "Stop"; readonly failure?: ModelError }
const next: Outcome = { _tag: "Continue" }

/**
 * Reads the body until `response.completed`, a failure or its end. A body from the wire client is
 * read straight from its socket; any other is pulled chunk by chunk.
 */
export const readBody = (
  ctx: RequestContext,
  response: HttpClientResponse.HttpClientResponse,
  options: ReadOptions
): Effect.Effect<void, ModelError> =>
  Effect.gen(function* () {
    const clock = yield* Effect.clock
    const reader = makeBodyReader(ctx)
    let last = clock.unsafeCurrentTimeMillis()
    const handle = (step: Step): Outcome => {
      if (step.events.length > 0) options.offer(step.events)
      if (step.failure !== undefined) return { _tag: "Stop", failure: step.failure }
      return step.done ? { _tag: "Stop" } : next
    }
    const chunk = (bytes: Uint8Array): Outcome => {
      last = clock.unsafeCurrentTimeMillis()
      return handle(reader.push(bytes))
    }
    const finish = (outcome: Outcome): Effect.Effect<void, ModelError> =>
      outcome._tag === "Stop" && outcome.failure !== undefined ? Effect.fail(outcome.failure) : Effect.void

    const node = nodeBody(response)
    const body: Effect.Effect<void, ModelError> =
      node !== undefined
        ? Effect.flatMap(
            node.read(
              (bytes): Outcome | undefined => {
                const outcome = chunk(bytes)
                return outcome._tag === "Stop" ? outcome : undefined
              },
              () => handle(reader.end()),
              (cause) => options.broken(cause, reader.diagnostics())
            ),
            finish
          )
        : Effect.scoped(
            Effect.gen(function* () {
              const pull = yield* Stream.toPull(response.stream)
              while (true) {
                const result = yield* Effect.either(pull)
                if (result._tag === "Left") {
                  if (Option.isSome(result.left)) return yield* Effect.fail(options.broken(result.left.value, reader.diagnostics()))
                  return yield* finish(handle(reader.end()))
                }
                for (const bytes of result.right) {
                  const outcome = chunk(bytes)
                  if (outcome._tag === "Stop") return yield* finish(outcome)
                }
              }
            })
          )

    // one timer per idle period: it sleeps until `idleMillis` after the last chunk, and fires
    // only when no chunk came in the meantime
    const watchdog = Effect.suspend(function loop(): Effect.Effect<never, ModelError> {
      const due = last + options.idleMillis
      const now = clock.unsafeCurrentTimeMillis()
      if (now >= due) return Effect.fail(options.idle(reader.diagnostics()))
      return Effect.flatMap(Effect.sleep(due - now), loop)
    })
    return yield* Effect.raceFirst(body, watchdog)
  })
