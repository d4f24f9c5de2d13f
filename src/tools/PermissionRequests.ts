/** PermissionRequests: where request_permissions asks for more access; an interactive front end installs the handler that answers. */
import { Context, Data, Effect, Layer, Option, Ref, type Scope } from "effect"

/** What a handler receives: the model's reason (if any) and the permissions as it wrote them. */
export interface PermissionRequest {
  readonly reason: string | null
  readonly permissions: Readonly<Record<string, unknown>>
}

/** A handler that could not ask or read the answer. */
export class PermissionRequestError extends Data.TaggedError("PermissionRequestError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

/**
 * Asks the user. `None` means nobody answered (cancelled); `Some` holds the answer, usually
 * `{"permissions": <granted>, "scope": "turn" | "session"}`.
 */
export type PermissionHandler = (request: PermissionRequest) => Effect.Effect<Option.Option<unknown>, PermissionRequestError>

export interface PermissionRequests {
  /** Asks through the installed handler; `None` when there is none (one-shot runs, sub-agents) or it cancelled. */
  readonly request: (request: PermissionRequest) => Effect.Effect<Option.Option<unknown>, PermissionRequestError>
  /** Installs the handler, replacing the previous one; `undefined` removes it. */
  readonly setHandler: (handler: PermissionHandler | undefined) => Effect.Effect<void>
}
export const PermissionRequests = Context.GenericTag<PermissionRequests>("tscodex/PermissionRequests")

/** A request manager with `handler` installed, or none. */
export const make = (handler?: PermissionHandler): Effect.Effect<PermissionRequests> =>
  Effect.map(Ref.make(Option.fromNullable(handler)), (current) =>
    PermissionRequests.of({
      request: (request) =>
        Effect.flatMap(Ref.get(current), (installed) =>
          Option.isSome(installed) ? installed.value(request) : Effect.succeed(Option.none())),
      setHandler: (next) => Ref.set(current, Option.fromNullable(next))
    }))

/** Installs `handler` for the lifetime of the current Scope, then removes it again. */
export const installScoped = (
  requests: PermissionRequests,
  handler: PermissionHandler
): Effect.Effect<void, never, Scope.Scope> =>
  Effect.acquireRelease(requests.setHandler(handler), () => requests.setHandler(undefined))

/** No handler: every request comes back unanswered, as in one-shot exec runs. */
export const layer: Layer.Layer<PermissionRequests> = Layer.effect(PermissionRequests, make())

/** A manager that answers with `handler`. */
export const layerHandler = (handler: PermissionHandler): Layer.Layer<PermissionRequests> =>
  Layer.effect(PermissionRequests, make(handler))
