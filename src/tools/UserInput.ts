/** UserInput: where request_user_input sends its questions; an interactive front end installs the handler that answers. */
import { Context, Data, Effect, Layer, type Scope } from "effect"
import * as HandlerSlot from "./HandlerSlot.js"

/** What a handler receives: the model's questions, each marked as also accepting a free answer (`isOther`). */
export interface UserInputRequest {
  readonly questions: ReadonlyArray<Readonly<Record<string, unknown>>>
}

/** A handler that could not ask or read the answer. */
export class UserInputError extends Data.TaggedError("UserInputError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

/**
 * Asks the user. `None` means the user gave no answer (cancelled); `Some` holds the answer object,
 * usually `{"answers": {<question id>: {"answers": [<text>]}}}`.
 */
export type UserInputHandler = HandlerSlot.Handler<UserInputRequest, UserInputError>

/** `request` asks through the installed handler; `setHandler` installs (or with `undefined` removes) it. */
export interface UserInput extends HandlerSlot.HandlerSlot<UserInputRequest, UserInputError> {}
export const UserInput = Context.GenericTag<UserInput>("tscodex/UserInput")

/** A request manager with `handler` installed, or none. */
export const make = (handler?: UserInputHandler): Effect.Effect<UserInput> => Effect.map(HandlerSlot.make(handler), UserInput.of)

/**
 * Installs `handler` for the lifetime of the current Scope, then removes it again (an interactive
 * session answers questions only while it runs).
 */
export const installScoped = (
  userInput: UserInput,
  handler: UserInputHandler
): Effect.Effect<void, never, Scope.Scope> => HandlerSlot.installScoped(userInput, handler)

/** No handler: every request comes back unanswered, as in one-shot exec runs. */
export const layer: Layer.Layer<UserInput> = Layer.effect(UserInput, make())

/** A manager that answers with `handler`. */
export const layerHandler = (handler: UserInputHandler): Layer.Layer<UserInput> => Layer.effect(UserInput, make(handler))
