/** UserInput: requests go to the installed handler; without one (exec mode) they come back unanswered. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Option, Ref, Scope } from "effect"
import * as UserInput from "../../src/tools/UserInput.js"

const request: UserInput.UserInputRequest = { questions: [{ id: "q", question: "Go?", options: [{ label: "Yes" }], isOther: true }] }

describe("UserInput", () => {
  it.effect("without a handler every request is unanswered", () =>
    Effect.gen(function*() {
      const userInput = yield* UserInput.UserInput
      expect(Option.isNone(yield* userInput.request(request))).toBe(true)
    }).pipe(Effect.provide(UserInput.layer)))

  it.effect("passes the request to the handler and returns its answer", () =>
    Effect.gen(function*() {
      const seen = yield* Ref.make<ReadonlyArray<UserInput.UserInputRequest>>([])
      const answer = { answers: { q: { answers: ["Yes"] } } }
      const userInput = yield* UserInput.make((r) => Effect.as(Ref.update(seen, (all) => [...all, r]), Option.some(answer)))
      expect(yield* userInput.request(request)).toEqual(Option.some(answer))
      expect(yield* Ref.get(seen)).toEqual([request])
    }))

  it.effect("the handler can be replaced and removed", () =>
    Effect.gen(function*() {
      const userInput = yield* UserInput.make()
      yield* userInput.setHandler(() => Effect.succeed(Option.some("first")))
      expect(yield* userInput.request(request)).toEqual(Option.some("first"))
      yield* userInput.setHandler(() => Effect.succeed(Option.none()))
      expect(yield* userInput.request(request)).toEqual(Option.none())
      yield* userInput.setHandler(undefined)
      expect(yield* userInput.request(request)).toEqual(Option.none())
    }))

  it.effect("installScoped answers only while its scope is open", () =>
    Effect.gen(function*() {
      const userInput = yield* UserInput.make()
      const scope = yield* Scope.make()
      yield* UserInput.installScoped(userInput, () => Effect.succeed(Option.some("yes"))).pipe(Scope.extend(scope))
      expect(yield* userInput.request(request)).toEqual(Option.some("yes"))
      yield* Scope.close(scope, Exit.void)
      expect(yield* userInput.request(request)).toEqual(Option.none())
    }))

  it.effect("a failing handler fails the request with its error", () =>
    Effect.gen(function*() {
      const userInput = yield* UserInput.make(() => new UserInput.UserInputError({ message: "input closed" }))
      const error = yield* Effect.flip(userInput.request(request))
      expect(error._tag).toBe("UserInputError")
      expect(error.message).toBe("input closed")
    }))

  it.effect("layerHandler installs the given handler", () =>
    Effect.gen(function*() {
      const userInput = yield* UserInput.UserInput
      expect(yield* userInput.request(request)).toEqual(Option.some({ ok: true }))
    }).pipe(Effect.provide(UserInput.layerHandler(() => Effect.succeed(Option.some({ ok: true }))))))
})
