/** request_user_input through the registry: availability by collaboration mode, checks, and the round trip to a handler. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Option, Ref } from "effect"
import { toolCall, toResponsesInputUnsafe } from "../../src/protocol/Items.js"
import { serializeToolSpec } from "../../src/protocol/Prompt.js"
import * as RequestUserInput from "../../src/tools/RequestUserInput.js"
import * as Tool from "../../src/tools/Tool.js"
import * as ToolRegistry from "../../src/tools/ToolRegistry.js"
import * as UserInput from "../../src/tools/UserInput.js"
import * as ExecTools from "../support/ExecTools.js"

const contextIn = (collaborationMode: string): Tool.ToolContext => ({ turnId: "turn-1", history: [], collaborationMode })

const question = {
  id: "choice",
  header: "Select",
  question: "Pick one",
  options: [
    { label: "Use tool A (Recommended)", description: "Fast path" },
    { label: "Use tool B", description: "Slow path" }
  ]
}
const answer = { answers: { choice: { answers: ["Use tool A (Recommended)"] } } }

/** A registry over request_user_input whose handler records requests and answers with `reply`. */
const setup = (reply: Option.Option<unknown> | undefined, options: RequestUserInput.RequestUserInputOptions = {}) =>
  Effect.gen(function*() {
    const seen = yield* Ref.make<ReadonlyArray<UserInput.UserInputRequest>>([])
    const userInput = yield* UserInput.make(
      reply === undefined ? undefined : (request) => Effect.as(Ref.update(seen, (all) => [...all, request]), reply)
    )
    const registry = ToolRegistry.make([RequestUserInput.make(userInput, options)])
    const run = (args: unknown, mode = "plan") =>
      registry.execute(toolCall("call-ask", "request_user_input", args), contextIn(mode))
    return { run, seen, registry }
  })

