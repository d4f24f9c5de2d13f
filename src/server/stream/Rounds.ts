/** Rounds: the per-response state machine that turns chat chunks into Responses events and decides what ends each round. */
import type { ChatChunk } from "../../protocol/ChatChunkWire.js"
import { isRecord } from "../../protocol/ChatChunkWire.js"
import * as Ev from "./ResponsesEvents.js"
import { spacedJson } from "./SpacedJson.js"
import { OutcommingStreamError } from "./StreamErrors.js"
import { extractQuery, isMockWebSearchTool, type MockWebSearchCall, mockWebSearchName } from "./WebSearch.js"

/** What the translation of one inbound request needs to know. */
export interface TranslationContext {
  /** The id allocated for the response (`resp_00000001`). */
  readonly responseId: string
  /** The model of the downstream request, as reported in `response.created`. */
  readonly model: string
  /** Names of the inbound `custom` tools: calls to them come back as `custom_tool_call` items. */
  readonly customToolNames: ReadonlySet<string>
}

/** How a round ended, as a value the caller acts on. */
export type RoundOutcome =
  /** The response is over: final items, then `response.completed` (or `response.incomplete` after a cut-off). */
  | { readonly _tag: "Finish"; readonly events: ReadonlyArray<Ev.ResponsesStreamEvent> }
  /** Only mock web searches were called: show them, then run a follow-up round with their results. */
  | {
    readonly _tag: "WebSearch"
    readonly events: ReadonlyArray<Ev.ResponsesStreamEvent>
    readonly calls: ReadonlyArray<MockWebSearchCall>
    /** All reasoning so far, replayed on the follow-up's assistant message. */
    readonly reasoning: string
  }
  /** The round produced reasoning only, for the first time: send the same request again. */
  | { readonly _tag: "RetryReasoningOnly" }
  /** The response cannot be completed. */
  | { readonly _tag: "Fail"; readonly error: OutcommingStreamError }

export interface ResponseTranslator {
  /** The `response.created` event, sent before the first round. */
  readonly created: () => Ev.ResponseCreated
  /** Starts a round; `tools` are those of the downstream request it answers (used for name hydration and the mock). */
  readonly beginRound: (tools: unknown) => void
  /** Consumes one chunk; returns the events to send now (text deltas, and the message's opening events). */
  readonly push: (chunk: ChatChunk) => Array<Ev.ResponsesStreamEvent>
  /** Ends the round after its stream finished cleanly. */
  readonly endRound: () => RoundOutcome
}

interface CallState {
  readonly index: number
  id: string
  type: string
  name: string
  arguments: string
}

const usageKeys = [
  ["input_tokens", "input_tokens", "prompt_tokens"],
  ["output_tokens", "output_tokens", "completion_tokens"],
  ["total_tokens", "total_tokens", "total_tokens"]
] as const
const detailKeys = [
  ["input_tokens_details", "input_tokens_details", "prompt_tokens_details"],
  ["output_tokens_details", "output_tokens_details", "completion_tokens_details"]
] as const

/** Overwrites `target` with what a usage object reports (a snapshot: later values replace earlier ones). */
export const applyUsage = (target: Record<string, unknown>, usage: Readonly<Record<string, unknown>>): void => {
  for (const [key, own, chat] of usageKeys) {
    const value = own in usage ? usage[own] : usage[chat]
    if (typeof value === "number" && Number.isInteger(value)) target[key] = value
  }
  for (const [key, own, chat] of detailKeys) {
    const value = own in usage ? usage[own] : usage[chat]
    if (isRecord(value)) target[key] = structuredClone(value)
  }
}

/**
 * The freeform input of a custom tool call from its function arguments: the `input` member when
 * the arguments are an object that has one (text as is, other values as spaced JSON), otherwise
 * the arguments unchanged.
 */
export const customToolInput = (args: string): string => {
  let parsed: unknown
  try {
    parsed = args === "" ? {} : JSON.parse(args)
  } catch {
    return args
  }
  if (isRecord(parsed) && "input" in parsed) {
    return typeof parsed.input === "string" ? parsed.input : spacedJson(parsed.input)
  }
  return args
}

/** The message of a response whose retry again produced reasoning only. */
export const reasoningOnlyMessage = (finishReason: string | undefined): string =>
  "outcomming chat completion ended without assistant content or tool calls after emitting only reasoning " +
  `(finish_reason='${finishReason ?? "<unknown>"}')`

