/** HandlerSlot: a replaceable handler that answers a tool's requests (nobody installed: no answer), for services a front end answers through. */
import { Effect, Option, Ref, type Scope } from "effect"

/** Asks someone. `None` means nobody answered (cancelled); `Some` holds the answer. */
export type Handler<Request, E> = (request: Request) => Effect.Effect<Option.Option<unknown>, E>

export interface HandlerSlot<Request, E> {
  /** Asks through the installed handler; `None` when there is none (one-shot runs, sub-agents) or it cancelled. */
  readonly request: (request: Request) => Effect.Effect<Option.Option<unknown>, E>
  /** Installs the handler, replacing the previous one; `undefined` removes it. */
  readonly setHandler: (handler: Handler<Request, E> | undefined) => Effect.Effect<void>
}

/** A slot with `handler` installed, or none. */
export const make = <Request, E>(handler?: Handler<Request, E>): Effect.Effect<HandlerSlot<Request, E>> =>
  Effect.map(Ref.make(Option.fromNullable(handler)), (current) => ({
    request: (request) =>
      Effect.flatMap(Ref.get(current), (installed) =>
        Option.isSome(installed) ? installed.value(request) : Effect.succeed(Option.none())),
    setHandler: (next) => Ref.set(current, Option.fromNullable(next))
  }))

/** Installs `handler` for the lifetime of the current Scope, then removes it again. */
export const installScoped = <Request, E>(
  slot: HandlerSlot<Request, E>,
  handler: Handler<Request, E>
): Effect.Effect<void, never, Scope.Scope> =>
  Effect.acquireRelease(slot.setHandler(handler), () => slot.setHandler(undefined))
