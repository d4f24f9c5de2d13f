/** SessionRecorder: where the agent loop persists history as it grows (a rollout, or nowhere). */
import { Context, Data, Effect, Layer, Ref } from "effect"
import type { ConversationItem } from "../protocol/Items.js"

export class RecorderError extends Data.TaggedError("RecorderError")<{
  readonly path: string
  readonly message: string
}> {}

export interface SessionRecorder {
  /** Appends items as `response_item` records (plus `event_msg` after user messages). Never fails the turn. */
  readonly appendHistoryItems: (items: ReadonlyArray<ConversationItem>) => Effect.Effect<void>
  /** Appends a `compacted` record holding the new history. */
  readonly appendCompacted: (items: ReadonlyArray<ConversationItem>) => Effect.Effect<void, RecorderError>
}
export const SessionRecorder = Context.GenericTag<SessionRecorder>("tscodex/SessionRecorder")

/** Records nothing. */
export const layerNoop: Layer.Layer<SessionRecorder> = Layer.succeed(SessionRecorder, {
  appendHistoryItems: () => Effect.void,
  appendCompacted: () => Effect.void
})

export type Recorded =
  | { readonly _tag: "Items"; readonly items: ReadonlyArray<ConversationItem> }
  | { readonly _tag: "Compacted"; readonly items: ReadonlyArray<ConversationItem> }

/** Keeps every call in memory, for tests. */
export const makeMemory = Effect.gen(function* () {
  const log = yield* Ref.make<ReadonlyArray<Recorded>>([])
  const recorder: SessionRecorder = {
    appendHistoryItems: (items) => Ref.update(log, (all): ReadonlyArray<Recorded> => [...all, { _tag: "Items", items }]),
    appendCompacted: (items) => Ref.update(log, (all): ReadonlyArray<Recorded> => [...all, { _tag: "Compacted", items }])
  }
  return { recorder, log: Ref.get(log) }
})