describe("request_user_input", () => {
  it.effect("is declared as in exec_tools.json, its description naming the modes it works in, and does not run in parallel", () =>
    Effect.gen(function*() {
      const userInput = yield* UserInput.make()
      const reference = ExecTools.declarationOf("request_user_input")
      for (const defaultModeAllowed of [false, true]) {
        const tool = RequestUserInput.make(userInput, { defaultModeAllowed })
        const registry = ToolRegistry.make([tool])
        const description = defaultModeAllowed
          ? String(reference.description).replace("Only available in Plan mode.", "Only available in Default and Plan mode.")
          : reference.description
        expect(registry.specs.map((s) => Either.getOrThrow(serializeToolSpec(s)))).toEqual([{ ...reference, description }])
        expect(registry.supportsParallel("request_user_input")).toBe(false)
      }
      expect(ExecTools.declarations[3]).toBe(reference)
    }).pipe(Effect.provide(NodeContext.layer)))

  it.effect("the tool's own description names the modes it works in", () =>
    Effect.gen(function*() {
      const userInput = yield* UserInput.make()
      expect(RequestUserInput.make(userInput).description).toMatch(/Only available in Plan mode\.$/)
      expect(RequestUserInput.make(userInput, { defaultModeAllowed: true }).description).toMatch(/Only available in Default and Plan mode\.$/)
    }))

  it.effect("in Default mode (the exec CLI) it answers exactly that it is unavailable, as plain text", () =>
    Effect.gen(function*() {
      const { run, seen } = yield* setup(Option.some(answer))
      const result = yield* run({ questions: [question] }, "default")
      expect(result.isError).toBe(false)
      expect(result.output).toBe("request_user_input is unavailable in Default mode")
      expect(result.success).toBeUndefined()
      expect(toResponsesInputUnsafe(result)).toEqual({
        type: "function_call_output",
        call_id: "call-ask",
        output: "request_user_input is unavailable in Default mode"
      })
      expect(yield* Ref.get(seen)).toEqual([])
    }))

  it.effect("names the mode it refuses in, before looking at the arguments", () =>
    Effect.gen(function*() {
      const { run } = yield* setup(Option.some(answer))
      const cases: ReadonlyArray<readonly [string, string]> = [
        ["execute", "Execute"],
        ["pair_programming", "Pair Programming"],
        ["weird_mode", "Weird Mode"],
        [" DEFAULT ", "Default"],
        ["", "Default"]
      ]
      for (const [mode, shown] of cases) {
        const result = yield* run({ questions: "not a list" }, mode)
        expect(result.output, mode).toBe(`request_user_input is unavailable in ${shown} mode`)
        expect(result.isError).toBe(false)
      }
    }))

  it.effect("works in Plan mode (any spelling) and in Default mode when allowed", () =>
    Effect.gen(function*() {
      const plan = yield* setup(Option.some(answer))
      for (const mode of ["plan", " Plan ", "PLAN"]) {
        expect((yield* plan.run({ questions: [question] }, mode)).success, mode).toBe(true)
      }
      const allowed = yield* setup(Option.some(answer), { defaultModeAllowed: true })
      expect((yield* allowed.run({ questions: [question] }, "default")).success).toBe(true)
      expect((yield* allowed.run({ questions: [question] }, "execute")).output)
        .toBe("request_user_input is unavailable in Execute mode")
      expect(RequestUserInput.isAvailable("plan", false)).toBe(true)
      expect(RequestUserInput.isAvailable("default", false)).toBe(false)
      expect(RequestUserInput.isAvailable("default", true)).toBe(true)
    }))

  it.effect("sends the questions marked isOther and returns the answer as compact JSON with success", () =>
    Effect.gen(function*() {
      const { run, seen } = yield* setup(Option.some(answer))
      const result = yield* run({ questions: [question] })
      const requests = yield* Ref.get(seen)
      expect(requests).toEqual([{ questions: [{ ...question, isOther: true }] }])
      expect(Object.keys(requests[0]!.questions[0]!)).toEqual(["id", "header", "question", "options", "isOther"])
      expect(result.isError).toBe(false)
      expect(result.success).toBe(true)
      expect(result.output).toBe('{"answers":{"choice":{"answers":["Use tool A (Recommended)"]}}}')
      expect(toResponsesInputUnsafe(result)).toEqual({
        type: "function_call_output",
        call_id: "call-ask",
        output: '{"answers":{"choice":{"answers":["Use tool A (Recommended)"]}}}',
        success: true
      })
      expect(Object.keys(toResponsesInputUnsafe(result))).toEqual(["type", "call_id", "output", "success"])
    }))

  it.effect("overwrites an isOther the model sent, in its place, and leaves other keys as sent", () =>
    Effect.gen(function*() {
      const { run, seen } = yield* setup(Option.some(answer))
      yield* run({ questions: [{ isOther: false, id: "x", options: [{ label: "a" }], extra: 1 }] })
      const sent = (yield* Ref.get(seen))[0]!.questions[0]!
      expect(sent).toEqual({ isOther: true, id: "x", options: [{ label: "a" }], extra: 1 })
      expect(Object.keys(sent)).toEqual(["isOther", "id", "options", "extra"])
    }))

  it.effect("questions that are not a list are an error result", () =>
    Effect.gen(function*() {
      const { run, seen } = yield* setup(Option.some(answer))
      for (const args of [{}, { questions: question }, { questions: "Pick one" }, { questions: null }]) {
        const result = yield* run(args)
        expect(result.isError, JSON.stringify(args)).toBe(true)
        expect(result.output).toEqual({ error: "ValueError: questions must be a list" })
        expect(toResponsesInputUnsafe(result).output).toBe('{"error":"ValueError: questions must be a list"}')
      }
      expect(yield* Ref.get(seen)).toEqual([])
    }))

  it.effect("every question needs an object with non-empty options", () =>
    Effect.gen(function*() {
      const { run, seen } = yield* setup(Option.some(answer))
      const bad: ReadonlyArray<unknown> = [
        [{ ...question, options: [] }],
        [question, { id: "second", question: "No options?" }],
        [{ ...question, options: "A or B" }],
        ["Pick one"],
        [question, null]
      ]
      for (const questions of bad) {
        const result = yield* run({ questions })
        expect(result.isError, JSON.stringify(questions)).toBe(false)
        expect(result.output).toBe("request_user_input requires non-empty options for every question")
      }
      expect(yield* Ref.get(seen)).toEqual([])
      // nothing else is checked: an empty list is asked as it is
      expect((yield* run({ questions: [] })).success).toBe(true)
      expect(yield* Ref.get(seen)).toEqual([{ questions: [] }])
    }))

  it.effect("is cancelled without a handler and when the handler gives no answer", () =>
    Effect.gen(function*() {
      for (const reply of [undefined, Option.none(), Option.some(null)]) {
        const { run } = yield* setup(reply)
        const result = yield* run({ questions: [question] })
        expect(result.isError).toBe(false)
        expect(result.output).toBe("request_user_input was cancelled before receiving a response")
        expect(result.success).toBeUndefined()
      }
    }))

  it.effect("a handler failure is an error result", () =>
    Effect.gen(function*() {
      const userInput = yield* UserInput.make(() => new UserInput.UserInputError({ message: "input closed" }))
      const registry = ToolRegistry.make([RequestUserInput.make(userInput)])
      const result = yield* registry.execute(toolCall("c", "request_user_input", { questions: [question] }), contextIn("plan"))
      expect(result.isError).toBe(true)
      expect(result.output).toEqual({ error: "RuntimeError: input closed" })
    }))
})