/**
 * The reason a finish reason ends the response early, as the Responses API names it: the output
 * token limit (`length`) or content filtering (`content_filter`); other reasons complete it.
 */
export const incompleteReason = (finishReason: string | undefined): Ev.IncompleteReason | undefined =>
  finishReason === "length" ? "max_output_tokens" : finishReason === "content_filter" ? "content_filter" : undefined

const quoted = (value: string): string => (value.includes("'") && !value.includes("\"") ? `"${value}"` : `'${value}'`)

/** Creates the translator of one inbound request. */
export const makeResponseTranslator = (context: TranslationContext): ResponseTranslator => {
  const suffix = context.responseId.replace(/^resp_/, "")
  const itemId = (prefix: string, index: number) => `${prefix}_${suffix}_${index}`

  // across rounds
  const reasoningParts: Array<string> = []
  const textParts: Array<string> = []
  const output: Array<{ readonly index: number; readonly item: Ev.OutputItem }> = []
  let nextIndex = 0
  let latestUsage: Record<string, unknown> | undefined
  let retried = false
  let reasoningIndex: number | undefined
  let message: { readonly id: string; readonly index: number } | undefined

  // per round
  let tools: ReadonlyArray<unknown> = []
  let calls = new Map<number, CallState>()
  let finishReasons: Array<string> = []
  let currentUsage: Record<string, unknown> = {}
  let roundReasoningStart = 0
  let roundIndexStart = 0
  let roundReasoningIndex = false
  let roundText = false

  const emitItem = (item: Ev.OutputItem, index: number, events: Array<Ev.ResponsesStreamEvent>, added = true) => {
    if (added) events.push(Ev.outputItemAdded(item, index))
    events.push(Ev.outputItemDone(item, index))
    output.push({ index, item })
  }

  const push = (chunk: ChatChunk): Array<Ev.ResponsesStreamEvent> => {
    if (chunk.usage !== undefined) applyUsage(currentUsage, chunk.usage)
    const events: Array<Ev.ResponsesStreamEvent> = []
    if (chunk.choices === undefined) return events
    for (const choice of chunk.choices) {
      if (choice.finish_reason !== undefined && choice.finish_reason !== "") finishReasons.push(choice.finish_reason)
      const delta = choice.delta
      if (delta === undefined) continue
      for (const fragment of [delta.reasoning, delta.reasoning_content]) {
        if (fragment === undefined || fragment === "") continue
        reasoningParts.push(fragment)
        if (reasoningIndex === undefined) {
          reasoningIndex = nextIndex++
          roundReasoningIndex = true
        }
      }
      if (delta.content !== undefined && delta.content !== "") {
        if (message === undefined) {
          message = { id: itemId("msg", nextIndex), index: nextIndex++ }
          events.push(Ev.outputItemAdded(Ev.messageItem(undefined, message.id, "in_progress"), message.index))
          events.push(Ev.contentPartAdded(message.id, message.index, ""))
        }
        textParts.push(delta.content)
        roundText = true
        events.push(Ev.outputTextDelta(delta.content, message.id, message.index))
      }
      for (const fragment of delta.tool_calls ?? []) {
        const index = fragment.index ?? calls.size
        let call = calls.get(index)
        if (call === undefined) {
          call = { index, id: "", type: "function", name: "", arguments: "" }
          calls.set(index, call)
        }
        if (fragment.id !== undefined && fragment.id !== "") call.id = fragment.id
        if (fragment.type !== undefined && fragment.type !== "") call.type = fragment.type
        const fn = fragment.function
        if (fn === undefined) continue
        if (fn.name !== undefined && fn.name !== "") call.name = fn.name
        if (fn.arguments !== undefined && fn.arguments !== "") call.arguments += fn.arguments
      }
    }
    return events
  }

  const beginRound = (requestTools: unknown) => {
    tools = Array.isArray(requestTools) ? requestTools : []
    calls = new Map()
    finishReasons = []
    currentUsage = {}
    roundReasoningStart = reasoningParts.length
    roundIndexStart = nextIndex
    roundReasoningIndex = false
    roundText = false
  }

  const hydrate = (call: CallState) => {
    if (call.name.trim() !== "" || call.index >= tools.length) return
    const tool = tools[call.index]
    if (isRecord(tool) && tool.type === "function" && isRecord(tool.function) && typeof tool.function.name === "string") {
      const name = tool.function.name.trim()
      if (name !== "") call.name = name
    }
  }

  const finalItems = (
    ordinary: ReadonlyArray<CallState>,
    searches: ReadonlyArray<MockWebSearchCall>
  ): Array<Ev.ResponsesStreamEvent> | OutcommingStreamError => {
    // every call is checked before anything is sent
    const built: Array<(index: number) => Ev.OutputItem> = []
    for (const call of ordinary) {
      if (call.type !== "function") {
        return new OutcommingStreamError({ message: `unsupported outcomming tool call type: ${quoted(call.type)}` })
      }
      const name = call.name.trim()
      if (name === "") return new OutcommingStreamError({ message: "outcomming function tool call is missing `name`" })
      const callId = call.id.trim() === "" ? `call_${call.index}` : call.id.trim()
      built.push(context.customToolNames.has(name)
        ? (i) => ({ type: "custom_tool_call", call_id: callId, name, input: customToolInput(call.arguments), id: itemId("ctc", i), status: "completed" })
        : (i) => ({ type: "function_call", call_id: callId, name, arguments: call.arguments === "" ? "{}" : call.arguments, id: itemId("fc", i), status: "completed" }))
    }
    const events: Array<Ev.ResponsesStreamEvent> = []
    const reasoning = reasoningParts.join("")
    if (reasoning !== "") {
      const index = reasoningIndex ?? nextIndex++
      emitItem(Ev.reasoningItem(reasoning, itemId("rs", index)), index, events)
    }
    const text = textParts.join("")
    if (message !== undefined && text !== "") {
      events.push(Ev.outputTextDone(text, message.id, message.index))
      events.push(Ev.contentPartDone(message.id, message.index, text))
      emitItem(Ev.messageItem(text, message.id, "completed"), message.index, events, false)
    }
    for (const build of built) {
      const index = nextIndex++
      emitItem(build(index), index, events)
    }
    for (const search of searches) {
      const index = nextIndex++
      emitItem(Ev.webSearchCallItem(search.id, search.query, search.queries), index, events)
    }
    const sorted = [...output].sort((a, b) => a.index - b.index).map((entry) => entry.item)
    const stopped = incompleteReason(finishReasons.at(-1))
    events.push(stopped === undefined
      ? Ev.completed(context.responseId, context.model, sorted, latestUsage)
      : Ev.incomplete(context.responseId, context.model, sorted, latestUsage, stopped))
    return events
  }

  const endRound = (): RoundOutcome => {
    if (Object.keys(currentUsage).length > 0) latestUsage = structuredClone(currentUsage)
    const ordered = [...calls.values()].sort((a, b) => a.index - b.index)
    for (const call of ordered) hydrate(call)
    const mockNames = tools.some(isMockWebSearchTool) ? new Set([mockWebSearchName]) : new Set<string>()
    const searches: Array<MockWebSearchCall> = []
    const ordinary: Array<CallState> = []
    for (const call of ordered) {
      if (mockNames.has(call.name.trim())) {
        searches.push({ id: call.id.trim() === "" ? "ws_mock" : call.id.trim(), name: call.name.trim(), arguments: call.arguments, ...extractQuery(call.arguments) })
      } else ordinary.push(call)
    }
    if (searches.length > 0 && ordinary.length === 0) {
      const events: Array<Ev.ResponsesStreamEvent> = []
      for (const search of searches) {
        const index = nextIndex++
        emitItem(Ev.webSearchCallItem(search.id, search.query, search.queries), index, events)
      }
      return { _tag: "WebSearch", events, calls: searches, reasoning: reasoningParts.join("") }
    }
    const roundReasoning = reasoningParts.length > roundReasoningStart
    if (roundReasoning && !roundText && ordinary.length === 0) {
      if (retried) {
        return {
          _tag: "Fail",
          error: new OutcommingStreamError({ message: reasoningOnlyMessage(finishReasons.at(-1)), errorType: "model_output_invalid" })
        }
      }
      retried = true
      reasoningParts.length = roundReasoningStart
      if (roundReasoningIndex) {
        reasoningIndex = undefined
        nextIndex = roundIndexStart
      }
      return { _tag: "RetryReasoningOnly" }
    }
    const events = finalItems(ordinary, searches)
    return events instanceof OutcommingStreamError ? { _tag: "Fail", error: events } : { _tag: "Finish", events }
  }

  return { created: () => Ev.created(context.responseId, context.model), beginRound, push, endRound }
}
