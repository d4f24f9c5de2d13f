/** Tests of AgentLoop: AgentLoop. */
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Layer, Ref, Schema } from "effect"
import * as AgentEvents from "../../src/agent/AgentEvents.js"
import * as AgentLoop from "../../src/agent/AgentLoop.js"
import { Compactor } from "../../src/agent/Compactor.js"
import * as ContextManager from "../../src/context/ContextManager.js"
import * as ModelClient from "../../src/model/ModelClient.js"
import { ApiError } from "../../src/model/ModelError.js"
import type { AgentEvent } from "../../src/protocol/AgentEvent.js"
import { assistantMessage, toolCall, toolResult, userMessage } from "../../src/protocol/Items.js"
import { ModelEvent } from "../../src/protocol/ModelEvent.js"
import * as SessionRecorder from "../../src/session/SessionRecorder.js"
import * as Tool from "../../src/tools/Tool.js"
import * as ToolRegistry from "../../src/tools/ToolRegistry.js"

const echo = Tool.make({
  name: "echo",
  description: "Returns its text.",
  parameters: Schema.Struct({ text: Schema.String }),
  supportsParallel: true,
  handler: ({ text }) => Effect.succeed(text)
})

const noCompactor = Layer.succeed(Compactor, {
  compact: () => Effect.dieMessage("compaction was not expected")
})

/** Builds a loop over a scripted model and the given tools; returns it with the recorded events. */
const setup = (
  replies: Parameters<typeof ModelClient.makeScripted>[0],
  tools: ReadonlyArray<Tool.Tool> = [echo],
  options: AgentLoop.AgentLoopOptions = {}
) =>
  Effect.gen(function* () {
    const scripted = yield* ModelClient.makeScripted(replies)
    const events = yield* AgentEvents.makeCollected
    const memory = yield* SessionRecorder.makeMemory
    const loop = yield* AgentLoop.make(options).pipe(
      Effect.provide(
        Layer.mergeAll(
          Layer.succeed(ModelClient.ModelClient, scripted.client),
          ToolRegistry.layer(tools),
          ContextManager.layerPlain(),
          Layer.succeed(SessionRecorder.SessionRecorder, memory.recorder),
          Layer.succeed(AgentEvents.AgentEvents, events.sink),
          noCompactor
        )
      )
    )
    return { loop, prompts: scripted.prompts, events: events.collected, recorded: memory.log }
  })

const kinds = (events: ReadonlyArray<AgentEvent>) => events.map((e) => e._tag)

