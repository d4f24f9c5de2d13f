import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import * as AgentEvents from "../../src/agent/AgentEvents.js"
import * as AgentLoop from "../../src/agent/AgentLoop.js"
import * as CompactorLive from "../../src/agent/CompactorLive.js"
import * as ContextManager from "../../src/context/ContextManager.js"
import * as ModelClient from "../../src/model/ModelClient.js"
import { ContextLengthExceeded } from "../../src/model/ModelError.js"
import type { AgentEvent } from "../../src/protocol/AgentEvent.js"
import type { ConversationItem } from "../../src/protocol/Items.js"
import { assistantMessage, toolCall, toolResult, userMessage } from "../../src/protocol/Items.js"
import type { Prompt } from "../../src/protocol/Prompt.js"
import * as SessionRecorder from "../../src/session/SessionRecorder.js"
import * as Tool from "../../src/tools/Tool.js"
import * as ToolRegistry from "../../src/tools/ToolRegistry.js"

const COMPACT = "Write a CONTEXT CHECKPOINT COMPACTION summary."
const PREFIX = "PREFIX"
const FIXTURE =
  'outcomming chat request failed with status 400: {"error":{"message":"This model\'s maximum context length is 262144 tokens. However, you requested 264568 tokens (264568 in the messages, 0 in the completion). Please reduce the length of the messages or completion.","type":"context_length_exceeded"}}'
const tooLong = () => ModelClient.fail(new ContextLengthExceeded({ message: FIXTURE, requestedTokens: 264568, limitTokens: 262144 }))

const echo = Tool.make({
  name: "echo",
  description: "Returns its text.",
  parameters: Schema.Struct({ text: Schema.String }),
  handler: ({ text }) => Effect.succeed(text)
})

const setup = (
  replies: Parameters<typeof ModelClient.makeScripted>[0],
  options: { readonly limit?: number; readonly initialHistory?: ReadonlyArray<ConversationItem> } = {}
) =>
  Effect.gen(function* () {
    const scripted = yield* ModelClient.makeScripted(replies)
    const events = yield* AgentEvents.makeCollected
    const memory = yield* SessionRecorder.makeMemory
    const services = Layer.mergeAll(
      Layer.succeed(ModelClient.ModelClient, scripted.client),
      ToolRegistry.layer([echo]),
      ContextManager.layerPlain(options.limit !== undefined ? { autoCompactTokenLimit: options.limit } : {}),
      Layer.succeed(SessionRecorder.SessionRecorder, memory.recorder),
      Layer.succeed(AgentEvents.AgentEvents, events.sink)
    )
    const layer = CompactorLive.layerTexts({ compactPrompt: COMPACT, summaryPrefix: PREFIX }).pipe(Layer.provideMerge(services))
    const loop = yield* AgentLoop.make(options.initialHistory ? { initialHistory: options.initialHistory } : {}).pipe(
      Effect.provide(layer)
    )
    return { loop, prompts: scripted.prompts, events: events.collected, recorded: memory.log }
  })

const autoEvents = (events: ReadonlyArray<AgentEvent>) => events.filter((e) => e._tag.startsWith("auto_compact"))
const items = (prompt: Prompt | undefined) => prompt?.input ?? []

describe("automatic compaction in the loop", () => {
  it.effect("compacts before the next user turn once usage reached the limit (pre_turn)", () =>
    Effect.gen(function* () {
      const { events, loop, prompts, recorded } = yield* setup(
        [
          { _tag: "Items", items: [assistantMessage("first answer")], usage: { total_tokens: 12 } },
          ModelClient.items(assistantMessage("checkpoint summary")),
          ModelClient.items(assistantMessage("second answer"))
        ],
        { limit: 10 }
      )
      yield* loop.runTurn(["first prompt"])
      const result = yield* loop.runTurn(["second prompt"])
      expect(result.outputText).toBe("second answer")
      const all = yield* prompts
      expect(all.length).toBe(3)
      expect(items(all[1])).toEqual([userMessage("first prompt"), assistantMessage("first answer"), userMessage(COMPACT)])
      expect(all[1]!.tools).toEqual([])
      expect(all[1]!.parallelToolCalls).toBe(false)
      expect(items(all[2])).toEqual([userMessage("first prompt"), userMessage(`${PREFIX}\ncheckpoint summary`), userMessage("second prompt")])
      const auto = autoEvents(yield* events)
      expect(auto.map((e) => e._tag)).toEqual(["auto_compact_started", "auto_compact_completed"])
      expect(auto[1]).toMatchObject({
        phase: "pre_turn",
        totalTokens: 12,
        tokenLimit: 10,
        originalItemCount: 2,
        retainedItemCount: 1,
        summary: "compact(2 items) -> 1 item + [summary]"
      })
      // the compacted record comes before the new user message
      const log = (yield* recorded).map((r) => (r._tag === "Compacted" ? "compacted" : r.items.map((i) => i._tag).join(",")))
      expect(log).toEqual(["UserMessage", "AssistantMessage", "compacted", "UserMessage", "AssistantMessage"])
    }))

  it.effect("compacts before a tool follow-up request (mid_turn)", () =>
    Effect.gen(function* () {
      const { events, loop, prompts } = yield* setup(
        [
          { _tag: "Items", items: [toolCall("c1", "echo", { text: "tool output" })], usage: { total_tokens: 12 } },
          ModelClient.items(assistantMessage("summary after tool")),
          ModelClient.items(assistantMessage("final answer"))
        ],
        { limit: 10 }
      )
      const result = yield* loop.runTurn(["use the tool"])
      expect(result.outputText).toBe("final answer")
      const all = yield* prompts
      expect(all.length).toBe(3)
      expect(items(all[1])).toEqual([
        userMessage("use the tool"),
        toolCall("c1", "echo", { text: "tool output" }),
        toolResult({ callId: "c1", name: "echo", output: "tool output" }),
        userMessage(COMPACT)
      ])
      expect(items(all[2])).toEqual([userMessage("use the tool"), userMessage(`${PREFIX}\nsummary after tool`)])
      expect(autoEvents(yield* events).map((e) => e._tag === "auto_compact_started" && e.phase)).toEqual(["mid_turn", false])
    }))

  it.effect("never compacts on usage without a limit", () =>
    Effect.gen(function* () {
      const { events, loop, prompts } = yield* setup([
        { _tag: "Items", items: [assistantMessage("a")], usage: { total_tokens: 1_000_000 } }
      ])
      yield* loop.runTurn(["one"])
      yield* loop.runTurn(["two"])
      expect((yield* prompts).length).toBe(2)
      expect(autoEvents(yield* events)).toEqual([])
    }))
})

