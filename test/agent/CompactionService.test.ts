/** The live Compactor on a scripted model: request shape, pruning, recording, texts and errors. */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Layer, Option, Ref, Stream } from "effect"
import * as NodePath from "node:path"
import { Compactor } from "../../src/agent/Compactor.js"
import * as CompactorLive from "../../src/agent/CompactorLive.js"
import * as CodexConfig from "../../src/config/CodexConfig.js"
import * as ContextManager from "../../src/context/ContextManager.js"
import * as ModelClient from "../../src/model/ModelClient.js"
import { ApiError, ContextLengthExceeded } from "../../src/model/ModelError.js"
import type { ConversationItem } from "../../src/protocol/Items.js"
import { assistantMessage, toolCall, toolResult, userMessage } from "../../src/protocol/Items.js"
import { ModelEvent } from "../../src/protocol/ModelEvent.js"
import * as SessionRecorder from "../../src/session/SessionRecorder.js"

const TEXTS = { compactPrompt: "Write a CONTEXT CHECKPOINT COMPACTION summary.", summaryPrefix: "PREFIX" }
const TOO_LONG =
  "This model's maximum context length is 20000 tokens. However, you requested 30000 tokens (29990 in the messages, 10 in the completion)."
const tooLong = () => ModelClient.fail(ContextLengthExceeded.fromText(TOO_LONG))
const UUID7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

const toolPair = (id: string, output: string): ReadonlyArray<ConversationItem> => [
  toolCall(id, "echo", { text: output }),
  toolResult({ callId: id, name: "echo", output })
]

/** A compactor over a scripted model and an in-memory recorder. */
const setup = (
  replies: Parameters<typeof ModelClient.makeScripted>[0],
  recorder?: SessionRecorder.SessionRecorder
) =>
  Effect.gen(function* () {
    const scripted = yield* ModelClient.makeScripted(replies)
    const memory = yield* SessionRecorder.makeMemory
    const compactor = yield* CompactorLive.make(TEXTS).pipe(
      Effect.provideService(ModelClient.ModelClient, scripted.client),
      Effect.provideService(ContextManager.ContextManager, ContextManager.makePlain()),
      Effect.provideService(SessionRecorder.SessionRecorder, recorder ?? memory.recorder)
    )
    const pruned = yield* Ref.make<ReadonlyArray<ReadonlyArray<ConversationItem>>>([])
    const events = yield* Ref.make<ReadonlyArray<ModelEvent>>([])
    const compact = (history: ReadonlyArray<ConversationItem>, prune = true) =>
      compactor.compact({
        history,
        prune,
        onEvent: (event) => Ref.update(events, (all) => [...all, event]),
        onPruned: (shorter) => Ref.update(pruned, (all) => [...all, shorter])
      })
    return { compact, prompts: scripted.prompts, recorded: memory.log, pruned: Ref.get(pruned), events: Ref.get(events) }
  })

