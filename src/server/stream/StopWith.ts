/** StopWith: ends a stream with a stopper's failure (deadline, shutdown), without a race on every pull. */
import { Cause, Effect, Fiber, Queue, Stream, Take } from "effect"

/**
 * `Stream.interruptWhen` for a long stream of small chunks: the stream runs in one fiber feeding a
 * small queue, and the stopper in another; when the stopper fails, the producing fiber is interrupted
 * (a pull waiting on the network included) and the stream fails with the stopper's error after the
 * chunks already queued. `Stream.interruptWhen` forks a fiber for every pull, which cost a relay about
 * two thirds of its CPU time per streamed token.
 */
export const stopWith = <A, E, R, E2>(
  stream: Stream.Stream<A, E, R>,
  stopper: Effect.Effect<never, E2>
): Stream.Stream<A, E | E2, R> =>
  Stream.unwrapScoped(Effect.gen(function* () {
    const queue = yield* Effect.acquireRelease(Queue.bounded<Take.Take<A, E | E2>>(16), Queue.shutdown)
    const producer = yield* Effect.forkScoped(Stream.runIntoQueue(stream, queue))
    yield* Effect.forkScoped(
      Effect.catchAllCause(stopper, (cause) =>
        Cause.isInterruptedOnly(cause)
          ? Effect.void
          : Effect.zipRight(Fiber.interrupt(producer), Queue.offer(queue, Take.failCause(cause))))
    )
    return Stream.flattenTake(Stream.fromQueue(queue))
  }))
