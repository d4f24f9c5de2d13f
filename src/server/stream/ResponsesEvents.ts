/** ResponsesEvents: the Responses SSE events the compatibility server sends, built with their exact key order. */

// Key order matters: payloads are written as spaced JSON in insertion order. Every item and event
// starts with the keys pycodex sends; the fields of the full Responses sequence (`id`, `status`,
// `item_id`, `output_index`, `content_index`) come after them.

/** `{"type": "output_text", "text": ...}`: the one content part of an assistant message. */
export interface OutputTextPart {
  readonly type: "output_text"
  readonly text: string
}

export interface ReasoningItem {
  readonly type: "reasoning"
  readonly summary: ReadonlyArray<never>
  readonly content: ReadonlyArray<{ readonly type: "reasoning_text"; readonly text: string }>
  readonly id: string
}

export interface MessageItem {
  readonly type: "message"
  readonly role: "assistant"
  readonly content: ReadonlyArray<OutputTextPart>
  readonly id: string
  readonly status: "in_progress" | "completed"
}

export interface FunctionCallItem {
  readonly type: "function_call"
  readonly call_id: string
  readonly name: string
  readonly arguments: string
  readonly id: string
  readonly status: "in_progress" | "completed"
}

export interface CustomToolCallItem {
  readonly type: "custom_tool_call"
  readonly call_id: string
  readonly name: string
  readonly input: string
  readonly id: string
  readonly status: "in_progress" | "completed"
}

export interface WebSearchAction {
  readonly type: "search"
  readonly query?: string
  readonly queries?: ReadonlyArray<string>
}

export interface WebSearchCallItem {
  readonly type: "web_search_call"
  readonly id: string
  readonly action: WebSearchAction
  readonly status: "completed"
}

export type OutputItem = ReasoningItem | MessageItem | FunctionCallItem | CustomToolCallItem | WebSearchCallItem

export interface Usage {
  readonly [key: string]: unknown
}

export interface ResponseCreated {
  readonly type: "response.created"
  readonly response: { readonly id: string; readonly object: "response"; readonly status: "in_progress"; readonly model: string }
}

export interface OutputItemAdded {
  readonly type: "response.output_item.added"
  readonly item: OutputItem
  readonly output_index: number
}

export interface OutputItemDone {
  readonly type: "response.output_item.done"
  readonly item: OutputItem
  readonly output_index: number
}

interface PartPosition {
  readonly item_id: string
  readonly output_index: number
  readonly content_index: number
}

export interface ContentPartAdded extends PartPosition {
  readonly type: "response.content_part.added"
  readonly part: OutputTextPart
}

export interface ContentPartDone extends PartPosition {
  readonly type: "response.content_part.done"
  readonly part: OutputTextPart
}

export interface OutputTextDelta extends PartPosition {
  readonly type: "response.output_text.delta"
  readonly delta: string
}

export interface OutputTextDone extends PartPosition {
  readonly type: "response.output_text.done"
  readonly text: string
}

export interface ResponseCompleted {
  readonly type: "response.completed"
  readonly response: {
    readonly id: string
    readonly output: ReadonlyArray<OutputItem>
    readonly usage?: Usage
    readonly object: "response"
    readonly status: "completed"
    readonly model: string
  }
}

/** Why a response stopped early, in the Responses API's words. */
export type IncompleteReason = "max_output_tokens" | "content_filter"

export interface ResponseIncomplete {
  readonly type: "response.incomplete"
  readonly response: {
    readonly id: string
    readonly output: ReadonlyArray<OutputItem>
    readonly usage?: Usage
    readonly object: "response"
    readonly status: "incomplete"
    readonly model: string
    readonly incomplete_details: { readonly reason: IncompleteReason }
  }
}

export interface ResponseFailed {
  readonly type: "response.failed"
  readonly response: { readonly error: { readonly message: string; readonly type?: string } }
}