describe("the compaction request", () => {
  it.effect("sends the history then the instruction, with no tools, no parallel calls and a fresh turn id", () =>
    Effect.gen(function* () {
      const { compact, prompts, pruned } = yield* setup([ModelClient.items(assistantMessage("checkpoint summary"))])
      const history = [userMessage("first user"), assistantMessage("first assistant"), ...toolPair("c1", "out"), userMessage("second user")]
      yield* compact(history)
      yield* compact(history)
      const [first, second] = yield* prompts
      expect(first!.input).toEqual([...history, userMessage(TEXTS.compactPrompt)])
      expect(first!.tools).toEqual([])
      expect(first!.parallelToolCalls).toBe(false)
      expect(first!.turnId).toMatch(UUID7)
      expect(second!.turnId).toMatch(UUID7)
      expect(second!.turnId).not.toBe(first!.turnId)
      expect(yield* pruned).toEqual([])
    }))

  it.effect("rebuilds the history, counts what was kept and records a compacted record", () =>
    Effect.gen(function* () {
      const { compact, recorded } = yield* setup([ModelClient.items(assistantMessage("checkpoint summary"))])
      const result = yield* compact([userMessage("first user"), assistantMessage("first assistant"), userMessage("second user")])
      const expected = [userMessage("first user"), userMessage("second user"), userMessage("PREFIX\ncheckpoint summary")]
      expect(Option.getOrThrow(result)).toEqual({
        history: expected,
        originalItemCount: 3,
        retainedItemCount: 2,
        prunedToolResults: 0,
        summary: "compact(3 items) -> 2 items + [summary]"
      })
      expect(yield* recorded).toEqual([{ _tag: "Compacted", items: expected }])
    }))

  it.effect("does nothing for an empty history", () =>
    Effect.gen(function* () {
      const { compact, prompts, recorded } = yield* setup([ModelClient.items(assistantMessage("unused"))])
      expect(Option.isNone(yield* compact([]))).toBe(true)
      expect(yield* prompts).toEqual([])
      expect(yield* recorded).toEqual([])
    }))

  it.effect("hands every stream event of the request to the caller, but not the final items", () =>
    Effect.gen(function* () {
      const { compact, events } = yield* setup([
        {
          _tag: "Events",
          events: [
            ModelEvent.StreamError({ message: "Reconnecting... 1/5", attempt: 1, maxRetries: 5, delaySeconds: 0.2, error: "stream closed" }),
            ModelEvent.AssistantDelta({ delta: "sum" }),
            ModelEvent.TokenCount({ usage: { total_tokens: 7 } }),
            ModelEvent.Completed({ items: [assistantMessage("sum")] })
          ]
        }
      ])
      const result = yield* compact([userMessage("u")])
      expect(Option.getOrThrow(result).history).toEqual([userMessage("u"), userMessage("PREFIX\nsum")])
      expect((yield* events).map((e) => e._tag)).toEqual(["StreamError", "AssistantDelta", "TokenCount"])
    }))
})

describe("pruning when the compaction request is too long", () => {
  it.effect("drops the oldest tool output, tells the caller, and succeeds with the shorter history", () =>
    Effect.gen(function* () {
      const { compact, prompts, pruned, recorded } = yield* setup([
        tooLong(),
        ModelClient.items(assistantMessage("summary without tools"))
      ])
      const history = [userMessage("old prompt"), ...toolPair("call_old", "large output"), assistantMessage("old answer"), userMessage("new prompt")]
      const result = Option.getOrThrow(yield* compact(history))
      const shorter = [userMessage("old prompt"), assistantMessage("old answer"), userMessage("new prompt")]
      expect(yield* pruned).toEqual([shorter])
      const all = yield* prompts
      expect(all.length).toBe(2)
      expect(all[1]!.input).toEqual([...shorter, userMessage(TEXTS.compactPrompt)])
      expect(result).toMatchObject({
        originalItemCount: 5,
        retainedItemCount: 2,
        prunedToolResults: 1,
        summary: "compact(5 items) -> 2 items + [summary] (dropped 1 old tool response)"
      })
      // only the final history is recorded, not the pruning steps
      expect((yield* recorded).map((r) => r._tag)).toEqual(["Compacted"])
    }))

  it.effect("keeps pruning until nothing is left to drop, then fails with the provider's error", () =>
    Effect.gen(function* () {
      const { compact, prompts, pruned, recorded } = yield* setup([tooLong()])
      const history = [userMessage("u"), ...toolPair("a", "1"), ...toolPair("b", "2"), assistantMessage("x")]
      const error = yield* Effect.flip(compact(history))
      expect(error).toMatchObject({ _tag: "ContextLengthExceeded", message: TOO_LONG })
      expect((yield* prompts).length).toBe(3)
      expect(yield* pruned).toEqual([
        [userMessage("u"), ...toolPair("b", "2"), assistantMessage("x")],
        [userMessage("u"), assistantMessage("x")]
      ])
      expect(yield* recorded).toEqual([])
    }))

  it.effect("prunes on an error whose text says the context is too long, whatever its tag", () =>
    Effect.gen(function* () {
      const { compact, pruned } = yield* setup([
        ModelClient.fail(new ApiError({ message: `responses request failed with status 400: ${TOO_LONG}`, status: 400 })),
        ModelClient.items(assistantMessage("s"))
      ])
      const result = Option.getOrThrow(yield* compact([userMessage("u"), ...toolPair("a", "1")]))
      expect((yield* pruned).length).toBe(1)
      expect(result.prunedToolResults).toBe(1)
    }))

  it.effect("prunes on a context-length failure whose text does not say so", () =>
    Effect.gen(function* () {
      const { compact } = yield* setup([
        ModelClient.fail(ContextLengthExceeded.fromText("Your input exceeds the context window of this model.")),
        ModelClient.items(assistantMessage("s"))
      ])
      expect(Option.getOrThrow(yield* compact([userMessage("u"), ...toolPair("a", "1")])).prunedToolResults).toBe(1)
    }))

  it.effect("does not prune other errors", () =>
    Effect.gen(function* () {
      const { compact, prompts, pruned } = yield* setup([ModelClient.fail(new ApiError({ message: "bad request", status: 400 }))])
      const error = yield* Effect.flip(compact([userMessage("u"), ...toolPair("a", "1")]))
      expect(error).toMatchObject({ _tag: "ApiError", message: "bad request" })
      expect((yield* prompts).length).toBe(1)
      expect(yield* pruned).toEqual([])
    }))

  it.effect("does not prune when pruning is off", () =>
    Effect.gen(function* () {
      const { compact, prompts, pruned } = yield* setup([tooLong(), ModelClient.items(assistantMessage("s"))])
      const error = yield* Effect.flip(compact([userMessage("u"), ...toolPair("a", "1")], false))
      expect(error._tag).toBe("ContextLengthExceeded")
      expect((yield* prompts).length).toBe(1)
      expect(yield* pruned).toEqual([])
    }))
})

