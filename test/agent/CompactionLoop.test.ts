/** The agent loop with the live Compactor: pre-turn, mid-turn and context-length compaction end to end. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option, Schema } from "effect"
import * as AgentEvents from "../../src/agent/AgentEvents.js"
import * as AgentLoop from "../../src/agent/AgentLoop.js"
import * as CompactorLive from "../../src/agent/CompactorLive.js"
import * as ContextManager from "../../src/context/ContextManager.js"
import * as ModelClient from "../../src/model/ModelClient.js"
import { ApiError, ContextLengthExceeded } from "../../src/model/ModelError.js"
import type { AgentEvent } from "../../src/protocol/AgentEvent.js"
import type { ConversationItem } from "../../src/protocol/Items.js"
import { assistantMessage, toolCall, toolResult, userMessage } from "../../src/protocol/Items.js"
import { ModelEvent } from "../../src/protocol/ModelEvent.js"
import type { Prompt } from "../../src/protocol/Prompt.js"
import * as SessionRecorder from "../../src/session/SessionRecorder.js"
import * as Tool from "../../src/tools/Tool.js"
import * as ToolRegistry from "../../src/tools/ToolRegistry.js"

const COMPACT = "Write a CONTEXT CHECKPOINT COMPACTION summary."
const PREFIX = "PREFIX"
const FIXTURE =
  'outcomming chat request failed with status 400: {"error":{"message":"This model\'s maximum context length is 262144 tokens. However, you requested 264568 tokens (264568 in the messages, 0 in the completion). Please reduce the length of the messages or completion.","type":"context_length_exceeded"}}'
const tooLong = () => ModelClient.fail(ContextLengthExceeded.fromText(FIXTURE))

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
        ModelClient.fail(ContextLengthExceeded.fromText("context_length_exceeded: prompt too long"))
      ])
      yield* Effect.flip(loop.runTurn(["hello"]))
      expect((yield* prompts).length).toBe(1)
      expect((yield* events).map((e) => e._tag)).toEqual(["turn_started", "model_called", "turn_failed"])
    }))
})

const CHAT_STYLE =
  "This model's maximum context length is 20000 tokens. However, you requested 30000 tokens (29990 in the messages, 10 in the completion). Please reduce the length of the messages or completion."
const kinds = (events: ReadonlyArray<AgentEvent>) => events.map((e) => e._tag)
const recordLog = (recorded: ReadonlyArray<SessionRecorder.Recorded>) =>
  recorded.flatMap((r) => (r._tag === "Compacted" ? ["compacted"] : r.items.map((i) => i._tag)))

describe("automatic compaction, exact payloads and records", () => {
  it.effect("pre_turn: payloads carry the remembered usage and limit, and usage is forgotten afterwards", () =>
    Effect.gen(function* () {
      const { events, loop } = yield* setup(
        [
          { _tag: "Items", items: [assistantMessage("first answer")], usage: { total_tokens: 12 } },
          ModelClient.items(assistantMessage("checkpoint summary")),
          ModelClient.items(assistantMessage("second answer"))
        ],
        { limit: 10 }
      )
      yield* loop.runTurn(["first prompt"])
      expect(yield* loop.lastTotalTokens).toBe(12)
      const result = yield* loop.runTurn(["second prompt"], "turn-2")
      expect(yield* loop.lastTotalTokens).toBeUndefined()
      const turn2 = (yield* events).filter((e) => "turnId" in e && e.turnId === "turn-2")
      expect(kinds(turn2).slice(0, 4)).toEqual(["turn_started", "auto_compact_started", "auto_compact_completed", "model_called"])
      expect(turn2[1]).toEqual({ _tag: "auto_compact_started", turnId: "turn-2", phase: "pre_turn", totalTokens: 12, tokenLimit: 10 })
      expect(turn2[2]).toEqual({
        _tag: "auto_compact_completed",
        turnId: "turn-2",
        phase: "pre_turn",
        totalTokens: 12,
        tokenLimit: 10,
        originalItemCount: 2,
        retainedItemCount: 1,
        summary: "compact(2 items) -> 1 item + [summary]"
      })
      expect(result.history).toEqual([
        userMessage("first prompt"),
        userMessage(`${PREFIX}\ncheckpoint summary`),
        userMessage("second prompt"),
        assistantMessage("second answer")
      ])
    }))

  it.effect("mid_turn: the compacted record follows the tool result lines", () =>
    Effect.gen(function* () {
      const { loop, recorded } = yield* setup(
        [
          { _tag: "Items", items: [toolCall("c1", "echo", { text: "tool output" })], usage: { total_tokens: 12 } },
          ModelClient.items(assistantMessage("summary after tool")),
          ModelClient.items(assistantMessage("final answer"))
        ],
        { limit: 10 }
      )
      yield* loop.runTurn(["use the tool"])
      expect(recordLog(yield* recorded)).toEqual(["UserMessage", "ToolCall", "ToolResult", "compacted", "AssistantMessage"])
      const compacted = (yield* recorded).find((r) => r._tag === "Compacted")
      expect(compacted?.items).toEqual([userMessage("use the tool"), userMessage(`${PREFIX}\nsummary after tool`)])
    }))

  it.effect("pre_turn failure: reported, the error propagates, no turn_failed, the new message is not added, usage is kept", () =>
    Effect.gen(function* () {
      const { events, loop, prompts } = yield* setup(
        [
          { _tag: "Items", items: [assistantMessage("first answer")], usage: { total_tokens: 12 } },
          ModelClient.fail(new ApiError({ message: "summary request rejected", status: 400 }))
        ],
        { limit: 10 }
      )
      yield* loop.runTurn(["first prompt"])
      const error = yield* Effect.flip(loop.runTurn(["second prompt"], "turn-2"))
      expect(error.message).toBe("summary request rejected")
      expect((yield* prompts).length).toBe(2)
      const turn2 = (yield* events).filter((e) => "turnId" in e && e.turnId === "turn-2")
      expect(kinds(turn2)).toEqual(["turn_started", "auto_compact_started", "auto_compact_failed"])
      expect(turn2[2]).toEqual({
        _tag: "auto_compact_failed",
        turnId: "turn-2",
        phase: "pre_turn",
        totalTokens: 12,
        tokenLimit: 10,
        error: "summary request rejected",
        errorType: "ApiError"
      })
      expect(yield* loop.history).toEqual([userMessage("first prompt"), assistantMessage("first answer")])
      expect(yield* loop.lastTotalTokens).toBe(12)
    }))

  it.effect("a manual compaction replaces the history but keeps the remembered usage", () =>
    Effect.gen(function* () {
      const { events, loop } = yield* setup([
        { _tag: "Items", items: [assistantMessage("done")], usage: { total_tokens: 50 } },
        ModelClient.items(assistantMessage("checkpoint summary"))
      ])
      yield* loop.runTurn(["hello"])
      const result = yield* loop.compact(() => Effect.void)
      expect(Option.getOrThrow(result).summary).toBe("compact(2 items) -> 1 item + [summary]")
      expect(yield* loop.history).toEqual([userMessage("hello"), userMessage(`${PREFIX}\ncheckpoint summary`)])
      expect(yield* loop.lastTotalTokens).toBe(50)
      expect(autoEvents(yield* events)).toEqual([])
    }))
  it.effect("relays only stream errors of the compaction request; its usage and text stay hidden", () =>
    Effect.gen(function* () {
      const { events, loop } = yield* setup(
        [
          { _tag: "Items", items: [assistantMessage("first answer")], usage: { total_tokens: 12 } },
          {
            _tag: "Events",
            events: [
              ModelEvent.StreamError({ message: "Reconnecting... 1/5", attempt: 1, maxRetries: 5, delaySeconds: 0.2, error: "stream closed" }),
              ModelEvent.AssistantDelta({ delta: "checkpoint summary" }),
              ModelEvent.TokenCount({ usage: { total_tokens: 999 } }),
              ModelEvent.Completed({ items: [assistantMessage("checkpoint summary")] })
            ]
          },
          ModelClient.items(assistantMessage("second answer"))
        ],
        { limit: 10 }
      )
      yield* loop.runTurn(["first prompt"])
      yield* loop.runTurn(["second prompt"], "turn-2")
      const turn2 = (yield* events).filter((e) => "turnId" in e && e.turnId === "turn-2")
      expect(kinds(turn2).slice(0, 4)).toEqual(["turn_started", "auto_compact_started", "stream_error", "auto_compact_completed"])
      expect(turn2[2]).toMatchObject({ message: "Reconnecting... 1/5", attempt: 1, maxRetries: 5 })
      expect(turn2.some((e) => e._tag === "token_count")).toBe(false)
      expect(turn2.some((e) => e._tag === "assistant_delta" && e.delta === "checkpoint summary")).toBe(false)
      expect(yield* loop.lastTotalTokens).toBeUndefined()
    }))
})

describe("context-length recovery, exact sequences", () => {
  it.effect("recovers with exactly one compaction and one retry", () =>
    Effect.gen(function* () {
      const { events, loop } = yield* setup([
        tooLong(),
        ModelClient.items(assistantMessage("checkpoint summary")),
        ModelClient.items(assistantMessage("final answer"))
      ])
      yield* loop.runTurn(["hello"], "t")
      const all = yield* events
      expect(kinds(all)).toEqual([
        "turn_started",
        "model_called",
        "token_count",
        "auto_compact_started",
        "auto_compact_completed",
        "model_called",
        "assistant_delta",
        "model_completed",
        "turn_completed"
      ])
      // the summary is never streamed as a delta
      expect(all.filter((e) => e._tag === "assistant_delta")).toEqual([{ _tag: "assistant_delta", turnId: "t", delta: "final answer" }])
      expect(all.filter((e) => e._tag === "model_called").map((e) => e._tag === "model_called" && e.iteration)).toEqual([1, 1])
      expect(all[4]).toEqual({
        _tag: "auto_compact_completed",
        turnId: "t",
        phase: "context_length_exceeded",
        totalTokens: 264568,
        tokenLimit: 262144,
        originalItemCount: 1,
        retainedItemCount: 1,
        summary: "compact(1 item) -> 1 item + [summary]"
      })
      expect(yield* loop.lastTotalTokens).toBeUndefined()
    }))

  it.effect("fails when the retry is still too long, keeping the compacted history", () =>
    Effect.gen(function* () {
      const second = "maximum context length is 262144 tokens, you requested 270000 tokens"
      const { events, loop, prompts } = yield* setup([
        tooLong(),
        ModelClient.items(assistantMessage("checkpoint summary")),
        ModelClient.fail(ContextLengthExceeded.fromText(second))
      ])
      const error = yield* Effect.flip(loop.runTurn(["hello"]))
      expect(error.message).toBe(second)
      expect((yield* prompts).length).toBe(3)
      const all = yield* events
      expect(kinds(all)).toEqual([
        "turn_started",
        "model_called",
        "token_count",
        "auto_compact_started",
        "auto_compact_completed",
        "model_called",
        "token_count",
        "turn_failed"
      ])
      expect(all[6]).toMatchObject({ usage: { total_tokens: 270000, input_tokens: 270000 } })
      expect(yield* loop.history).toEqual([userMessage("hello"), userMessage(`${PREFIX}\ncheckpoint summary`)])
      expect(yield* loop.lastTotalTokens).toBe(270000)
    }))

  it.effect("recovers from a chat-style error after a tool call, compacting the tool round too", () =>
    Effect.gen(function* () {
      const { events, loop, prompts, recorded } = yield* setup([
        ModelClient.items(toolCall("call_echo_1", "echo", { text: "hello" })),
        ModelClient.fail(ContextLengthExceeded.fromText(CHAT_STYLE)),
        ModelClient.items(assistantMessage("ran echo hello, it printed hello.")),
        ModelClient.items(assistantMessage("done"))
      ])
      const result = yield* loop.runTurn(["Run echo hello, then reply done."])
      expect(result.outputText).toBe("done")
      expect(result.iterations).toBe(2)
      const all = yield* prompts
      expect(all.length).toBe(4)
      expect(items(all[2])).toEqual([
        userMessage("Run echo hello, then reply done."),
        toolCall("call_echo_1", "echo", { text: "hello" }),
        toolResult({ callId: "call_echo_1", name: "echo", output: "hello" }),
        userMessage(COMPACT)
      ])
      expect(items(all[3])).toEqual([
        userMessage("Run echo hello, then reply done."),
        userMessage(`${PREFIX}\nran echo hello, it printed hello.`)
      ])
      const started = (yield* events).find((e) => e._tag === "auto_compact_started")
      expect(started).toMatchObject({ phase: "context_length_exceeded", totalTokens: 30000, tokenLimit: 20000 })
      const usage = (yield* events).find((e) => e._tag === "token_count")
      expect(usage).toMatchObject({ usage: { total_tokens: 30000, input_tokens: 29990, output_tokens: 10 } })
      expect(recordLog(yield* recorded)).toEqual(["UserMessage", "ToolCall", "ToolResult", "compacted", "AssistantMessage"])
    }))

  it.effect("a failure classified by code alone, with no size in its text, fails the turn without compacting", () =>
    Effect.gen(function* () {
      const { events, loop, prompts } = yield* setup([
        ModelClient.items(toolCall("call_echo_1", "echo", { text: "hello" })),
        ModelClient.fail(ContextLengthExceeded.fromText("Your input exceeds the context window of this model."))
      ])
      yield* Effect.flip(loop.runTurn(["hello"]))
      expect((yield* prompts).length).toBe(2)
      expect(autoEvents(yield* events)).toEqual([])
      expect(kinds(yield* events).at(-1)).toBe("turn_failed")
    }))

  it.effect("pruned tool output stays out of the live history even when the compaction fails", () =>
    Effect.gen(function* () {
      const { events, loop, prompts } = yield* setup([tooLong()], {
        initialHistory: [
          userMessage("old prompt"),
          toolCall("call_old", "echo", { text: "large" }),
          toolResult({ callId: "call_old", name: "echo", output: "large output" }),
          assistantMessage("old answer")
        ]
      })
      yield* Effect.flip(loop.runTurn(["new prompt"]))
      // the turn's request, the compaction with the tool pair, the compaction without it
      expect((yield* prompts).length).toBe(3)
      expect(yield* loop.history).toEqual([userMessage("old prompt"), assistantMessage("old answer"), userMessage("new prompt")])
      expect(kinds(yield* events)).toEqual([
        "turn_started",
        "model_called",
        "token_count",
        "auto_compact_started",
        "auto_compact_failed",
        "token_count",
        "turn_failed"
      ])
    }))
})
