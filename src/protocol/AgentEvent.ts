/** What the agent loop reports while a turn runs (core §1.6), and the result of a finished turn. */
import { Data } from "effect"
import type { ConversationItem, ModelOutputItem, ToolCall, ToolResult } from "./Items.js"
import { toResultJson } from "./Items.js"
import type { Reconnecting, Usage, WebSearchAction } from "./ModelEvent.js"

export type CompactPhase = "pre_turn" | "mid_turn" | "context_length_exceeded"

/** Fields shared by the three `auto_compact_*` events. */
export interface CompactStart {
  readonly phase: CompactPhase
  readonly totalTokens?: number
  readonly tokenLimit?: number
}

/**
 * One event of a turn. The tag is the event kind as Codex names it. `submissionId` is added by the
 * runtime when the turn runs for a submission.
 */
export type AgentEvent = Data.TaggedEnum<{
  turn_started: { readonly turnId: string; readonly userText: string; readonly userTexts: ReadonlyArray<string> }
  model_called: { readonly turnId: string; readonly iteration: number; readonly historySize: number; readonly toolCount: number }
  assistant_delta: { readonly turnId: string; readonly delta: string }
  tool_called: { readonly turnId: string; readonly callId: string; readonly toolName: string; readonly webSearch?: WebSearchAction }
  token_count: { readonly turnId: string; readonly usage: Usage | null }
  stream_error: { readonly turnId: string } & Reconnecting
  model_completed: {
    readonly turnId: string
    readonly iteration: number
    readonly itemCount: number
    /** The response's output items, in order (not part of the JSON view). */
    readonly items?: ReadonlyArray<ModelOutputItem>
  }
  tool_started: { readonly turnId: string; readonly toolName: string; readonly callId: string; readonly call: ToolCall }
  tool_completed: {
    readonly turnId: string
    readonly toolName: string
    readonly callId: string
    readonly call: ToolCall
    readonly result: ToolResult
    readonly isError: boolean
  }
  turn_completed: { readonly turnId: string; readonly iteration: number; readonly outputText: string | null }
  turn_interrupted: { readonly turnId: string; readonly iteration: number; readonly outputText?: string }
  turn_failed: { readonly turnId: string; readonly iteration: number; readonly error: string; readonly errorType: string }
  auto_compact_started: { readonly turnId: string } & CompactStart
  auto_compact_completed: {
    readonly turnId: string
    readonly originalItemCount: number
    readonly retainedItemCount: number
    readonly summary: string
    readonly prunedToolResults?: number
  } & CompactStart
  auto_compact_failed: { readonly turnId: string; readonly error: string; readonly errorType: string } & CompactStart
}>
export const AgentEvent = Data.taggedEnum<AgentEvent>()
export type AgentEventKind = AgentEvent["_tag"]

/** The spec's JSON view of an event: `{kind, turn_id, payload}` with snake_case payload keys. */
export const agentEventJson = (event: AgentEvent, submissionId?: string): Record<string, unknown> => {
  const { _tag, turnId, ...fields } = event as AgentEvent & Record<string, unknown>
  const payload: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || (_tag === "model_completed" && key === "items")) continue
    if (key === "webSearch") {
      const action = value as WebSearchAction
      payload.action_type = action.actionType
      if (action.query !== undefined) payload.query = action.query
      if (action.queries !== undefined) payload.queries = action.queries
      if (action.url !== undefined) payload.url = action.url
      if (action.pattern !== undefined) payload.pattern = action.pattern
      continue
    }
    payload[snake(key)] = key === "call" || key === "result" ? toResultJson(value as ConversationItem) : value
  }
  if (submissionId !== undefined) {
    payload.submission_id ??= submissionId
    payload.turn_id ??= turnId
  }
  return { kind: _tag, turn_id: turnId, payload }
}

const snake = (key: string): string => key.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase())

/** What a successful turn returns (core §1.5). */
export interface TurnResult {
  readonly turnId: string
  /** Text of the most recent assistant message of the turn, or null. */
  readonly outputText: string | null
  /** Successful sampling requests in this turn. */
  readonly iterations: number
  /** Items of the final model response only. */
  readonly responseItems: ReadonlyArray<ModelOutputItem>
  /** The whole history after the turn. */
  readonly history: ReadonlyArray<ConversationItem>
}

/** `--json` output: keys in the reference's order, items in their in-memory shape. */
export const turnResultJson = (result: TurnResult): Record<string, unknown> => ({
  turn_id: result.turnId,
  output_text: result.outputText,
  iterations: result.iterations,
  response_items: result.responseItems.map(toResultJson),
  history: result.history.map(toResultJson)
})