describe("recording", () => {
  it.effect("fails with the recorder's error when the compacted record cannot be written", () =>
    Effect.gen(function* () {
      const broken: SessionRecorder.SessionRecorder = {
        appendHistoryItems: () => Effect.void,
        appendCompacted: () => Effect.fail(new SessionRecorder.RecorderError({ path: "/x/rollout.jsonl", message: "disk full" }))
      }
      const { compact } = yield* setup([ModelClient.items(assistantMessage("s"))], broken)
      const error = yield* Effect.flip(compact([userMessage("u")]))
      expect(error).toMatchObject({ _tag: "RecorderError", message: "disk full" })
    }))
})

describe("the compaction texts", () => {
  const config = (compactPrompt?: string) =>
    CodexConfig.layerValue({ model: "m", provider: { baseUrl: "http://127.0.0.1:1/v1" }, ...(compactPrompt !== undefined ? { compactPrompt } : {}) })

  /** Runs one compaction through `layerFrom` and returns the request's last item and the result. */
  const compactWith = (configured: Layer.Layer<CodexConfig.CodexConfig>, promptsDir?: string) =>
    Effect.gen(function* () {
      const scripted = yield* ModelClient.makeScripted([ModelClient.items(assistantMessage("s"))])
      const layer = CompactorLive.layerFrom(promptsDir !== undefined ? { promptsDir } : {}).pipe(
        Layer.provide(Layer.mergeAll(
          Layer.succeed(ModelClient.ModelClient, scripted.client),
          ContextManager.layerPlain(),
          SessionRecorder.layerNoop,
          configured,
          NodeFileSystem.layer
        ))
      )
      const compactor = yield* Effect.provide(Compactor, layer)
      const result = yield* compactor.compact({ history: [userMessage("u")], prune: true, onEvent: () => Effect.void, onPruned: () => Effect.void })
      const [prompt] = yield* scripted.prompts
      return { instruction: prompt!.input.at(-1), history: Option.getOrThrow(result).history }
    })

  it.effect("uses the package's prompt, which names the checkpoint compaction", () =>
    Effect.gen(function* () {
      const { history, instruction } = yield* compactWith(config())
      expect(instruction?._tag === "UserMessage" && instruction.text).toContain("CONTEXT CHECKPOINT COMPACTION")
      const summary = history.at(-1)
      expect(summary?._tag === "UserMessage" && summary.text.endsWith("\ns")).toBe(true)
    }))

  it.scoped("reads both texts from the prompts folder given", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const dir = yield* fs.makeTempDirectoryScoped()
      yield* fs.writeFileString(NodePath.join(dir, "compact_prompt.md"), "Our CONTEXT CHECKPOINT COMPACTION prompt.\n")
      yield* fs.writeFileString(NodePath.join(dir, "summary_prefix.md"), "Summary so far:\n")
      const { history, instruction } = yield* compactWith(config(), dir)
      expect(instruction).toEqual(userMessage("Our CONTEXT CHECKPOINT COMPACTION prompt."))
      expect(history).toEqual([userMessage("u"), userMessage("Summary so far:\ns")])
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.effect("sends compact_prompt from config.toml instead of ours", () =>
    Effect.gen(function* () {
      const { history, instruction } = yield* compactWith(config("Summarise everything for a successor."))
      expect(instruction).toEqual(userMessage("Summarise everything for a successor."))
      // the configured instruction is not kept as a user message
      expect(history.length).toBe(2)
    }))

  it.effect("explains a missing prompts folder", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(compactWith(config(), "/nonexistent/tscodex-prompts"))
      expect(error._tag).toBe("ContextError")
      expect(error.message).toContain("/nonexistent/tscodex-prompts/compact_prompt.md")
    }))
})

