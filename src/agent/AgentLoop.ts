/** AgentLoop: one conversation's history and the turn loop that samples the model and runs tools (core §2). */
import { Clock, Context, Data, Effect, Layer, Option, Ref } from "effect"
import type { ContextError } from "../context/ContextManager.js"
import { ContextManager } from "../context/ContextManager.js"
import * as ModelClient from "../model/ModelClient.js"
import type { ModelError } from "../model/ModelError.js"
import { AgentEvent, type CompactPhase, type TurnResult } from "../protocol/AgentEvent.js"
import { uuid7 } from "../protocol/Ids.js"
import * as AbortedCalls from "../protocol/AbortedCalls.js"
import type { ConversationItem, ModelOutputItem, ToolCall, ToolResult } from "../protocol/Items.js"
import { compactJson, userMessage } from "../protocol/Items.js"
import type { ModelEvent, Usage } from "../protocol/ModelEvent.js"
import { SessionRecorder } from "../session/SessionRecorder.js"
import { ToolRegistry } from "../tools/ToolRegistry.js"
import { AgentEvents } from "./AgentEvents.js"
import { type CompactError, type CompactionResult, Compactor } from "./Compactor.js"

/** The turn stopped at a safe boundary because an interrupt was requested. */
export class TurnInterrupted extends Data.TaggedError("TurnInterrupted")<{}> {
  override get message() {
    return "turn interrupted"
  }
}

export type TurnError = TurnInterrupted | ModelError | ContextError | CompactError

/** What a turn sends besides its texts: images (`data:` or http URLs) attached to the first text. */
export interface TurnOptions {
  readonly images?: ReadonlyArray<string>
}

export interface AgentLoopOptions {
  /** Let parallel-capable tools of one response run concurrently (default true). */
  readonly parallelToolCalls?: boolean
  readonly initialHistory?: ReadonlyArray<ConversationItem>
}

export interface AgentLoop {
  /** A snapshot of the history. */
  readonly history: Effect.Effect<ReadonlyArray<ConversationItem>>
  /** Replaces the history (persists nothing). */
  readonly replaceHistory: (items: ReadonlyArray<ConversationItem>) => Effect.Effect<void>
  /** Runs one user turn until the model stops asking for tools. */
  readonly runTurn: (texts: ReadonlyArray<string>, turnId?: string, options?: TurnOptions) => Effect.Effect<TurnResult, TurnError>
  /** Asks the running turn to stop at the next safe boundary. */
  readonly interrupt: Effect.Effect<void>
  /**
   * Manual compaction (`/compact`); `None` when there is nothing to compact. `onCompacted` hears
   * the result in the same uninterruptible step that records it and replaces the history, so a
   * caller that interrupts the compaction can tell whether it took effect.
   */
  readonly compact: (
    onEvent: (event: ModelEvent) => Effect.Effect<void>,
    onCompacted?: (result: CompactionResult) => Effect.Effect<void>
  ) => Effect.Effect<Option.Option<CompactionResult>, CompactError>
  /** The `total_tokens` of the last usage report, if any. */
  readonly lastTotalTokens: Effect.Effect<number | undefined>
}
export const AgentLoop = Context.GenericTag<AgentLoop>("tscodex/AgentLoop")

const SUBAGENT_NOTIFICATION_TOOL = "wait_agent"

