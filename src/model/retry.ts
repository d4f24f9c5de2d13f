/**
 * retry: the two retry policies of a sampling request, as Schedules.
 *
 * Requests are retried at two levels, the way upstream Codex does it (its recorded timelines:
 * with defaults, thirty HTTP 500 answers are six groups of five requests, the requests of a group
 * 0.2/0.4/0.8/1.6 s apart and the groups 0.2/0.4/0.8/1.6/3.2 s apart; with
 * `request_max_retries = 1, stream_max_retries = 2` six requests in three pairs):
 *
 * - inner, `request_max_retries` (default 4): an HTTP failure before the body starts (connection
 *   error, no headers in time, 5xx) sends the same request again, silently, after `retry-after`
 *   when the server gave one, else 0.2 s × 2^(n−1). A 429 is left to the outer level, so its wait
 *   is announced (Codex 0.169 shows "Reconnecting... 1/5" for one);
 * - outer, `stream_max_retries` (default 5): any retryable failure of a whole attempt (including an
 *   inner budget that ran out, a dropped stream, `response.failed`, an incomplete stream) starts a
 *   fresh attempt after a `Reconnecting... n/max` notice, emitted before the wait.
 *
 * Context-length failures are never retried (they are not retryable errors at all).
 */
import { Chunk, Duration, Effect, Mailbox, Schedule, ScheduleDecision, Stream } from "effect"
import { ModelEvent } from "../protocol/ModelEvent.js"
import { isRetryable, type ModelError } from "./ModelError.js"

/** A retry about to happen. */
export interface RetryNotice {
  /** 1 for the first retry. */
  readonly attempt: number
  readonly max: number
  readonly delay: Duration.Duration
  readonly error: ModelError
}

/** 0.2 s × 2^(attempt−1): 0.2, 0.4, 0.8, 1.6, 3.2 s, ... (no jitter, no cap). */
export const backoff = (attempt: number): Duration.Duration => Duration.millis(200 * 2 ** (attempt - 1))

/** The server's hint when it gave one (it may be zero), else the backoff. */
export const delayFor = (error: ModelError, attempt: number): Duration.Duration =>
  (error._tag === "RetryableStreamError" ? error.retryAfter : undefined) ?? backoff(attempt)

/**
 * Retries retryable errors up to `max` times with `delayFor`; `onRetry` runs once per retry, before
 * its wait, and never for the failure that ends the retries.
 */
export const retryPolicy = <R>(
  max: number,
  onRetry: (notice: RetryNotice) => Effect.Effect<void, never, R>,
  retryable: (error: ModelError) => boolean = isRetryable
): Schedule.Schedule<[ModelError, number], ModelError, R> =>
  Schedule.identity<ModelError>().pipe(
    Schedule.whileInput(retryable),
    Schedule.intersect(Schedule.recurs(Math.max(0, max))),
    Schedule.addDelay(([error, n]) => delayFor(error, n + 1)),
    Schedule.onDecision(([error, n], decision) =>
      ScheduleDecision.isContinue(decision)
        ? onRetry({ attempt: n + 1, max, delay: delayFor(error, n + 1), error })
        : Effect.void
    )
  )

/** A rate-limit answer: retried by the announced outer level only. */
const isRateLimited = (error: ModelError): boolean => error._tag === "RetryableStreamError" && error.status === 429

/** The inner, silent policy for HTTP failures before the body starts (not 429). */
export const requestRetry = (max: number) => retryPolicy(max, () => Effect.void, (error) => isRetryable(error) && !isRateLimited(error))

/** The `StreamError` event announcing a retry. */
export const reconnecting = (notice: RetryNotice): ModelEvent =>
  ModelEvent.StreamError({
    message: `Reconnecting... ${notice.attempt}/${notice.max}`,
    attempt: notice.attempt,
    maxRetries: notice.max,
    delaySeconds: Duration.toMillis(notice.delay) / 1000,
    error: notice.error.message,
    ...(isRateLimited(notice.error) ? { rateLimited: true as const } : {})
  })

/** Where an attempt hands over its events, in order, as they are read. */
export type Offer = (events: ReadonlyArray<ModelEvent>) => void

/**
 * Runs `attempt` and, when it fails with a retryable error, runs it again (up to `max` times),
 * emitting a `StreamError` notice before each wait. Events of a failed attempt that were already
 * emitted stay emitted; its `Completed` never comes, so its items are dropped. Attempts hand their
 * events over in batches, without a stream of their own.
 */
export const retryingAttempts = <R>(
  attempt: (offer: Offer) => Effect.Effect<void, ModelError, R>,
  max: number
): Stream.Stream<ModelEvent, ModelError, R> =>
  Stream.unwrapScoped(
    Effect.gen(function* () {
      const mailbox = yield* Mailbox.make<ModelEvent, ModelError>()
      const offer: Offer = (events) => void mailbox.unsafeOfferAll(events)
      yield* Effect.suspend(() => attempt(offer)).pipe(
        Effect.retry(retryPolicy(max, (notice) => Effect.asVoid(mailbox.offer(reconnecting(notice))))),
        Mailbox.into(mailbox),
        Effect.forkScoped
      )
      return Mailbox.toStream(mailbox)
    })
  )

/** `retryingAttempts` for an attempt that is a Stream. */
export const retryingStream = <R>(
  attempt: Stream.Stream<ModelEvent, ModelError, R>,
  max: number
): Stream.Stream<ModelEvent, ModelError, R> =>
  retryingAttempts((offer) => Stream.runForEachChunk(attempt, (chunk) => Effect.sync(() => offer(Chunk.toReadonlyArray(chunk)))), max)