describe("interrupting a compaction", () => {
  it.effect("an interrupt while the result is recorded waits for it: the record and onCompacted both happen", () =>
    Effect.gen(function* () {
      const recording = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      const memory = yield* SessionRecorder.makeMemory
      const slow: SessionRecorder.SessionRecorder = {
        ...memory.recorder,
        appendCompacted: (items) =>
          Deferred.succeed(recording, undefined).pipe(Effect.zipRight(Deferred.await(release)), Effect.zipRight(memory.recorder.appendCompacted(items)))
      }
      const scripted = yield* ModelClient.makeScripted([ModelClient.items(assistantMessage("summary"))])
      const compactor = yield* CompactorLive.make(TEXTS).pipe(
        Effect.provideService(ModelClient.ModelClient, scripted.client),
        Effect.provideService(ContextManager.ContextManager, ContextManager.makePlain()),
        Effect.provideService(SessionRecorder.SessionRecorder, slow)
      )
      const live = yield* Ref.make<ReadonlyArray<ConversationItem>>([userMessage("hello"), assistantMessage("hi")])
      const fiber = yield* Effect.fork(compactor.compact({
        history: yield* Ref.get(live),
        prune: true,
        onEvent: () => Effect.void,
        onPruned: (shorter) => Ref.set(live, shorter),
        onCompacted: (result) => Ref.set(live, result.history)
      }))
      yield* Deferred.await(recording)
      const interrupting = yield* Effect.fork(Fiber.interrupt(fiber))
      yield* Deferred.succeed(release, undefined)
      yield* Fiber.join(interrupting)
      const recorded = yield* memory.log
      expect(recorded.map((r) => r._tag)).toEqual(["Compacted"])
      expect(yield* Ref.get(live)).toEqual(recorded[0]!.items)
    }))

  it.effect("an interrupt during the summary request records nothing and leaves the history alone", () =>
    Effect.gen(function* () {
      const memory = yield* SessionRecorder.makeMemory
      const scripted = yield* ModelClient.makeScripted([])
      const hanging: ModelClient.ModelClient = { ...scripted.client, stream: () => Stream.never }
      const compactor = yield* CompactorLive.make(TEXTS).pipe(
        Effect.provideService(ModelClient.ModelClient, hanging),
        Effect.provideService(ContextManager.ContextManager, ContextManager.makePlain()),
        Effect.provideService(SessionRecorder.SessionRecorder, memory.recorder)
      )
      const history = [userMessage("hello"), assistantMessage("hi")]
      const live = yield* Ref.make<ReadonlyArray<ConversationItem>>(history)
      const fiber = yield* Effect.fork(compactor.compact({
        history,
        prune: true,
        onEvent: () => Effect.void,
        onPruned: (shorter) => Ref.set(live, shorter),
        onCompacted: (result) => Ref.set(live, result.history)
      }))
      yield* Effect.yieldNow()
      const exit = yield* Fiber.interrupt(fiber)
      expect(exit._tag).toBe("Failure")
      expect(yield* memory.log).toEqual([])
      expect(yield* Ref.get(live)).toBe(history)
    }))
})
