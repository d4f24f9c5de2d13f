/** TurnStream: a turn as a Stream of the loop's events that ends with the turn's result or fails with its error. */
import { Context, Effect, Exit, Layer, Option, Queue, Ref, type Scope, Stream, Take } from "effect"
import type { AgentEvent, TurnResult } from "../protocol/AgentEvent.js"
import * as AgentEvents from "./AgentEvents.js"
import { AgentLoop, type TurnError, type TurnOptions } from "./AgentLoop.js"

/** The last element of a turn's stream. */
export interface TurnDone {
  readonly _tag: "TurnDone"
  readonly result: TurnResult
}

/** What a turn's stream emits: the loop's events in order, then `TurnDone`. */
export type TurnStreamItem = AgentEvent | TurnDone

/**
 * Where the loop's events go while a streamed turn runs. It is the loop's `AgentEvents` sink too:
 * every event is first given to the forwarded sink (a progress view, a log), then to the stream of
 * the turn that is running, if any.
 */
export interface TurnEvents {
  readonly sink: AgentEvents.AgentEvents
  /** Sends events to `receive` for the life of the current Scope (one receiver at a time). */
  readonly attach: (receive: (event: AgentEvent) => Effect.Effect<void>) => Effect.Effect<void, never, Scope.Scope>
}
export const TurnEvents = Context.GenericTag<TurnEvents>("tscodex/TurnEvents")

/** A hub forwarding to `forward` (default: nowhere). */
export const make = (forward?: AgentEvents.AgentEvents): Effect.Effect<TurnEvents> =>
  Effect.map(Ref.make(Option.none<(event: AgentEvent) => Effect.Effect<void>>()), (receiver) =>
    TurnEvents.of({
      sink: AgentEvents.make((event) =>
        Effect.zipRight(
          forward === undefined ? Effect.void : forward.publish(event),
          Effect.flatMap(Ref.get(receiver), Option.match({ onNone: () => Effect.void, onSome: (receive) => receive(event) }))
        )
      ),
      attach: (receive) => Effect.acquireRelease(Ref.set(receiver, Option.some(receive)), () => Ref.set(receiver, Option.none()))
    }))

/** The hub as `TurnEvents` and as the loop's `AgentEvents`. */
export const layer = (forward?: AgentEvents.AgentEvents): Layer.Layer<TurnEvents | AgentEvents.AgentEvents> =>
  Layer.effectContext(Effect.map(make(forward), (hub) => Context.make(TurnEvents, hub).pipe(Context.add(AgentEvents.AgentEvents, hub.sink))))

/**
 * Runs one turn and streams it: every event the loop reports, then `TurnDone` with the result; a
 * failed turn fails the stream with its typed error. Stopping the stream early interrupts the turn.
 */
export const runTurnStream = (
  texts: ReadonlyArray<string>,
  options: TurnOptions & { readonly turnId?: string } = {}
): Stream.Stream<TurnStreamItem, TurnError, AgentLoop | TurnEvents> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const loop = yield* AgentLoop
    const hub = yield* TurnEvents
    const queue = yield* Effect.acquireRelease(Queue.unbounded<Take.Take<TurnStreamItem, TurnError>>(), Queue.shutdown)
    yield* hub.attach((event) => Queue.offer(queue, Take.of(event)))
    const { turnId, ...turnOptions } = options
    yield* loop.runTurn(texts, turnId, turnOptions).pipe(
      Effect.exit,
      Effect.flatMap(Exit.match({
        onFailure: (cause) => Queue.offer(queue, Take.failCause(cause)),
        onSuccess: (result) => Queue.offerAll(queue, [Take.of<TurnStreamItem>({ _tag: "TurnDone", result }), Take.end])
      })),
      Effect.forkScoped
    )
    return Stream.fromQueue(queue).pipe(Stream.flattenTake)
  }))

/** Whether an item is the final one. */
export const isDone = (item: TurnStreamItem): item is TurnDone => item._tag === "TurnDone"
