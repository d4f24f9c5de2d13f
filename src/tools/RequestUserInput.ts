/** RequestUserInput: the `request_user_input` tool, which puts short multiple-choice questions to the user. */
import { Effect, Option, Schema } from "effect"
import { displayName, normalizeMode } from "../context/Collaboration.js"
import { compactJson } from "../protocol/Items.js"
import * as Tool from "./Tool.js"
import type * as UserInput from "./UserInput.js"

export const NAME = "request_user_input"

export const CANCELLED = "request_user_input was cancelled before receiving a response"
export const NEEDS_OPTIONS = "request_user_input requires non-empty options for every question"

/** The text returned when the collaboration mode does not allow questions. */
export const unavailable = (mode: string): string => `request_user_input is unavailable in ${displayName(mode)} mode`

/** `questions` is checked by hand so that each problem gets its own message. */
export const Parameters = Schema.Struct({
  questions: Tool.requiredArgument(Schema.Unknown, {
    type: "array",
    items: {
      type: "object",
      properties: {
        header: { type: "string", description: "A very short title for the question (at most 12 characters)." },
        id: { type: "string", description: "A stable snake_case key under which the answer is returned." },
        options: {
          type: "array",
          items: {
            type: "object",
            properties: {
              description: { type: "string", description: "One sentence on what choosing this option implies." },
              label: { type: "string", description: "What the user sees (a few words)." }
            },
            required: ["label", "description"],
            additionalProperties: false
          },
          description: "Two or three mutually exclusive answers. Put the recommended one first and end its label with \"(Recommended)\". Do not add an \"Other\" choice: the user can always type a free answer."
        },
        question: { type: "string", description: "The question, in one sentence." }
      },
      required: ["id", "header", "question", "options"],
      additionalProperties: false
    },
    description: "The questions to ask: usually one, never more than three."
  })
})
export type Parameters = typeof Parameters.Type

export interface RequestUserInputOptions {
  /** Also allow questions in Default mode (Plan mode always allows them). */
  readonly defaultModeAllowed?: boolean
}

/** Whether a turn in `mode` may ask the user. */
export const isAvailable = (mode: string, defaultModeAllowed: boolean): boolean => {
  const name = normalizeMode(mode)
  return name === "plan" || (name === "default" && defaultModeAllowed)
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * The request for the handler: every question copied with `isOther: true` (replacing a value the
 * model sent, else added last). `undefined` when a question is not an object or has no options.
 */
export const buildRequest = (questions: ReadonlyArray<unknown>): UserInput.UserInputRequest | undefined => {
  const copies: Array<Readonly<Record<string, unknown>>> = []
  for (const question of questions) {
    if (!isRecord(question) || !Array.isArray(question.options) || question.options.length === 0) return undefined
    copies.push({ ...question, isOther: true })
  }
  return { questions: copies }
}

/** The request_user_input tool asking through `userInput`. */
export const make = (userInput: UserInput.UserInput, options: RequestUserInputOptions = {}): Tool.Tool<Parameters> => {
  const defaultModeAllowed = options.defaultModeAllowed ?? false
  return Tool.make({
    name: NAME,
    description: "Asks the user one to three short multiple-choice questions and waits for the answers. " +
      (defaultModeAllowed ? "Only available in Default and Plan mode." : "Only available in Plan mode."),
    parameters: Parameters,
    handler: (args, context) =>
      Effect.gen(function*() {
        if (!isAvailable(context.collaborationMode, defaultModeAllowed)) return unavailable(context.collaborationMode)
        if (!Array.isArray(args.questions)) {
          return yield* new Tool.ToolFailure({ name: "ValueError", message: "questions must be a list" })
        }
        const request = buildRequest(args.questions)
        if (request === undefined) return NEEDS_OPTIONS
        const answer = yield* userInput.request(request).pipe(
          Effect.catchTag("UserInputError", (error) => new Tool.ToolFailure({ name: "RuntimeError", message: error.message }))
        )
        return Option.match(Option.filter(answer, (value) => value !== null && value !== undefined), {
          onNone: () => CANCELLED,
          onSome: (value) => Tool.structured({ output: compactJson(value), success: true })
        })
      })
  })
}
