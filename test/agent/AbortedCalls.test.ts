/** Tests of AbortedCalls: calls without outputs. */
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Layer, Schema } from "effect"
import * as AgentEvents from "../../src/agent/AgentEvents.js"
import * as AgentLoop from "../../src/agent/AgentLoop.js"
import { Compactor } from "../../src/agent/Compactor.js"
import * as ContextManager from "../../src/context/ContextManager.js"
import * as ModelClient from "../../src/model/ModelClient.js"
import * as AbortedCalls from "../../src/protocol/AbortedCalls.js"
import { assistantMessage, toolCall, toolResult, toResponsesInputUnsafe, userMessage } from "../../src/protocol/Items.js"
import * as SessionRecorder from "../../src/session/SessionRecorder.js"
import * as Tool from "../../src/tools/Tool.js"
import * as ToolRegistry from "../../src/tools/ToolRegistry.js"

const noCompactor = Layer.succeed(Compactor, { compact: () => Effect.dieMessage("compaction was not expected") })

const setup = (
  replies: Parameters<typeof ModelClient.makeScripted>[0],
  tools: ReadonlyArray<Tool.Tool>,
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

const wire = (items: ReadonlyArray<Parameters<typeof toResponsesInputUnsafe>[0]>) => items.map(toResponsesInputUnsafe)

const recordedItems = (log: ReadonlyArray<SessionRecorder.Recorded>) => log.flatMap((r) => (r._tag === "Items" ? r.items : []))

describe("calls without outputs", () => {
  it("withAbortedOutputs puts `aborted` right after each unanswered call, function and custom alike", () => {
    const items = [
      userMessage("go"),
      toolCall("a", "exec_command", { cmd: "true" }),
      toolCall("b", "exec_command", { cmd: "sleep 9" }),
      toolCall("c", "apply_patch", "*** Begin Patch", "custom"),
      toolResult({ callId: "a", name: "exec_command", output: "done" })
    ]
    const repaired = AbortedCalls.withAbortedOutputs(items)
    expect(wire(repaired.history)).toEqual([
      wire([items[0]!])[0],
      wire([items[1]!])[0],
      wire([items[2]!])[0],
      { type: "function_call_output", call_id: "b", output: "aborted" },
      wire([items[3]!])[0],
      { type: "custom_tool_call_output", call_id: "c", output: "aborted", name: "apply_patch" },
      wire([items[4]!])[0]
    ])
    expect(repaired.added.map((r) => r.callId)).toEqual(["b", "c"])
    const again = AbortedCalls.withAbortedOutputs(repaired.history)
    expect(again.added).toEqual([])
    expect(again.history).toBe(repaired.history)
  })

  it("texts for calls the user interrupted follow Codex", () => {
    expect(AbortedCalls.abortedByUserText("exec_command", 5.23)).toBe("Wall time: 5.2 seconds\naborted by user")
    expect(AbortedCalls.abortedByUserText("update_plan", 0)).toBe("aborted by user after 0.1s")
  })

  it.effect("a resumed history with a dangling call sends and records `aborted` before the new user message", () =>
    Effect.gen(function* () {
      const initialHistory = [
        userMessage("run both"),
        toolCall("call_fast", "echo", { text: "x" }),
        toolCall("call_slow", "echo", { text: "y" }),
        toolResult({ callId: "call_fast", name: "echo", output: "x" })
      ]
      const echo = Tool.make({
        name: "echo",
        description: "echo",
        parameters: Schema.Struct({ text: Schema.String }),
        handler: ({ text }) => Effect.succeed(text)
      })
      const { loop, prompts, recorded } = yield* setup([ModelClient.items(assistantMessage("ok"))], [echo], { initialHistory })
      yield* loop.runTurn(["again"])
      const sent = wire((yield* prompts)[0]!.input.filter((i) => i._tag !== "ContextMessage"))
      expect(sent.slice(1)).toEqual([
        { type: "function_call", name: "echo", arguments: "{\"text\":\"x\"}", call_id: "call_fast" },
        { type: "function_call", name: "echo", arguments: "{\"text\":\"y\"}", call_id: "call_slow" },
        { type: "function_call_output", call_id: "call_slow", output: "aborted" },
        { type: "function_call_output", call_id: "call_fast", output: "x" },
        { type: "message", role: "user", content: [{ type: "input_text", text: "again" }] }
      ])
      const written = recordedItems(yield* recorded)
      expect(written.map((i) => i._tag)).toEqual(["ToolResult", "UserMessage", "AssistantMessage"])
      expect(written[0]).toMatchObject({ callId: "call_slow", output: "aborted" })
    }))

  it.live("a hard interrupt keeps finished results, aborts the running call and tells the model", () =>
    Effect.gen(function* () {
      const started = yield* Deferred.make<void>()
      const quick = Tool.make({
        name: "quick",
        description: "returns at once",
        parameters: Schema.Struct({}),
        supportsParallel: true,
        handler: () => Effect.succeed("quick done")
      })
      const stuck = Tool.make({
        name: "exec_command",
        description: "never returns",
        parameters: Schema.Struct({ cmd: Schema.String }),
        supportsParallel: true,
        handler: () => Effect.zipRight(Deferred.succeed(started, undefined), Effect.never)
      })
      const { events, loop, prompts, recorded } = yield* setup(
        [
          ModelClient.items(toolCall("c1", "quick", {}), toolCall("c2", "exec_command", { cmd: "sleep 60" })),
          ModelClient.items(assistantMessage("fine"))
        ],
        [quick, stuck]
      )
      const fiber = yield* Effect.fork(loop.runTurn(["work"]))
      yield* Deferred.await(started)
      yield* Fiber.interrupt(fiber)
      const history = yield* loop.history
      expect(history.map((i) => i._tag)).toEqual(["UserMessage", "ToolCall", "ToolCall", "ToolResult", "ToolResult", "UserMessage"])
      expect(history[3]).toMatchObject({ callId: "c1", output: "quick done" })
      const aborted = history[4]
      expect(aborted).toMatchObject({ callId: "c2" })
      expect(aborted?._tag === "ToolResult" && String(aborted.output)).toMatch(/^Wall time: \d+\.\d seconds\naborted by user$/)
      expect(history[5]).toEqual(userMessage(AbortedCalls.TURN_ABORTED_TEXT))
      expect(recordedItems(yield* recorded)).toEqual(history)
      expect((yield* events).map((e) => e._tag)).toContain("turn_interrupted")
      // The next turn sends every call with its output.
      yield* loop.runTurn(["next"])
      const input = (yield* prompts)[1]!.input
      expect(AbortedCalls.callsWithoutOutput(input)).toEqual([])
    }))
})
