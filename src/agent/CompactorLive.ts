/** CompactorLive: the Compactor that asks the model for a summary, prunes old tool output when that is too long, and records the result. */
import type * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Layer, Option } from "effect"
import { CodexConfig } from "../config/CodexConfig.js"
import { type ContextError, ContextManager } from "../context/ContextManager.js"
import * as Prompts from "../context/Prompts.js"
import * as ModelClient from "../model/ModelClient.js"
import { uuid7 } from "../protocol/Ids.js"
import type { ConversationItem } from "../protocol/Items.js"
import { userMessage } from "../protocol/Items.js"
import { SessionRecorder } from "../session/SessionRecorder.js"
import { compactHistory, type CompactTexts, pruneOldestToolResult, summaryLine } from "./Compaction.js"
import { type CompactError, type CompactOptions, Compactor } from "./Compactor.js"

/** A compactor over the services in context, with the given instruction and summary prefix. */
export const make = (texts: CompactTexts) =>
  Effect.gen(function* () {
    const client = yield* ModelClient.ModelClient
    const context = yield* ContextManager
    const recorder = yield* SessionRecorder
    const instruction = userMessage(texts.compactPrompt)

    /** One summary request; on a context-length failure (when pruning) drop the oldest tool output and try again. */
    const summarize = (
      history: ReadonlyArray<ConversationItem>,
      pruned: number,
      options: CompactOptions
    ): Effect.Effect<readonly [ReadonlyArray<ConversationItem>, ReadonlyArray<ConversationItem>, number], CompactError> =>
      Effect.gen(function* () {
        const prompt = yield* context.buildPrompt({
          history: [...history, instruction],
          tools: [],
          parallelToolCalls: false,
          turnId: yield* uuid7
        })
        const items = yield* ModelClient.complete(client, prompt, options.onEvent)
        return [history, items, pruned] as const
      }).pipe(
        Effect.catchTag("ContextLengthExceeded", (error) => {
          const shorter = options.prune ? pruneOldestToolResult(history) : undefined
          if (shorter === undefined) return Effect.fail(error)
          return options.onPruned(shorter).pipe(Effect.zipRight(summarize(shorter, pruned + 1, options)))
        })
      )

    return Compactor.of({
      compact: (options) =>
        Effect.gen(function* () {
          if (options.history.length === 0) return Option.none()
          const [history, items, pruned] = yield* summarize(options.history, 0, options)
          const compacted = compactHistory([...history, instruction, ...items], texts)
          yield* recorder.appendCompacted(compacted)
          const original = options.history.length
          const retained = Math.max(compacted.length - 1, 0)
          return Option.some({
            history: compacted,
            originalItemCount: original,
            retainedItemCount: retained,
            prunedToolResults: pruned,
            summary: summaryLine(original, retained, pruned)
          })
        })
    })
  })

/** Our compaction prompt (or config.toml's `compact_prompt`) and summary prefix from prompts/. */
export const loadTexts = Effect.gen(function* () {
  const config = yield* CodexConfig
  return {
    compactPrompt: config.compactPrompt ?? (yield* Prompts.compactPrompt()),
    summaryPrefix: yield* Prompts.summaryPrefix()
  } satisfies CompactTexts
})

export const layer: Layer.Layer<
  Compactor,
  ContextError,
  ModelClient.ModelClient | ContextManager | SessionRecorder | CodexConfig | FileSystem.FileSystem
> = Layer.effect(Compactor, Effect.flatMap(loadTexts, make))

/** A compactor with fixed texts (tests, embedders). */
export const layerTexts = (texts: CompactTexts) => Layer.effect(Compactor, make(texts))
