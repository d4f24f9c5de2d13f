/** UserInput: where request_user_input sends its questions; an interactive front end installs the handler that answers. */
import { Context, Data, Effect, Layer, Option, Ref, type Scope } from "effect"

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
export type UserInputHandler = (request: UserInputRequest) => Effect.Effect<Option.Option<unknown>, UserInputError>

export interface UserInput {
  /** Asks through the installed handler; `None` when there is none (one-shot runs, sub-agents) or it cancelled. */
  readonly request: (request: UserInputRequest) => Effect.Effect<Option.Option<unknown>, UserInputError>
  /** Installs the handler, replacing the previous one; `undefined` removes it. */
  readonly setHandler: (handler: UserInputHandler | undefined) => Effect.Effect<void>
}
export const UserInput = Context.GenericTag<UserInput>("tscodex/UserInput")

/** A request manager with `handler` installed, or none. */
export const make = (handler?: UserInputHandler): Effect.Effect<UserInput> =>
  Effect.map(Ref.make(Option.fromNullable(handler)), (current) =>
    UserInput.of({
      request: (request) =>
        Effect.flatMap(Ref.get(current), (installed) =>
          Option.isSome(installed) ? installed.value(request) : Effect.succeed(Option.none())),
      setHandler: (next) => Ref.set(current, Option.fromNullable(next))
    }))

/**
 * Installs `handler` for the lifetime of the current Scope, then removes it again (an interactive
 * session answers questions only while it runs).
 */
export const installScoped = (
  userInput: UserInput,
  handler: UserInputHandler
): Effect.Effect<void, never, Scope.Scope> =>
  Effect.acquireRelease(userInput.setHandler(handler), () => userInput.setHandler(undefined))

/** No handler: every request comes back unanswered, as in one-shot exec runs. */
export const layer: Layer.Layer<UserInput> = Layer.effect(UserInput, make())

/** A manager that answers with `handler`. */
export const layerHandler = (handler: UserInputHandler): Layer.Layer<UserInput> => Layer.effect(UserInput, make(handler))
