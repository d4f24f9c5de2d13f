/** PermissionRequests: where request_permissions asks for more access; an interactive front end installs the handler that answers. */
import { Context, Data, Effect, Layer, type Scope } from "effect"
import * as HandlerSlot from "./HandlerSlot.js"

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
export type PermissionHandler = HandlerSlot.Handler<PermissionRequest, PermissionRequestError>

/** `request` asks through the installed handler; `setHandler` installs (or with `undefined` removes) it. */
export interface PermissionRequests extends HandlerSlot.HandlerSlot<PermissionRequest, PermissionRequestError> {}
export const PermissionRequests = Context.GenericTag<PermissionRequests>("tscodex/PermissionRequests")

/** A request manager with `handler` installed, or none. */
export const make = (handler?: PermissionHandler): Effect.Effect<PermissionRequests> =>
  Effect.map(HandlerSlot.make(handler), PermissionRequests.of)

/** Installs `handler` for the lifetime of the current Scope, then removes it again. */
export const installScoped = (
  requests: PermissionRequests,
  handler: PermissionHandler
): Effect.Effect<void, never, Scope.Scope> => HandlerSlot.installScoped(requests, handler)

/** No handler: every request comes back unanswered, as in one-shot exec runs. */
export const layer: Layer.Layer<PermissionRequests> = Layer.effect(PermissionRequests, make())

/** A manager that answers with `handler`. */
export const layerHandler = (handler: PermissionHandler): Layer.Layer<PermissionRequests> =>
  Layer.effect(PermissionRequests, make(handler))
