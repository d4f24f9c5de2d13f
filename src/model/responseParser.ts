/** @internal Turns the SSE events of one Responses attempt into ModelEvents, keeping diagnostics. */
import { Either } from "effect"
import {
  assistantMessage,
  type ModelOutputItem,
  reasoningItem,
  toolCall
} from "../protocol/Items.js"
import { ModelEvent, type Usage, type WebSearchAction } from "../protocol/ModelEvent.js"
import {
  decodeOutputItem,
  decodeResponsesEvent,
  isUnknownEvent,
  lenientText,
  type OutputItem,
  type ResponsesEvent,
  textDelta
} from "../protocol/ResponsesWire.js"
import { IncompleteResponse, type ModelError, ModelOutputInvalid, RetryableStreamError } from "./ModelError.js"
import type { SseEvent } from "./Sse.js"
import {
  classifyFailed,
  type Diagnostics,
  emptyDiagnostics,
  incompleteMessage,
  invalidJsonMessage,
  type RequestContext
} from "./errorText.js"

/** What a batch of SSE events produced: events to emit, then maybe a failure, or the end. */
export interface Step {
  readonly events: Array<ModelEvent>
  readonly failure?: ModelError
  /** `response.completed` was seen: stop reading. */
  readonly done: boolean
}

export interface ResponseParser {
  readonly diagnostics: Diagnostics
  /** Handles events in order; stops at the first failure or at completion. */
  readonly handle: (events: ReadonlyArray<SseEvent>) => Step
  /** The body ended: fails unless the response completed. */
  readonly finish: () => ModelError | undefined
}

const asObject = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined

const jsonTypeName = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "array" : typeof value

/** Decodes function-call arguments: empty text is `{}`; anything but an object is an error. */
export const parseArguments = (text: string): Either.Either<Record<string, unknown>, ModelOutputInvalid> => {
  if (text.trim() === "") return Either.right({})
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return Either.left(new ModelOutputInvalid({ message: `function call arguments are not valid JSON: ${(error as Error).message}` }))
  }
  const object = asObject(value)
  return object === undefined
    ? Either.left(new ModelOutputInvalid({ message: `function call arguments must decode to an object, got ${jsonTypeName(value)}` }))
    : Either.right(object)
}

/** The web search details reported for a `web_search_call` item. */
export const webSearchAction = (action: unknown): WebSearchAction | undefined => {
  const object = asObject(action)
  if (object === undefined) return undefined
  const result: { -readonly [K in keyof WebSearchAction]: WebSearchAction[K] } = { actionType: lenientText(object.type) }
  if ("query" in object) result.query = object.query
  if (Array.isArray(object.queries)) {
    result.queries = object.queries.map(lenientText).filter((q) => q.trim() !== "")
  }
  if ("url" in object) result.url = object.url
  if ("pattern" in object) result.pattern = object.pattern
  return result
}

/** The usage a `response.completed` event reports, or null. */
export const completedUsage = (event: { readonly response?: unknown; readonly usage?: unknown }): Usage | null => {
  const response = asObject(event.response)
  const usage = response !== undefined ? asObject(response.usage) : asObject(event.usage)
  return usage === undefined ? null : { ...usage }
}

/** `incomplete_details.reason` of a `response.incomplete`, or `unknown`. */
export const incompleteReason = (response: unknown): string => {
  const details = asObject(asObject(response)?.incomplete_details)
  const reason = details?.reason
  return typeof reason === "string" && reason.trim() !== "" ? reason : "unknown"
}

type ItemResult = { readonly item?: ModelOutputItem; readonly event?: ModelEvent; readonly failure?: ModelError }

const required = (value: string | undefined, field: string, kind: string): Either.Either<string, ModelOutputInvalid> =>
  value === undefined || value === ""
    ? Either.left(new ModelOutputInvalid({ message: `${kind} item is missing \`${field}\`` }))
    : Either.right(value)