describe("context-length recovery", () => {
  it.effect("compacts and retries once when the provider says the prompt is too long", () =>
    Effect.gen(function* () {
      const { events, loop, prompts } = yield* setup([
        tooLong(),
        ModelClient.items(assistantMessage("checkpoint summary")),
        ModelClient.items(assistantMessage("final answer"))
      ])
      const result = yield* loop.runTurn(["hello"])
      expect(result.outputText).toBe("final answer")
      const all = yield* prompts
      expect(all.length).toBe(3)
      expect(items(all[1])).toEqual([userMessage("hello"), userMessage(COMPACT)])
      expect(items(all[2])).toEqual([userMessage("hello"), userMessage(`${PREFIX}\ncheckpoint summary`)])
      const kinds = (yield* events).map((e) => e._tag)
      expect(kinds).not.toContain("turn_failed")
      expect(kinds.slice(0, 6)).toEqual([
        "turn_started",
        "model_called",
        "token_count",
        "auto_compact_started",
        "auto_compact_completed",
        "model_called"
      ])
      const completed = autoEvents(yield* events)[1]
      expect(completed).toMatchObject({
        phase: "context_length_exceeded",
        totalTokens: 264568,
        tokenLimit: 262144,
        summary: "compact(1 item) -> 1 item + [summary]"
      })
    }))

  it.effect("fails the turn when even the compaction does not fit", () =>
    Effect.gen(function* () {
      const { events, loop } = yield* setup([tooLong()])
      const error = yield* Effect.flip(loop.runTurn(["hello"]))
      expect(error.message).toContain("context_length_exceeded")
      const all = yield* events
      expect(all.map((e) => e._tag)).toEqual([
        "turn_started",
        "model_called",
        "token_count",
        "auto_compact_started",
        "auto_compact_failed",
        "token_count",
        "turn_failed"
      ])
      expect(all[2]).toMatchObject({ usage: { total_tokens: 264568, input_tokens: 264568, output_tokens: 0 } })
      expect(all[3]).toMatchObject({ phase: "context_length_exceeded", totalTokens: 264568, tokenLimit: 262144 })
    }))

  it.effect("drops the oldest tool output until the compaction request fits", () =>
    Effect.gen(function* () {
      const { events, loop, prompts } = yield* setup(
        [
          tooLong(),
          tooLong(),
          ModelClient.items(assistantMessage("summary without tools")),
          ModelClient.items(assistantMessage("final after prune"))
        ],
        {
          initialHistory: [
            userMessage("old prompt"),
            toolCall("call_old", "echo", { text: "large" }),
            toolResult({ callId: "call_old", name: "echo", output: "large output" }),
            assistantMessage("old answer")
          ]
        }
      )
      const result = yield* loop.runTurn(["new prompt"])
      expect(result.outputText).toBe("final after prune")
      const all = yield* prompts
      expect(all.length).toBe(4)
      expect(items(all[1]).some((i) => i._tag === "ToolResult")).toBe(true)
      expect(items(all[2]).some((i) => i._tag === "ToolResult" || i._tag === "ToolCall")).toBe(false)
      expect(items(all[3]).some((i) => i._tag === "ToolResult" || i._tag === "ToolCall")).toBe(false)
      expect(yield* loop.history).toEqual([
        userMessage("old prompt"),
        userMessage("new prompt"),
        userMessage(`${PREFIX}\nsummary without tools`),
        assistantMessage("final after prune")
      ])
      expect(autoEvents(yield* events)[1]).toMatchObject({
        prunedToolResults: 1,
        summary: "compact(5 items) -> 2 items + [summary] (dropped 1 old tool response)"
      })
    }))

  it.effect("a context-length text without a size fails the turn without compacting", () =>
    Effect.gen(function* () {
      const { events, loop, prompts } = yield* setup([
        ModelClient.fail(new ContextLengthExceeded({ message: "context_length_exceeded: prompt too long" }))
      ])
      yield* Effect.flip(loop.runTurn(["hello"]))
      expect((yield* prompts).length).toBe(1)
      expect((yield* events).map((e) => e._tag)).toEqual(["turn_started", "model_called", "turn_failed"])
    }))
})
