/** Tests of AgentRuntime: AgentRuntime. */
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Ref } from "effect"
import * as AgentRuntime from "../../src/agent/AgentRuntime.js"
import * as ModelClient from "../../src/model/ModelClient.js"
import { assistantMessage } from "../../src/protocol/Items.js"
import type { Prompt } from "../../src/protocol/Prompt.js"
import { bareAgentServices } from "../support/AgentServices.js"

const services = bareAgentServices

const userTexts = (prompt: Prompt) => prompt.input.flatMap((i) => (i._tag === "UserMessage" ? [i.text] : []))

describe("AgentRuntime", () => {
  it.scoped("runs a submitted turn and shuts down", () =>
    Effect.gen(function* () {
      const scripted = yield* ModelClient.makeScripted([ModelClient.items(assistantMessage("done"))])
      const runtime = yield* AgentRuntime.make().pipe(Effect.provide(services(scripted.client)))
      const result = yield* runtime.submitUserTurn("hello")
      expect(result.outputText).toBe("done")
      yield* runtime.shutdown
      expect(yield* runtime.busy).toBe(false)
    }))

  it.scoped("steer interrupts the running turn, batches steered texts and reuses the turn id", () =>
    Effect.gen(function* () {
      const firstCallStarted = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      const calls = yield* Ref.make(0)
      const scripted = yield* ModelClient.makeScripted([
        () =>
          Effect.gen(function* () {
            yield* Ref.update(calls, (n) => n + 1)
            yield* Deferred.succeed(firstCallStarted, undefined)
            yield* Deferred.await(release)
            return ModelClient.items(assistantMessage("first"))
          }),
        () => Ref.update(calls, (n) => n + 1).pipe(Effect.as(ModelClient.items(assistantMessage("second"))))
      ])
      const events = yield* Ref.make<ReadonlyArray<AgentRuntime.SubmissionEvent>>([])
      const runtime = yield* AgentRuntime.make({ onEvent: (e) => Ref.update(events, (all) => [...all, e]) }).pipe(
        Effect.provide(services(scripted.client))
      )
      const first = yield* runtime.enqueue("hello")
      const firstResult = yield* Effect.fork(first.result)
      yield* Deferred.await(firstCallStarted)
      const steer1 = yield* runtime.enqueue("again", "steer")
      const steer2 = yield* runtime.enqueue("one more", "steer")
      expect(steer2.submissionId).toBe(steer1.submissionId)
      yield* Deferred.succeed(release, undefined)

      const interrupted = yield* Effect.flip(Fiber.join(firstResult))
      expect(interrupted.message).toBe("submission interrupted")
      const [a, b] = yield* Effect.all([steer1.result, steer2.result])
      expect(a.outputText).toBe("second")
      expect(b).toBe(a)
      expect(yield* Ref.get(calls)).toBe(2)

      const prompts = yield* scripted.prompts
      expect(prompts[0]!.turnId).toBe(prompts[1]!.turnId)
      expect(prompts[0]!.turnId).toBe(first.submissionId)
      expect(userTexts(prompts[1]!).slice(-3)).toEqual(["hello", "again", "one more"])
      expect(prompts[1]!.input).toContainEqual(assistantMessage("first"))

      const decorated = (yield* Ref.get(events)).filter((e) => e.event._tag === "turn_started")
      expect(decorated.map((e) => e.submissionId)).toEqual([first.submissionId, steer1.submissionId])
    }))

  it.scoped("a steer sent while idle runs with its own id as turn id", () =>
    Effect.gen(function* () {
      const scripted = yield* ModelClient.makeScripted([ModelClient.items(assistantMessage("ok"))])
      const runtime = yield* AgentRuntime.make().pipe(Effect.provide(services(scripted.client)))
      const steer = yield* runtime.enqueue("hi", "steer")
      const result = yield* steer.result
      expect(result.turnId).toBe(steer.submissionId)
    }))
})
