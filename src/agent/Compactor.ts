/** Compactor: replaces a history by retained user messages plus a model-written summary (core §4). */
import { Context, type Effect, type Option } from "effect"
import type { ContextError } from "../context/ContextManager.js"
import type { ModelError } from "../model/ModelError.js"
import type { ConversationItem } from "../protocol/Items.js"
import type { ModelEvent } from "../protocol/ModelEvent.js"
import type { RecorderError } from "../session/SessionRecorder.js"

export interface CompactionResult {
  readonly history: ReadonlyArray<ConversationItem>
  readonly originalItemCount: number
  /** User messages kept, not counting the summary. */
  readonly retainedItemCount: number
  readonly prunedToolResults: number
  /** Display text, e.g. `compact(5 items) -> 2 items + [summary] (dropped 1 old tool response)`. */
  readonly summary: string
}

export interface CompactOptions {
  readonly history: ReadonlyArray<ConversationItem>
  /** Drop the oldest tool result (and its call) and retry when the compaction request is too long. */
  readonly prune: boolean
  /** Stream events of the compaction request (the loop relays only `StreamError`). */
  readonly onEvent: (event: ModelEvent) => Effect.Effect<void>
  /** Called with the pruned history each time pruning shortens it, so the live history follows. */
  readonly onPruned: (history: ReadonlyArray<ConversationItem>) => Effect.Effect<void>
  /**
   * Called with the result right after it was recorded, in the same step: once the summary came
   * back, an interruption lands before both or after both, never between them.
   */
  readonly onCompacted?: (result: CompactionResult) => Effect.Effect<void>
}

export type CompactError = ModelError | ContextError | RecorderError

export interface Compactor {
  /**
   * Compacts; `None` when the history is empty. Records a `compacted` record on success. The
   * summary request can be interrupted; recording the result (and `onCompacted`) cannot.
   */
  readonly compact: (options: CompactOptions) => Effect.Effect<Option.Option<CompactionResult>, CompactError>
}
export const Compactor = Context.GenericTag<Compactor>("tscodex/Compactor")