/** Builds a loop over the services in context. Each call makes an independent conversation. */
export const make = (options: AgentLoopOptions = {}) =>
  Effect.gen(function* () {
    const client = yield* ModelClient.ModelClient
    const registry = yield* ToolRegistry
    const context = yield* ContextManager
    const recorder = yield* SessionRecorder
    const events = yield* AgentEvents
    const compactor = yield* Compactor

    const parallelToolCalls = options.parallelToolCalls ?? true
    const tokenLimit = context.autoCompactTokenLimit
    const history = yield* Ref.make<ReadonlyArray<ConversationItem>>(options.initialHistory ?? [])
    const lastTotalTokens = yield* Ref.make<number | undefined>(undefined)
    const interruptRequested = yield* Ref.make(false)
    /** The batch of calls running now: when it started and the results already in. */
    const inFlight = yield* Ref.make<{ readonly startedMillis: number; readonly done: Map<string, ToolResult> } | undefined>(undefined)

    const emit = events.publish

    const rememberUsage = (usage: Usage | null) => {
      const total = usage?.total_tokens
      const value = typeof total === "number" ? Math.trunc(total) : typeof total === "string" ? Number.parseInt(total, 10) : NaN
      return Number.isFinite(value) ? Ref.set(lastTotalTokens, value) : Effect.void
    }

    const append = (items: ReadonlyArray<ConversationItem>) =>
      items.length === 0
        ? Effect.void
        : Ref.update(history, (all) => [...all, ...items]).pipe(Effect.zipRight(recorder.appendHistoryItems(items)))

    /**
     * Gives calls left without an output (a killed process, a rollout cut short) the output `aborted`,
     * in the history and in the rollout, before anything else is sent.
     */
    const repairHistory = Effect.gen(function* () {
      const added = yield* Ref.modify(history, (all) => {
        const repaired = AbortedCalls.withAbortedOutputs(all)
        return [repaired.added, repaired.history] as const
      })
      if (added.length > 0) yield* recorder.appendHistoryItems(added)
    })

    /**
     * After a hard interrupt: calls that finished keep their results, the others get an "aborted by
     * user" output, and a note tells the model the user stopped the turn. All of it is recorded.
     */
    const abortTurn = (turnId: string, iteration: number, outputText: string | null) =>
      Effect.gen(function* () {
        const batch = yield* Ref.getAndSet(inFlight, undefined)
        const now = yield* Clock.currentTimeMillis
        const seconds = batch === undefined ? 0 : (now - batch.startedMillis) / 1000
        const open = AbortedCalls.callsWithoutOutput(yield* Ref.get(history))
        yield* append(open.map((call) =>
          batch?.done.get(call.callId) ?? AbortedCalls.abortedResult(call, AbortedCalls.abortedByUserText(call.name, seconds))
        ))
        yield* append([AbortedCalls.turnAbortedMessage()])
        yield* emit(AgentEvent.turn_interrupted({ turnId, iteration, ...(outputText !== null ? { outputText } : {}) }))
      })

    /** Fails with TurnInterrupted when an interrupt was requested (boundaries of core §2.7). */
    const checkInterrupt = (turnId: string, iteration: number, outputText: string | null) =>
      Effect.flatMap(Ref.getAndSet(interruptRequested, false), (requested) =>
        requested
          ? emit(AgentEvent.turn_interrupted({ turnId, iteration, ...(outputText !== null ? { outputText } : {}) })).pipe(
            Effect.zipRight(Effect.fail(new TurnInterrupted()))
          )
          : Effect.void
      )

    // -- compaction ----------------------------------------------------------

    const runCompactor = (onEvent: (event: ModelEvent) => Effect.Effect<void>, onCompacted?: (result: CompactionResult) => Effect.Effect<void>) =>
      Effect.gen(function* () {
        return yield* compactor.compact({
          history: yield* Ref.get(history),
          prune: true,
          onEvent,
          onPruned: (pruned) => Ref.set(history, pruned),
          onCompacted: (result) => Effect.zipRight(Ref.set(history, result.history), onCompacted?.(result) ?? Effect.void)
        })
      })

    const autoCompact = (turnId: string, phase: CompactPhase, totalTokens: number | undefined, limit: number | undefined) =>
      Effect.gen(function* () {
        const start = {
          turnId,
          phase,
          ...(totalTokens !== undefined ? { totalTokens } : {}),
          ...(limit !== undefined ? { tokenLimit: limit } : {})
        }
        yield* emit(AgentEvent.auto_compact_started(start))
        const relayStreamErrors = (event: ModelEvent) =>
          event._tag === "StreamError" ? emit(AgentEvent.stream_error({ turnId, ...event })) : Effect.void
        const result = yield* runCompactor(relayStreamErrors).pipe(
          Effect.tapError((error) =>
            emit(AgentEvent.auto_compact_failed({ ...start, error: error.message, errorType: error._tag }))
          )
        )
        yield* Ref.set(lastTotalTokens, undefined)
        if (Option.isNone(result)) return
        yield* emit(AgentEvent.auto_compact_completed({
          ...start,
          originalItemCount: result.value.originalItemCount,
          retainedItemCount: result.value.retainedItemCount,
          summary: result.value.summary,
          ...(result.value.prunedToolResults > 0 ? { prunedToolResults: result.value.prunedToolResults } : {})
        }))
      })

    /** Threshold compaction before a user turn (`pre_turn`) or a follow-up request (`mid_turn`). */
    const compactIfOverLimit = (turnId: string, phase: "pre_turn" | "mid_turn") =>
      Effect.gen(function* () {
        if (tokenLimit === undefined) return
        const used = yield* Ref.get(lastTotalTokens)
        if (used === undefined || used < tokenLimit) return
        if ((yield* Ref.get(history)).length === 0) return
        yield* autoCompact(turnId, phase, used, tokenLimit)
      })

    // -- one sampling request -------------------------------------------------

    const relay = (turnId: string) => (event: ModelEvent): Effect.Effect<void> => {
      switch (event._tag) {
        case "TokenCount":
          return rememberUsage(event.usage).pipe(Effect.zipRight(emit(AgentEvent.token_count({ turnId, usage: event.usage }))))
        case "AssistantDelta":
          return emit(AgentEvent.assistant_delta({ turnId, delta: event.delta }))
        case "ToolCallSeen":
          return emit(AgentEvent.tool_called({
            turnId,
            callId: event.callId,
            toolName: event.toolName,
            ...(event.webSearch !== undefined ? { webSearch: event.webSearch } : {})
          }))
        case "StreamError": {
          const { _tag, ...payload } = event
          return emit(AgentEvent.stream_error({ turnId, ...payload }))
        }
        case "Completed":
          return Effect.void
      }
    }

    /**
     * One request; when the provider says the context is too long (and names the size), compact
     * once and retry. The retry-once rule lives here and nowhere else.
     */
    const sample = (turnId: string, iteration: number): Effect.Effect<ReadonlyArray<ModelOutputItem>, TurnError> => {
      const request = Effect.gen(function* () {
        const prompt = yield* context.buildPrompt({
          history: yield* Ref.get(history),
          tools: registry.specs,
          parallelToolCalls,
          turnId
        })
        yield* emit(AgentEvent.model_called({
          turnId,
          iteration,
          historySize: prompt.input.length,
          toolCount: prompt.tools.length
        }))
        return yield* ModelClient.complete(client, prompt, relay(turnId))
      })
      return request.pipe(
        Effect.catchTag("ContextLengthExceeded", (error) => {
          const usage = error.usage
          if (usage === undefined) return Effect.fail(error)
          return Effect.gen(function* () {
            yield* rememberUsage(usage)
            yield* emit(AgentEvent.token_count({ turnId, usage }))
            yield* autoCompact(turnId, "context_length_exceeded", usage.total_tokens, error.limitTokens)
            yield* checkInterrupt(turnId, iteration, null)
            return yield* request
          })
        })
      )
    }

    // -- tools ----------------------------------------------------------------

    /** Runs one call; `seen` is the history the tool is shown (the loop's, as the call's group started). */
    const runCall = (turnId: string, call: ToolCall, seen: ReadonlyArray<ConversationItem>) =>
      Effect.gen(function* () {
        yield* emit(AgentEvent.tool_started({ turnId, toolName: call.name, callId: call.callId, call }))
        const result = yield* registry.execute(call, {
          turnId,
          history: seen,
          collaborationMode: context.collaborationMode
        })
        const batch = yield* Ref.get(inFlight)
        batch?.done.set(call.callId, result)
        yield* emit(AgentEvent.tool_completed({
          turnId,
          toolName: call.name,
          callId: call.callId,
          call,
          result,
          isError: result.isError
        }))
        return result
      })

    /**
     * Consecutive parallel-capable calls run together; any other call runs alone. Each result joins
     * the history (and the rollout) as soon as it and every earlier call of the batch are done, so
     * results stay in call order and a process killed mid-batch loses only what had not finished.
     */
    const runBatch = (turnId: string, calls: ReadonlyArray<ToolCall>) =>
      Effect.gen(function* () {
        yield* Ref.set(inFlight, { startedMillis: yield* Clock.currentTimeMillis, done: new Map() })
        const slots: Array<ToolResult | undefined> = calls.map(() => undefined)
        let written = 0
        const lock = yield* Effect.makeSemaphore(1)
        const finish = (index: number, result: ToolResult) =>
          lock.withPermits(1)(Effect.suspend(() => {
            slots[index] = result
            const ready: Array<ToolResult> = []
            while (written < slots.length && slots[written] !== undefined) ready.push(slots[written++]!)
            return append(ready)
          })).pipe(Effect.uninterruptible)
        const run = (index: number, seen: ReadonlyArray<ConversationItem>) =>
          Effect.flatMap(runCall(turnId, calls[index]!, seen), (result) => finish(index, result))
        let pending: Array<number> = []
        const flush = Effect.suspend(() => {
          const group = pending
          pending = []
          if (group.length === 0) return Effect.void
          return Effect.flatMap(Ref.get(history), (seen) =>
            Effect.forEach(group, (index) => run(index, seen), { concurrency: "unbounded", discard: true })
          )
        })
        for (const [index, call] of calls.entries()) {
          if (parallelToolCalls && registry.supportsParallel(call.name)) {
            pending.push(index)
            continue
          }
          yield* flush
          yield* run(index, yield* Ref.get(history))
        }
        yield* flush
        yield* Ref.set(inFlight, undefined)
        return slots.filter((result): result is ToolResult => result !== undefined)
      })

    // -- the turn -------------------------------------------------------------

    const loop = (turnId: string) =>
      Effect.gen(function* () {
        let iteration = 0
        let lastAssistant: string | null = null
        const failed = (error: TurnError) =>
          Effect.gen(function* () {
            if (error._tag === "TurnInterrupted") return
            const usage = error._tag === "ContextLengthExceeded" ? error.usage : undefined
            if (usage !== undefined) {
              yield* rememberUsage(usage)
              yield* emit(AgentEvent.token_count({ turnId, usage }))
            }
            yield* emit(AgentEvent.turn_failed({ turnId, iteration, error: error.message, errorType: error._tag }))
          })
        const step = Effect.gen(function* () {
          while (true) {
            yield* checkInterrupt(turnId, iteration, lastAssistant)
            yield* compactIfOverLimit(turnId, "mid_turn")
            iteration += 1
            // A response the server ended as incomplete keeps its finished items, and their tool calls
            // still run (as in Codex); then the turn fails with the server's reason, with no follow-up.
            const sampled = yield* sample(turnId, iteration).pipe(
              Effect.map((items) => ({ items, incomplete: undefined })),
              Effect.catchTag("IncompleteResponse", (incomplete) => Effect.succeed({ items: incomplete.items, incomplete }))
            )
            const { incomplete, items } = sampled
            if (incomplete === undefined) {
              yield* emit(AgentEvent.model_completed({ turnId, iteration, itemCount: items.length, items }))
            }
            const calls: Array<ToolCall> = []
            for (const item of items) {
              if (item._tag === "AssistantMessage") lastAssistant = item.text
              if (item._tag === "ToolCall") calls.push(item)
            }
            yield* append(items)
            if (incomplete !== undefined) {
              if (calls.length > 0) yield* append(followUps(yield* runBatch(turnId, calls)))
              return yield* Effect.fail(incomplete)
            }
            if (calls.length === 0) {
              yield* checkInterrupt(turnId, iteration, lastAssistant)
              yield* emit(AgentEvent.turn_completed({ turnId, iteration, outputText: lastAssistant }))
              const result: TurnResult = {
                turnId,
                outputText: lastAssistant,
                iterations: iteration,
                responseItems: items,
                history: yield* Ref.get(history)
              }
              return result
            }
            const results = yield* runBatch(turnId, calls)
            yield* append(followUps(results))
            yield* checkInterrupt(turnId, iteration, lastAssistant)
          }
        })
        return yield* step.pipe(
          Effect.tapError(failed),
          Effect.onInterrupt(() => abortTurn(turnId, iteration, lastAssistant))
        )
      })

    const runTurn = (texts: ReadonlyArray<string>, givenTurnId?: string, options?: TurnOptions) =>
      Effect.gen(function* () {
        const turnId = givenTurnId ?? (yield* uuid7)
        yield* Ref.set(interruptRequested, false)
        yield* Ref.set(inFlight, undefined)
        yield* repairHistory
        yield* emit(AgentEvent.turn_started({ turnId, userText: texts.join("\n"), userTexts: texts }))
        yield* compactIfOverLimit(turnId, "pre_turn")
        const images = options?.images ?? []
        yield* append(texts.map((text, i) => (i === 0 && images.length > 0 ? { ...userMessage(text), images } : userMessage(text))))
        return yield* loop(turnId)
      })

    const loopService: AgentLoop = {
      history: Ref.get(history),
      replaceHistory: (items) => Ref.set(history, items),
      runTurn,
      interrupt: Ref.set(interruptRequested, true),
      compact: (onEvent, onCompacted) => Effect.zipRight(repairHistory, runCompactor(onEvent, onCompacted)),
      lastTotalTokens: Ref.get(lastTotalTokens)
    }
    return loopService
  })

/** Sub-agent statuses reported by `wait_agent` become user messages (core §2.6). */
export const followUps = (results: ReadonlyArray<ToolResult>): ReadonlyArray<ConversationItem> =>
  results.flatMap((result) => {
    if (result.name !== SUBAGENT_NOTIFICATION_TOOL || result.isError) return []
    const output = result.output
    if (!isObject(output) || !isObject(output.status)) return []
    return Object.entries(output.status).flatMap(([agentId, status]) =>
      isObject(status)
        ? [userMessage(`<subagent_notification>\n${compactJson({ agent_id: agentId, status })}\n</subagent_notification>`)]
        : []
    )
  })

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

export const layer = (options: AgentLoopOptions = {}) => Layer.effect(AgentLoop, make(options))