/** Every event the server writes; the SSE event name is always the payload's `type`. */
export type ResponsesStreamEvent =
  | ResponseCreated
  | OutputItemAdded
  | OutputItemDone
  | ContentPartAdded
  | ContentPartDone
  | OutputTextDelta
  | OutputTextDone
  | ResponseCompleted
  | ResponseIncomplete
  | ResponseFailed

/** The events that end a response; every stream carries exactly one, last. */
export type TerminalEvent = ResponseCompleted | ResponseIncomplete | ResponseFailed

export const isTerminal = (event: ResponsesStreamEvent): event is TerminalEvent =>
  event.type === "response.completed" || event.type === "response.failed" || event.type === "response.incomplete"

// ---------------------------------------------------------------------------
// constructors (these fix the key order)

export const created = (id: string, model: string): ResponseCreated => ({
  type: "response.created",
  response: { id, object: "response", status: "in_progress", model }
})

export const outputItemAdded = (item: OutputItem, outputIndex: number): OutputItemAdded => ({
  type: "response.output_item.added",
  item,
  output_index: outputIndex
})

export const outputItemDone = (item: OutputItem, outputIndex: number): OutputItemDone => ({
  type: "response.output_item.done",
  item,
  output_index: outputIndex
})

export const contentPartAdded = (itemId: string, outputIndex: number, text: string): ContentPartAdded => ({
  type: "response.content_part.added",
  part: { type: "output_text", text },
  item_id: itemId,
  output_index: outputIndex,
  content_index: 0
})

export const contentPartDone = (itemId: string, outputIndex: number, text: string): ContentPartDone => ({
  type: "response.content_part.done",
  part: { type: "output_text", text },
  item_id: itemId,
  output_index: outputIndex,
  content_index: 0
})

export const outputTextDelta = (delta: string, itemId: string, outputIndex: number): OutputTextDelta => ({
  type: "response.output_text.delta",
  delta,
  item_id: itemId,
  output_index: outputIndex,
  content_index: 0
})

export const outputTextDone = (text: string, itemId: string, outputIndex: number): OutputTextDone => ({
  type: "response.output_text.done",
  text,
  item_id: itemId,
  output_index: outputIndex,
  content_index: 0
})

export const completed = (
  id: string,
  model: string,
  output: ReadonlyArray<OutputItem>,
  usage: Usage | undefined
): ResponseCompleted => ({
  type: "response.completed",
  response: usage === undefined
    ? { id, output, object: "response", status: "completed", model }
    : { id, output, usage, object: "response", status: "completed", model }
})

/** `response.incomplete`: like `completed`, with status `incomplete` and the reason after the model. */
export const incomplete = (
  id: string,
  model: string,
  output: ReadonlyArray<OutputItem>,
  usage: Usage | undefined,
  reason: IncompleteReason
): ResponseIncomplete => ({
  type: "response.incomplete",
  response: usage === undefined
    ? { id, output, object: "response", status: "incomplete", model, incomplete_details: { reason } }
    : { id, output, usage, object: "response", status: "incomplete", model, incomplete_details: { reason } }
})

export const failed = (message: string, errorType?: string): ResponseFailed => ({
  type: "response.failed",
  response: { error: errorType === undefined ? { message } : { message, type: errorType } }
})

export const reasoningItem = (text: string, id: string): ReasoningItem => ({
  type: "reasoning",
  summary: [],
  content: [{ type: "reasoning_text", text }],
  id
})

export const messageItem = (text: string | undefined, id: string, status: MessageItem["status"]): MessageItem => ({
  type: "message",
  role: "assistant",
  content: text === undefined ? [] : [{ type: "output_text", text }],
  id,
  status
})

export const webSearchCallItem = (id: string, query: string, queries: ReadonlyArray<string>): WebSearchCallItem => {
  const action: { type: "search"; query?: string; queries?: ReadonlyArray<string> } = { type: "search" }
  if (query !== "") action.query = query
  if (queries.length > 0) action.queries = queries
  return { type: "web_search_call", id, action, status: "completed" }
}