/** What one finished output item contributes. */
export const readItem = (item: OutputItem): ItemResult => {
  switch (item.type) {
    case "web_search_call": {
      const webSearch = webSearchAction(item.action)
      const callId = item.id === undefined || item.id === "" ? "web_search" : item.id
      return { event: ModelEvent.ToolCallSeen({ callId, toolName: "web_search", ...(webSearch !== undefined ? { webSearch } : {}) }) }
    }
    case "reasoning":
      return { item: reasoningItem(structuredClone(item as Record<string, unknown>)) }
    case "message": {
      if (item.role !== "assistant") return {}
      const text = item.content.flatMap((part) => (part.type === "output_text" ? [part.text ?? ""] : [])).join("")
      return { item: assistantMessage(text) }
    }
    case "function_call":
    case "custom_tool_call": {
      const callId = required(item.call_id, "call_id", item.type)
      if (Either.isLeft(callId)) return { failure: callId.left }
      const name = required(item.name, "name", item.type)
      if (Either.isLeft(name)) return { failure: name.left }
      if (item.type === "custom_tool_call") {
        return {
          item: toolCall(callId.right, name.right, item.input ?? "", "custom"),
          event: ModelEvent.ToolCallSeen({ callId: callId.right, toolName: name.right })
        }
      }
      const args = parseArguments(item.arguments ?? "")
      if (Either.isLeft(args)) return { failure: args.left }
      return {
        item: toolCall(callId.right, name.right, args.right, "function"),
        event: ModelEvent.ToolCallSeen({ callId: callId.right, toolName: name.right })
      }
    }
    default:
      return {}
  }
}

/** A parser for one attempt. */
export const makeResponseParser = (ctx: RequestContext): ResponseParser => {
  const diagnostics = emptyDiagnostics()
  const items: Array<ModelOutputItem> = []
  let completed = false

  const one = (sse: SseEvent, out: Array<ModelEvent>): ModelError | "done" | undefined => {
    diagnostics.events++
    diagnostics.lastSseEvent = sse.event
    diagnostics.lastPayload = sse.data
    let json: unknown
    try {
      json = JSON.parse(sse.data)
    } catch (error) {
      return new RetryableStreamError({ message: invalidJsonMessage(ctx, sse.event, (error as Error).message, sse.data) })
    }
    const raw = asObject(json) ?? {}
    const delta = textDelta(raw)
    if (delta !== undefined) {
      diagnostics.lastEventType = "response.output_text.delta"
      out.push(ModelEvent.AssistantDelta({ delta }))
      return undefined
    }
    const decoded = decodeResponsesEvent(raw, sse.event)
    const event: ResponsesEvent | undefined = Either.isRight(decoded) ? decoded.right : undefined
    diagnostics.lastEventType = typeof raw.type === "string" ? raw.type : sse.event
    if (event === undefined || isUnknownEvent(event)) return undefined
    switch (event.type) {
      case "response.output_text.delta":
        out.push(ModelEvent.AssistantDelta({ delta: event.delta }))
        return undefined
      case "response.output_item.done": {
        const item = decodeOutputItem(event.item)
        if (Either.isLeft(item)) return undefined
        const result = readItem(item.right)
        if (result.failure !== undefined) return result.failure
        if (result.event !== undefined) out.push(result.event)
        if (result.item !== undefined) {
          items.push(result.item)
          diagnostics.items++
        }
        return undefined
      }
      case "response.completed":
        out.push(ModelEvent.TokenCount({ usage: completedUsage(event) }))
        out.push(ModelEvent.Completed({ items: [...items] }))
        completed = true
        return "done"
      case "response.failed":
        return classifyFailed(ctx, event.response)
      case "response.incomplete": {
        // The server said why it stopped: no retry, keep what was completed.
        out.push(ModelEvent.TokenCount({ usage: completedUsage(event) }))
        return new IncompleteResponse({ reason: incompleteReason(event.response), items: [...items] })
      }
      default:
        return undefined
    }
  }

  return {
    diagnostics,
    handle: (events) => {
      const out: Array<ModelEvent> = []
      for (const sse of events) {
        const result = one(sse, out)
        if (result === "done") return { events: out, done: true }
        if (result !== undefined) return { events: out, failure: result, done: false }
      }
      return { events: out, done: false }
    },
    finish: () =>
      completed
        ? undefined
        : new RetryableStreamError({ message: incompleteMessage(ctx, diagnostics.lastEventType, diagnostics.items) })
  }
}