describe("AgentLoop", () => {
  it.effect("runs a tool and then answers", () =>
    Effect.gen(function* () {
      const { events, loop, prompts, recorded } = yield* setup([
        ModelClient.items(assistantMessage("我先看一下。"), toolCall("call_1", "echo", { text: "hello" })),
        ModelClient.items(assistantMessage("工具返回了 hello"))
      ])
      const result = yield* loop.runTurn(["请回声 hello"])
      expect(result.outputText).toBe("工具返回了 hello")
      expect(result.iterations).toBe(2)
      expect(result.history.map((i) => i._tag)).toEqual([
        "UserMessage",
        "AssistantMessage",
        "ToolCall",
        "ToolResult",
        "AssistantMessage"
      ])
      const toolOutput = result.history[3]
      expect(toolOutput?._tag === "ToolResult" && toolOutput.output).toBe("hello")
      expect(kinds(yield* events)).toEqual([
        "turn_started",
        "model_called",
        "assistant_delta",
        "tool_called",
        "model_completed",
        "tool_started",
        "tool_completed",
        "model_called",
        "assistant_delta",
        "model_completed",
        "turn_completed"
      ])
      // the follow-up request carries the call and its result
      const second = (yield* prompts)[1]!
      expect(second.input.map((i) => i._tag)).toEqual(["UserMessage", "AssistantMessage", "ToolCall", "ToolResult"])
      // every item was persisted as it was appended, in order
      const persisted = (yield* recorded).flatMap((r) => r.items.map((i) => i._tag))
      expect(persisted).toEqual(result.history.map((i) => i._tag))
    }))

  it.effect("converges naturally: no iteration cap", () =>
    Effect.gen(function* () {
      const replies = Array.from({ length: 12 }, (_, i) =>
        ModelClient.items(toolCall(`call_${i}`, "echo", { text: `step-${i}` }))
      )
      const { loop } = yield* setup([...replies, ModelClient.items(assistantMessage("超过 12 轮后也收敛了"))])
      const result = yield* loop.runTurn(["go"])
      expect(result.iterations).toBe(13)
      expect(result.outputText).toBe("超过 12 轮后也收敛了")
    }))

  it.effect("runs parallel-capable tools of one response concurrently", () =>
    Effect.gen(function* () {
      const started = yield* Ref.make(0)
      const bothStarted = yield* Deferred.make<void>()
      const finishedBeforeOtherStarted = yield* Ref.make(false)
      const slow = (name: string) =>
        Tool.make({
          name,
          description: "Waits until both slow tools have started.",
          parameters: Schema.Struct({}),
          supportsParallel: true,
          handler: () =>
            Effect.gen(function* () {
              const n = yield* Ref.updateAndGet(started, (x) => x + 1)
              if (n === 2) yield* Deferred.succeed(bothStarted, undefined)
              yield* Deferred.await(bothStarted)
              if ((yield* Ref.get(started)) < 2) yield* Ref.set(finishedBeforeOtherStarted, true)
              return name
            })
        })
      const { loop } = yield* setup(
        [
          ModelClient.items(toolCall("a", "slow_a", {}), toolCall("b", "slow_b", {})),
          ModelClient.items(assistantMessage("两个工具都执行完了"))
        ],
        [slow("slow_a"), slow("slow_b")]
      )
      const result = yield* loop.runTurn(["run both"])
      expect(result.outputText).toBe("两个工具都执行完了")
      expect(yield* Ref.get(finishedBeforeOtherStarted)).toBe(false)
      const outputs = result.history.flatMap((i) => (i._tag === "ToolResult" ? [i.output] : []))
      expect(outputs).toEqual(["slow_a", "slow_b"])
    }))

  it.effect("flushes the parallel batch before a call that cannot run in parallel", () =>
    Effect.gen(function* () {
      const { events, loop } = yield* setup([
        ModelClient.items(toolCall("c1", "echo", { text: "x" }), toolCall("c2", "nope", {})),
        ModelClient.items(assistantMessage("done"))
      ])
      const result = yield* loop.runTurn(["go"])
      const toolEvents = (yield* events).flatMap((e) =>
        e._tag === "tool_started" || e._tag === "tool_completed" ? [`${e._tag} ${e.callId}`] : []
      )
      expect(toolEvents).toEqual(["tool_started c1", "tool_completed c1", "tool_started c2", "tool_completed c2"])
      const unknown = result.history.find((i) => i._tag === "ToolResult" && i.callId === "c2")
      expect(unknown).toEqual(
        toolResult({ callId: "c2", name: "nope", output: { error: "unknown tool: nope" }, isError: true })
      )
    }))

  it.effect("turns a wait_agent status into a sub-agent notification message", () =>
    Effect.gen(function* () {
      const waitAgent = Tool.make({
        name: "wait_agent",
        description: "Reports sub-agent statuses.",
        parameters: Schema.Struct({}),
        handler: () =>
          Effect.succeed({
            status: { "019d0000-0000-7000-8000-000000000000": { completed: "subagent done" }, other: "running" },
            timed_out: false
          })
      })
      const { loop } = yield* setup(
        [ModelClient.items(toolCall("w", "wait_agent", {})), ModelClient.items(assistantMessage("done"))],
        [waitAgent]
      )
      const result = yield* loop.runTurn(["wait"])
      expect(result.outputText).toBe("done")
      expect(result.history).toContainEqual(
        userMessage(
          "<subagent_notification>\n" +
            "{\"agent_id\":\"019d0000-0000-7000-8000-000000000000\",\"status\":{\"completed\":\"subagent done\"}}\n" +
            "</subagent_notification>"
        )
      )
    }))

  it.effect("a model error fails the turn with turn_failed and keeps the user message", () =>
    Effect.gen(function* () {
      const { events, loop } = yield* setup([ModelClient.fail(new ApiError({ message: "synthetic client error" }))])
      const error = yield* Effect.flip(loop.runTurn(["hello"]))
      expect(error.message).toBe("synthetic client error")
      const all = yield* events
      expect(kinds(all)).toEqual(["turn_started", "model_called", "turn_failed"])
      const failed = all[2]
      expect(failed?._tag === "turn_failed" && [failed.error, failed.errorType]).toEqual(["synthetic client error", "ApiError"])
      expect(yield* loop.history).toEqual([userMessage("hello")])
    }))

  it.effect("relays stream errors unchanged", () =>
    Effect.gen(function* () {
      const reconnecting = ModelEvent.StreamError({
        message: "Reconnecting... 1/5",
        attempt: 1,
        maxRetries: 5,
        delaySeconds: 0.2,
        error: "boom"
      })
      const { events, loop } = yield* setup([
        {
          _tag: "Events",
          events: [reconnecting, ModelEvent.Completed({ items: [assistantMessage("done")] })]
        }
      ])
      yield* loop.runTurn(["hello"])
      const all = yield* events
      expect(kinds(all)).toEqual(["turn_started", "model_called", "stream_error", "model_completed", "turn_completed"])
      const relayed = all[2]
      expect(relayed?._tag === "stream_error" && relayed.message).toBe("Reconnecting... 1/5")
    }))

  it.effect("an interrupt is honoured at the next safe boundary and keeps what was appended", () =>
    Effect.gen(function* () {
      const gate = yield* Deferred.make<void>()
      const toolRunning = yield* Deferred.make<void>()
      const blocking = Tool.make({
        name: "block",
        description: "Waits for the test.",
        parameters: Schema.Struct({}),
        handler: () => Deferred.succeed(toolRunning, undefined).pipe(Effect.zipRight(Deferred.await(gate)), Effect.as("ok"))
      })
      const { events, loop, prompts } = yield* setup(
        [
          ModelClient.items(assistantMessage("working"), toolCall("b1", "block", {})),
          ModelClient.items(assistantMessage("never"))
        ],
        [blocking]
      )
      const fiber = yield* Effect.fork(loop.runTurn(["start"]))
      yield* Deferred.await(toolRunning)
      yield* loop.interrupt
      yield* Deferred.succeed(gate, undefined)
      const error = yield* Effect.flip(Fiber.join(fiber))
      expect(error._tag).toBe("TurnInterrupted")
      expect((yield* prompts).length).toBe(1)
      const last = (yield* events).at(-1)
      expect(last?._tag === "turn_interrupted" && [last.iteration, last.outputText]).toEqual([1, "working"])
      expect((yield* loop.history).map((i) => i._tag)).toEqual(["UserMessage", "AssistantMessage", "ToolCall", "ToolResult"])
    }))
})
