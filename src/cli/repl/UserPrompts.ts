/**
 * UserPrompts: the interactive session's answers to request_user_input and request_permissions.
 * The questions are printed; the session's input loop hands its next lines here instead of
 * treating them as messages; no answer within the timeout counts as cancelled.
 */
import { Deferred, Duration, Effect, Option, Ref, type Scope } from "effect"
import * as PermissionRequests from "../../tools/PermissionRequests.js"
import * as UserInput from "../../tools/UserInput.js"
import type { ReadResult } from "./Terminal.js"

/** How long a question waits for its answer before it counts as cancelled. */
export const DEFAULT_TIMEOUT = Duration.minutes(5)

/** The variable that sets the question timeout in seconds. */
export const TIMEOUT_VARIABLE = "TSCODEX_QUESTION_TIMEOUT_SECONDS"

/** The question timeout `TSCODEX_QUESTION_TIMEOUT_SECONDS` sets (a positive number), else undefined. */
export const timeoutFromVariable = (value: string | undefined): Duration.Duration | undefined => {
  const seconds = value === undefined || value.trim() === "" ? Number.NaN : Number(value)
  return Number.isFinite(seconds) && seconds > 0 ? Duration.millis(Math.round(seconds * 1000)) : undefined
}

/** Hands input lines from the session's loop to a pending question. */
export interface PromptBroker {
  /** Waits for the next line typed at `prompt`; `None` on end of input or timeout. */
  readonly ask: (prompt: string) => Effect.Effect<Option.Option<string>>
  /** Gives the loop's input to a pending question: true when one took it. */
  readonly offer: (input: ReadResult) => Effect.Effect<boolean>
  /** The prompt of the pending question, if any (the input loop shows it). */
  readonly pendingPrompt: Effect.Effect<Option.Option<string>>
  /**
   * Runs one whole dialog (its lines and every question of it) while no other dialog runs:
   * questions from tools called in parallel wait their turn instead of interleaving.
   */
  readonly dialog: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

interface Pending {
  readonly prompt: string
  readonly answer: Deferred.Deferred<Option.Option<string>>
}

export const makeBroker = (timeout: Duration.DurationInput = DEFAULT_TIMEOUT): Effect.Effect<PromptBroker> =>
  Effect.gen(function*() {
    const pending = yield* Ref.make(Option.none<Pending>())
    const lock = yield* Effect.makeSemaphore(1)
    const dialogs = yield* Effect.makeSemaphore(1)
    const ask = (prompt: string) =>
      lock.withPermits(1)(Effect.gen(function*() {
        const answer = yield* Deferred.make<Option.Option<string>>()
        yield* Ref.set(pending, Option.some({ prompt, answer }))
        return yield* Deferred.await(answer).pipe(
          Effect.timeout(timeout),
          Effect.orElseSucceed(() => Option.none<string>()),
          Effect.ensuring(Ref.set(pending, Option.none()))
        )
      }))
    const offer = (input: ReadResult) =>
      Effect.gen(function*() {
        const current = yield* Ref.getAndSet(pending, Option.none())
        if (Option.isNone(current)) return false
        if (input._tag === "Interrupt") {
          yield* Ref.set(pending, current)
          return false
        }
        yield* Deferred.succeed(current.value.answer, input._tag === "Line" ? Option.some(input.text) : Option.none())
        return true
      })
    return {
      ask,
      offer,
      pendingPrompt: Effect.map(Ref.get(pending), Option.map((p) => p.prompt)),
      dialog: (effect) => dialogs.withPermits(1)(effect)
    }
  })

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const text = (value: unknown): string => (typeof value === "string" ? value : value === undefined || value === null ? "" : String(value))

/** The lines showing one question: `[header] question`, numbered options, then `0. Other`. */
export const formatQuestion = (question: Readonly<Record<string, unknown>>): ReadonlyArray<string> => {
  const header = text(question.header).trim()
  const lines = [header === "" ? text(question.question) : `[${header}] ${text(question.question)}`]
  const options = Array.isArray(question.options) ? question.options : []
  options.forEach((option, index) => {
    const record = isRecord(option) ? option : {}
    lines.push(`  ${index + 1}. ${text(record.label)} - ${text(record.description)}`)
  })
  lines.push("  0. Other")
  return lines
}

/**
 * What a typed answer means: a number 1..N picks that option's label (the typed text when the
 * label is empty), `0` asks for free text, anything else is the answer as typed.
 */
export const interpretAnswer = (question: Readonly<Record<string, unknown>>, typed: string): { readonly other: true } | { readonly answer: string } => {
  const options = Array.isArray(question.options) ? question.options : []
  if (typed === "0") return { other: true }
  if (/^\d+$/.test(typed)) {
    const index = Number(typed)
    if (index >= 1 && index <= options.length) {
      const option = options[index - 1]
      const label = isRecord(option) ? text(option.label) : ""
      return { answer: label === "" ? typed : label }
    }
  }
  return { answer: typed }
}

/** The grant a typed permissions choice stands for. */
export const interpretPermissions = (permissions: unknown, typed: string): unknown => {
  const choice = typed.trim().toLowerCase()
  if (["t", "turn", "y", "yes"].includes(choice)) return { permissions, scope: "turn" }
  if (["s", "session"].includes(choice)) return { permissions, scope: "session" }
  return { permissions: {}, scope: "turn" }
}

/** The request_user_input handler: asks each question in turn; any unanswered one cancels the request. */
export const userInputHandler = (
  broker: PromptBroker,
  say: (lines: ReadonlyArray<string>) => Effect.Effect<void>
): UserInput.UserInputHandler =>
(request) =>
  broker.dialog(Effect.gen(function*() {
    yield* say(["[request_user_input] waiting for user response"])
    const answers: Record<string, unknown> = {}
    for (const question of request.questions) {
      if (!isRecord(question)) continue
      yield* say(formatQuestion(question))
      const typed = yield* broker.ask("answer> ")
      if (Option.isNone(typed) || typed.value.trim() === "") return Option.none()
      let meaning = interpretAnswer(question, typed.value.trim())
      if ("other" in meaning) {
        const free = yield* broker.ask("other> ")
        if (Option.isNone(free) || free.value.trim() === "") return Option.none()
        meaning = { answer: free.value.trim() }
      }
      answers[text(question.id)] = { answers: [meaning.answer] }
    }
    return Option.some({ answers })
  }))

/** The request_permissions handler: shows what is asked and reads deny / turn / session. */
export const permissionsHandler = (
  broker: PromptBroker,
  say: (lines: ReadonlyArray<string>) => Effect.Effect<void>
): PermissionRequests.PermissionHandler =>
(request) =>
  broker.dialog(Effect.gen(function*() {
    yield* say([
      "[request_permissions] user approval required",
      ...(request.reason !== null ? [`Reason: ${request.reason}`] : []),
      "Requested permissions:",
      ...JSON.stringify(request.permissions, null, 2).split("\n"),
      "Choose: [n] deny / [t] grant for turn / [s] grant for session"
    ])
    const typed = yield* broker.ask("permissions> ")
    return Option.map(typed, (answer) => interpretPermissions(request.permissions, answer))
  }))

/**
 * Installs both handlers for the current Scope (the interactive session's lifetime). Under
 * `askPermissions: false` (approval policy `never`) request_permissions is not put to the user
 * and answers as when nobody can be asked.
 */
export const install = (
  broker: PromptBroker,
  say: (lines: ReadonlyArray<string>) => Effect.Effect<void>,
  options: { readonly askPermissions?: boolean } = {}
): Effect.Effect<void, never, Scope.Scope | UserInput.UserInput | PermissionRequests.PermissionRequests> =>
  Effect.gen(function*() {
    yield* UserInput.installScoped(yield* UserInput.UserInput, userInputHandler(broker, say))
    if (options.askPermissions === false) return
    yield* PermissionRequests.installScoped(yield* PermissionRequests.PermissionRequests, permissionsHandler(broker, say))
  })
