/** ModelClient: the service that runs one sampling request and streams what the model produces. */
import { Context, Effect, Layer, Ref, Stream } from "effect"
import type { ModelOutputItem } from "../protocol/Items.js"
import { ModelEvent } from "../protocol/ModelEvent.js"
import type { Prompt } from "../protocol/Prompt.js"
import type { ModelError } from "./ModelError.js"

export interface ModelClient {
  /**
   * One sampling request, retries included. Emits deltas, tool-call notices, usage and retry
   * notices as they happen and ends with exactly one `Completed` event carrying the items.
   */
  readonly stream: (prompt: Prompt) => Stream.Stream<ModelEvent, ModelError>
  /** The model ids the provider offers (`GET /models`). */
  readonly listModels: Effect.Effect<ReadonlyArray<string>, ModelError>
  /** The model named in requests; `/model` changes it. */
  readonly model: Ref.Ref<string>
  /** The session id sent as `session_id`, `x-client-request-id` and `prompt_cache_key`. */
  readonly sessionId: Ref.Ref<string>
}
export const ModelClient = Context.GenericTag<ModelClient>("tscodex/ModelClient")

/**
 * The events of one batch (what one network read gave) with each run of consecutive text deltas
 * joined into one delta: the text is the same, and a long answer costs one event per read instead
 * of one per token on its way to the loop's listeners.
 */
export const joinDeltas = (events: Iterable<ModelEvent>): Array<ModelEvent> => {
  const out: Array<ModelEvent> = []
  let run: Array<string> = []
  const flush = () => {
    if (run.length === 1) out.push(ModelEvent.AssistantDelta({ delta: run[0]! }))
    else if (run.length > 1) out.push(ModelEvent.AssistantDelta({ delta: run.join("") }))
    run = []
  }
  for (const event of events) {
    if (event._tag === "AssistantDelta") {
      run.push(event.delta)
      continue
    }
    flush()
    out.push(event)
  }
  flush()
  return out
}

/**
 * Runs `stream` to its end: the response items, with every other event handed to `onEvent`
 * (the text deltas of one batch joined, see `joinDeltas`).
 */
export const complete = <R>(
  client: ModelClient,
  prompt: Prompt,
  onEvent: (event: ModelEvent) => Effect.Effect<void, never, R>
): Effect.Effect<ReadonlyArray<ModelOutputItem>, ModelError, R> =>
  Effect.suspend(() => {
    let items: ReadonlyArray<ModelOutputItem> = []
    return client.stream(prompt).pipe(
      Stream.runForEachChunk((chunk) => {
        const events: Array<ModelEvent> = []
        for (const event of joinDeltas(chunk)) {
          if (event._tag === "Completed") items = event.items
          else events.push(event)
        }
        return events.length === 1 ? onEvent(events[0]!) : Effect.forEach(events, onEvent, { discard: true })
      }),
      Effect.map(() => items)
    )
  })

// ---------------------------------------------------------------------------
// scripted client for tests and embedders

/** One scripted answer: the items to return, or an error to fail with. */
export type ScriptedReply =
  | { readonly _tag: "Items"; readonly items: ReadonlyArray<ModelOutputItem>; readonly usage?: Record<string, unknown> | null }
  | { readonly _tag: "Fail"; readonly error: ModelError }
  | { readonly _tag: "Events"; readonly events: ReadonlyArray<ModelEvent> }

export interface Scripted {
  readonly client: ModelClient
  /** Every prompt the client received, in order. */
  readonly prompts: Effect.Effect<ReadonlyArray<Prompt>>
}

/**
 * A client that answers from a script: replies are used in order, the last one repeats. Each
 * assistant message is streamed as one delta and each tool call announced, like a real stream.
 */
export const makeScripted = (
  replies: ReadonlyArray<ScriptedReply | ((prompt: Prompt) => Effect.Effect<ScriptedReply>)>,
  options: { readonly model?: string; readonly sessionId?: string } = {}
): Effect.Effect<Scripted> =>
  Effect.gen(function* () {
    const prompts = yield* Ref.make<ReadonlyArray<Prompt>>([])
    const model = yield* Ref.make(options.model ?? "scripted-model")
    const sessionId = yield* Ref.make(options.sessionId ?? "00000000-0000-7000-8000-000000000000")
    const toEvents = (reply: ScriptedReply): Stream.Stream<ModelEvent, ModelError> => {
      switch (reply._tag) {
        case "Fail":
          return Stream.fail(reply.error)
        case "Events":
          return Stream.fromIterable(reply.events)
        case "Items": {
          const events: Array<ModelEvent> = []
          for (const item of reply.items) {
            if (item._tag === "AssistantMessage") events.push(ModelEvent.AssistantDelta({ delta: item.text }))
            if (item._tag === "ToolCall") events.push(ModelEvent.ToolCallSeen({ callId: item.callId, toolName: item.name }))
          }
          if (reply.usage !== undefined) events.push(ModelEvent.TokenCount({ usage: reply.usage }))
          events.push(ModelEvent.Completed({ items: reply.items }))
          return Stream.fromIterable(events)
        }
      }
    }
    const client: ModelClient = {
      stream: (prompt) =>
        Stream.unwrap(
          Effect.gen(function* () {
            const seen = yield* Ref.getAndUpdate(prompts, (all) => [...all, prompt])
            const step = replies[Math.min(seen.length, replies.length - 1)]
            if (step === undefined) return Stream.die(new Error("scripted model has no replies"))
            const reply = typeof step === "function" ? yield* step(prompt) : step
            return toEvents(reply)
          })
        ),
      listModels: Effect.map(Ref.get(model), (m) => [m]),
      model,
      sessionId
    }
    return { client, prompts: Ref.get(prompts) }
  })

export const items = (...items: ReadonlyArray<ModelOutputItem>): ScriptedReply => ({ _tag: "Items", items })
export const fail = (error: ModelError): ScriptedReply => ({ _tag: "Fail", error })

/** A layer with a scripted client. */
export const layerScripted = (replies: Parameters<typeof makeScripted>[0]) =>
  Layer.effect(ModelClient, Effect.map(makeScripted(replies), (s) => s.client))
