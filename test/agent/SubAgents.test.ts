/** Tests of SubAgents: SubAgents. */
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber, Option, Random, Ref, Scope, TestClock } from "effect"
import * as AgentRuntime from "../../src/agent/AgentRuntime.js"
import * as SubAgents from "../../src/agent/SubAgents.js"
import * as ModelClient from "../../src/model/ModelClient.js"
import { RetryableStreamError } from "../../src/model/ModelError.js"
import { assistantMessage, type ConversationItem, userMessage } from "../../src/protocol/Items.js"
import type { Prompt } from "../../src/protocol/Prompt.js"
import { bareAgentServices } from "../support/AgentServices.js"

type Reply = Parameters<typeof ModelClient.makeScripted>[0][number]

const services = bareAgentServices

const reply = (text: string): ModelClient.ScriptedReply => ModelClient.items(assistantMessage(text))

const userTexts = (prompt: Prompt) => prompt.input.flatMap((i) => (i._tag === "UserMessage" ? [i.text] : []))

/** A builder over scripted models (the same script for every agent), recording requests and prompts. */
const scriptedBuilder = (replies: ReadonlyArray<Reply>) =>
  Effect.gen(function* () {
    const requests = yield* Ref.make<ReadonlyArray<SubAgents.RuntimeRequest>>([])
    const prompts = yield* Ref.make<ReadonlyArray<Effect.Effect<ReadonlyArray<Prompt>>>>([])
    const released = yield* Ref.make(0)
    const runtimes = yield* Ref.make<ReadonlyArray<AgentRuntime.AgentRuntime>>([])
    const builder: SubAgents.RuntimeBuilder = (request) =>
      Effect.gen(function* () {
        yield* Ref.update(requests, (all) => [...all, request])
        const scripted = yield* ModelClient.makeScripted(replies)
        yield* Ref.update(prompts, (all) => [...all, scripted.prompts])
        yield* Effect.addFinalizer(() => Ref.update(released, (n) => n + 1))
        const runtime = yield* AgentRuntime.make({ initialHistory: request.initialHistory }).pipe(Effect.provide(services(scripted.client)))
        yield* Ref.update(runtimes, (all) => [...all, runtime])
        return runtime
      })
    return {
      builder,
      requests: Ref.get(requests),
      /** Prompts the n-th built agent sent. */
      promptsOf: (n: number) => Effect.flatMap(Ref.get(prompts), (all) => all[n]!),
      released: Ref.get(released),
      runtimes: Ref.get(runtimes)
    }
  })

