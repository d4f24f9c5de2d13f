/** CompactorLive: the Compactor that asks the model for a summary, prunes old tool output when that is too long, and records the result. */
import type * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Either, Layer, Option } from "effect"
import { CodexConfig } from "../config/CodexConfig.js"
import { type ContextError, ContextManager } from "../context/ContextManager.js"
import * as Prompts from "../context/Prompts.js"
import * as ModelClient from "../model/ModelClient.js"
import { uuid7 } from "../protocol/Ids.js"
import type { ConversationItem, ModelOutputItem } from "../protocol/Items.js"
import { userMessage } from "../protocol/Items.js"
import { SessionRecorder } from "../session/SessionRecorder.js"
import {
  compactHistory,
  type CompactTexts,
  isContextLengthError,
  pruneOldestToolResult,
  resolveTexts,
  summaryLine
} from "./Compaction.js"
import { type CompactionResult, type CompactOptions, Compactor } from "./Compactor.js"

/** A compactor over the services in context, with the given instruction and summary prefix. */
export const make = (texts: CompactTexts) =>
  Effect.gen(function* () {
    const client = yield* ModelClient.ModelClient
    const context = yield* ContextManager
    const recorder = yield* SessionRecorder
    const instruction = userMessage(texts.compactPrompt)

    /**
     * Summary requests until one succeeds. When pruning is on and the provider says the request is
     * too long, the oldest tool result and its call go, the caller hears of the shorter history, and
     * the request is sent again; with nothing left to drop the last error stands.
     */
    const summarize = (options: CompactOptions) =>
      Effect.gen(function* () {
        let history = options.history
        let pruned = 0
        while (true) {
          const prompt = yield* context.buildPrompt({
            history: [...history, instruction],
            tools: [],
            parallelToolCalls: false,
            turnId: yield* uuid7
          })
          const outcome = yield* Effect.either(ModelClient.complete(client, prompt, options.onEvent))
          if (Either.isRight(outcome)) {
            const done: { history: ReadonlyArray<ConversationItem>; items: ReadonlyArray<ModelOutputItem>; pruned: number } = {
              history,
              items: outcome.right,
              pruned
            }
            return done
          }
          const shorter = options.prune && isContextLengthError(outcome.left) ? pruneOldestToolResult(history) : undefined
          if (shorter === undefined) return yield* Effect.fail(outcome.left)
          history = shorter
          pruned += 1
          yield* options.onPruned(history)
        }
      })

    return Compactor.of({
      compact: (options) =>
        Effect.uninterruptibleMask((restore) => Effect.gen(function* () {
          if (options.history.length === 0) return Option.none()
          const { history, items, pruned } = yield* restore(summarize(options))
          const compacted = compactHistory([...history, instruction, ...items], texts)
          yield* recorder.appendCompacted(compacted)
          const original = options.history.length
          const retained = Math.max(compacted.length - 1, 0)
          const result: CompactionResult = {
            history: compacted,
            originalItemCount: original,
            retainedItemCount: retained,
            prunedToolResults: pruned,
            summary: summaryLine(original, retained, pruned)
          }
          if (options.onCompacted !== undefined) yield* options.onCompacted(result)
          return Option.some(result)
        }))
    })
  })

/**
 * The compaction texts: config.toml's `compact_prompt` when set, else our instruction, and our
 * summary prefix, both from the prompts/ folder (`promptsDir`, or the package's own).
 */
export const loadTexts = (options: { readonly promptsDir?: string } = {}) =>
  Effect.gen(function* () {
    const config = yield* CodexConfig
    const ours: CompactTexts = {
      compactPrompt: yield* Prompts.compactPrompt(options.promptsDir),
      summaryPrefix: yield* Prompts.summaryPrefix(options.promptsDir)
    }
    return resolveTexts(ours, config.compactPrompt)
  })

/** The compactor with the texts of `loadTexts`. */
export const layerFrom = (options: { readonly promptsDir?: string } = {}): Layer.Layer<
  Compactor,
  ContextError,
  ModelClient.ModelClient | ContextManager | SessionRecorder | CodexConfig | FileSystem.FileSystem
> => Layer.effect(Compactor, Effect.flatMap(loadTexts(options), make))

/** The compactor with the package's prompts (or config.toml's `compact_prompt`). */
export const layer = layerFrom()

/** A compactor with fixed texts (tests, embedders). */
export const layerTexts = (texts: CompactTexts) => Layer.effect(Compactor, make(texts))