const UUID7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe("SubAgents", () => {
  it.scoped("spawn before a builder is installed fails with the reference text", () =>
    Effect.gen(function* () {
      const manager = yield* SubAgents.make()
      const error = yield* Effect.flip(manager.spawn({ prompt: "hello" }))
      expect(error.reason).toBe("Unavailable")
      expect(error.message).toBe("spawn_agent is unavailable before runtime initialization")
      expect(yield* manager.agentIds).toEqual([])

      const { builder } = yield* scriptedBuilder([reply("done")])
      yield* manager.setBuilder(builder)
      const spawned = yield* manager.spawn({ prompt: "hello" })
      expect(spawned.agent_id).toMatch(UUID7)
    }))

  it.scoped("spawn, wait, close: the agent completes, waiting again repeats the status, closing reports it", () =>
    Effect.gen(function* () {
      const scripted = yield* scriptedBuilder([reply("done")])
      const manager = yield* SubAgents.make({ builder: scripted.builder })
      const spawned = yield* manager.spawn({ prompt: "hello" })
      expect(Object.keys(spawned)).toEqual(["agent_id", "nickname"])
      expect(SubAgents.NICKNAMES).toContain(spawned.nickname)
      const [request] = yield* scripted.requests
      expect(request).toEqual({ initialHistory: [], agentId: spawned.agent_id })

      const waited = yield* manager.wait([spawned.agent_id], 1000)
      expect(waited).toEqual({ status: { [spawned.agent_id]: { completed: "done" } }, timed_out: false })
      expect(yield* manager.wait([spawned.agent_id], 1000)).toEqual(waited)
      expect(userTexts((yield* scripted.promptsOf(0))[0]!)).toEqual(["hello"])

      expect(yield* manager.close(spawned.agent_id)).toEqual({ status: { completed: "done" } })
      expect(yield* manager.status(spawned.agent_id)).toBe("shutdown")
      expect(yield* manager.close(spawned.agent_id)).toEqual({ status: "shutdown" })
      const refused = yield* Effect.flip(manager.sendInput(spawned.agent_id, "more", false))
      expect(refused.message).toBe(`agent is shutdown: ${spawned.agent_id}`)
    }))

  it.scoped("send_input to a finished agent runs a second turn on the same history", () =>
    Effect.gen(function* () {
      const scripted = yield* scriptedBuilder([reply("done one"), reply("done two")])
      const manager = yield* SubAgents.make({ builder: scripted.builder })
      const { agent_id } = yield* manager.spawn({ prompt: "first" })
      expect((yield* manager.wait([agent_id], 1000)).status).toEqual({ [agent_id]: { completed: "done one" } })

      const sent = yield* manager.sendInput(agent_id, "second", false)
      expect(sent.submission_id).toMatch(UUID7)
      expect(yield* manager.status(agent_id)).not.toEqual({ completed: "done one" })
      expect(yield* manager.wait([agent_id], 1000)).toEqual({ status: { [agent_id]: { completed: "done two" } }, timed_out: false })
      const prompts = yield* scripted.promptsOf(0)
      expect(prompts[1]!.input).toEqual([userMessage("first"), assistantMessage("done one"), userMessage("second")])
      expect(yield* manager.close(agent_id)).toEqual({ status: { completed: "done two" } })
    }))

  it.scoped("resume after close restarts the same runtime with its history", () =>
    Effect.gen(function* () {
      const scripted = yield* scriptedBuilder([reply("done"), reply("after resume")])
      const manager = yield* SubAgents.make({ builder: scripted.builder })
      const { agent_id } = yield* manager.spawn({ prompt: "initial" })
      yield* manager.wait([agent_id], 1000)
      yield* manager.close(agent_id)

      expect(yield* manager.resume(agent_id)).toEqual({ status: "pending_init" })
      yield* manager.sendInput(agent_id, "after", false)
      expect(yield* manager.wait([agent_id], 1000)).toEqual({ status: { [agent_id]: { completed: "after resume" } }, timed_out: false })
      expect(userTexts((yield* scripted.promptsOf(0))[1]!)).toEqual(["initial", "after"])
      expect((yield* scripted.requests).length).toBe(1)
      // a live agent is not restarted: resume only reports its status
      expect(yield* manager.resume(agent_id)).toEqual({ status: { completed: "after resume" } })
    }))

  it.scoped("wait times out on the Effect clock with an empty status map", () =>
    Effect.gen(function* () {
      const scripted = yield* scriptedBuilder([() => Effect.never])
      const manager = yield* SubAgents.make({ builder: scripted.builder })
      const { agent_id } = yield* manager.spawn({ prompt: "work" })
      expect(yield* manager.status(agent_id)).toBe("running")

      const waiting = yield* Effect.fork(manager.wait([agent_id], 5000))
      yield* TestClock.adjust("4999 millis")
      expect(Option.isNone(yield* Fiber.poll(waiting))).toBe(true)
      yield* TestClock.adjust("1 millis")
      expect(yield* Fiber.join(waiting)).toEqual({ status: {}, timed_out: true })

      // zero or negative timeouts wait one millisecond
      const immediate = yield* Effect.fork(manager.wait([agent_id], 0))
      yield* TestClock.adjust("1 millis")
      expect(yield* Fiber.join(immediate)).toEqual({ status: {}, timed_out: true })
    }))

  it.scoped("a waiter wakes when the agent finishes, not before", () =>
    Effect.gen(function* () {
      const release = yield* Deferred.make<void>()
      const scripted = yield* scriptedBuilder([() => Deferred.await(release).pipe(Effect.as(reply("late")))])
      const manager = yield* SubAgents.make({ builder: scripted.builder })
      const { agent_id } = yield* manager.spawn({ prompt: "work" })
      const waiting = yield* Effect.fork(manager.wait([agent_id], 60_000))
      yield* TestClock.adjust("10 seconds")
      expect(Option.isNone(yield* Fiber.poll(waiting))).toBe(true)
      yield* Deferred.succeed(release, undefined)
      expect(yield* Fiber.join(waiting)).toEqual({ status: { [agent_id]: { completed: "late" } }, timed_out: false })
    }))

  it.scoped("unknown ids: not_found statuses, and the reference's error for send_input", () =>
    Effect.gen(function* () {
      const release = yield* Deferred.make<void>()
      const scripted = yield* scriptedBuilder([() => Deferred.await(release).pipe(Effect.as(reply("x")))])
      const manager = yield* SubAgents.make({ builder: scripted.builder })
      expect(yield* manager.wait(["bogus"], 1000)).toEqual({ status: { bogus: "not_found" }, timed_out: false })
      expect(yield* manager.resume("bogus")).toEqual({ status: "not_found" })
      expect(yield* manager.close("bogus")).toEqual({ status: "not_found" })
      const error = yield* Effect.flip(manager.sendInput("bogus", "hi", false))
      expect(error.message).toBe("unknown agent: bogus")

      const { agent_id } = yield* manager.spawn({ prompt: "work" })
      const mixed = yield* manager.wait([agent_id, "bogus", agent_id], 1000)
      expect(mixed).toEqual({ status: { [agent_id]: "running", bogus: "not_found" }, timed_out: false })
      expect(Object.keys(mixed.status)).toEqual([agent_id, "bogus"])
    }))

  it.scoped("an empty prompt leaves the agent pending; fork history and overrides reach the builder", () =>
    Effect.gen(function* () {
      const scripted = yield* scriptedBuilder([reply("done")])
      const manager = yield* SubAgents.make({ builder: scripted.builder })
      const history: ReadonlyArray<ConversationItem> = [userMessage("parent"), assistantMessage("parent answer")]
      const { agent_id } = yield* manager.spawn({ prompt: "", model: "other", reasoningEffort: "high", initialHistory: history })
      expect(yield* manager.status(agent_id)).toBe("pending_init")
      expect(yield* scripted.requests).toEqual([{ model: "other", reasoningEffort: "high", initialHistory: history, agentId: agent_id }])

      yield* manager.sendInput(agent_id, "go", false)
      yield* manager.wait([agent_id], 1000)
      expect((yield* scripted.promptsOf(0))[0]!.input).toEqual([...history, userMessage("go")])
    }))

  it.scoped("a queued second submission keeps the agent running until it too completes", () =>
    Effect.gen(function* () {
      const releaseFirst = yield* Deferred.make<void>()
      const releaseSecond = yield* Deferred.make<void>()
      const scripted = yield* scriptedBuilder([
        () => Deferred.await(releaseFirst).pipe(Effect.as(reply("one"))),
        () => Deferred.await(releaseSecond).pipe(Effect.as(reply("two")))
      ])
      const manager = yield* SubAgents.make({ builder: scripted.builder })
      const { agent_id } = yield* manager.spawn({ prompt: "first" })
      yield* manager.sendInput(agent_id, "second", false)
      const waiting = yield* Effect.fork(manager.wait([agent_id], 60_000))
      yield* Deferred.succeed(releaseFirst, undefined)
      yield* TestClock.adjust("1 second")
      expect(yield* manager.status(agent_id)).toBe("running")
      expect(Option.isNone(yield* Fiber.poll(waiting))).toBe(true)
      yield* Deferred.succeed(releaseSecond, undefined)
      expect((yield* Fiber.join(waiting)).status).toEqual({ [agent_id]: { completed: "two" } })
    }))

  it.scoped("steering records the interrupted submission's error, which outlives the steered turn", () =>
    Effect.gen(function* () {
      const started = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      const scripted = yield* scriptedBuilder([
        () => Deferred.succeed(started, undefined).pipe(Effect.zipRight(Deferred.await(release)), Effect.as(reply("first"))),
        reply("steered")
      ])
      const manager = yield* SubAgents.make({ builder: scripted.builder })
      const { agent_id } = yield* manager.spawn({ prompt: "long task" })
      yield* Deferred.await(started)
      yield* manager.sendInput(agent_id, "change of plan", true)
      yield* Deferred.succeed(release, undefined)
      const waited = yield* manager.wait([agent_id], 1000)
      expect(waited.status).toEqual({ [agent_id]: { errored: "RuntimeError: submission interrupted" } })
      // once the steered turn has run, the status still shows the error until the next send_input
      const runtime = (yield* scripted.runtimes)[0]!
      yield* Effect.yieldNow().pipe(Effect.repeat({ until: () => Effect.map(runtime.busy, (busy) => !busy) }))
      yield* Effect.repeatN(Effect.yieldNow(), 20)
      expect(userTexts((yield* scripted.promptsOf(0))[1]!)).toEqual(["long task", "change of plan"])
      expect(yield* manager.status(agent_id)).toEqual({ errored: "RuntimeError: submission interrupted" })
      yield* manager.sendInput(agent_id, "again", false)
      expect((yield* manager.wait([agent_id], 1000)).status).toEqual({ [agent_id]: { completed: "steered" } })
    }))

  it.scoped("a failed turn is reported as errored with the error's name", () =>
    Effect.gen(function* () {
      const scripted = yield* scriptedBuilder([ModelClient.fail(new RetryableStreamError({ message: "stream dropped" }))])
      const manager = yield* SubAgents.make({ builder: scripted.builder })
      const { agent_id } = yield* manager.spawn({ prompt: "work" })
      expect((yield* manager.wait([agent_id], 1000)).status).toEqual({ [agent_id]: { errored: "RetryableStreamError: stream dropped" } })
    }))

  it.scoped("a builder failure is a readable error and releases what the builder acquired", () =>
    Effect.gen(function* () {
      const released = yield* Ref.make(false)
      const manager = yield* SubAgents.make({
        builder: () =>
          Effect.addFinalizer(() => Ref.set(released, true)).pipe(
            Effect.zipRight(Effect.fail({ _tag: "ToolDeclarationError", message: "tool declarations not found" }))
          )
      })
      const error = yield* Effect.flip(manager.spawn({ prompt: "hi" }))
      expect(error.reason).toBe("BuildFailed")
      expect(error.message).toBe("cannot start agent: ToolDeclarationError: tool declarations not found")
      expect(yield* Ref.get(released)).toBe(true)
      expect(yield* manager.agentIds).toEqual([])
    }))

  it.effect("closing the manager's scope stops every agent and releases its resources", () =>
    Effect.gen(function* () {
      const scripted = yield* scriptedBuilder([() => Effect.never])
      const scope = yield* Scope.make()
      const manager = yield* SubAgents.make({ builder: scripted.builder }).pipe(Scope.extend(scope))
      yield* manager.spawn({ prompt: "a" })
      yield* manager.spawn({ prompt: "b" })
      expect(yield* scripted.released).toBe(0)
      yield* Scope.close(scope, Exit.void)
      expect(yield* scripted.released).toBe(2)
    }))

  it.scoped("nicknames come from a shuffled pool and repeat only after all were used", () =>
    Effect.gen(function* () {
      const manager = yield* SubAgents.make({
        builder: () =>
          Effect.flatMap(ModelClient.makeScripted([reply("x")]), (scripted) =>
            AgentRuntime.make().pipe(Effect.provide(services(scripted.client))))
      })
      const names: Array<string> = []
      for (let i = 0; i < SubAgents.NICKNAMES.length + 1; i++) names.push((yield* manager.spawn({ prompt: "" })).nickname)
      const firstRound = names.slice(0, SubAgents.NICKNAMES.length)
      expect([...firstRound].sort()).toEqual([...SubAgents.NICKNAMES].sort())
      expect(firstRound).not.toEqual([...SubAgents.NICKNAMES].reverse())
      expect(SubAgents.NICKNAMES).toContain(names.at(-1))
    }).pipe(Effect.withRandom(Random.make("subagent-nicknames"))))
})
