/** Conversation items: the values a history is made of, and their Responses API JSON both ways. */
import { Data, Either, Schema } from "effect"

/** Any JSON value. Kept opaque where the wire carries provider-defined data. */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }
export type JsonObject = { readonly [key: string]: Json }

export const JsonValue: Schema.Schema<Json> = Schema.suspend(() =>
  Schema.Union(
    Schema.Null,
    Schema.Boolean,
    Schema.Number,
    Schema.String,
    Schema.Array(JsonValue),
    Schema.Record({ key: Schema.String, value: JsonValue })
  )
)
export const JsonRecord = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/** A user turn text, a sub-agent notification, a kept message after compaction, or a summary. */
export const UserMessage = Schema.TaggedStruct("UserMessage", {
  text: Schema.String,
  /** Image URLs (`data:` or http) sent before the text, as `input_image` parts. */
  images: Schema.optional(Schema.Array(Schema.String))
})
export type UserMessage = typeof UserMessage.Type

/** Natural-language model output. */
export const AssistantMessage = Schema.TaggedStruct("AssistantMessage", { text: Schema.String })
export type AssistantMessage = typeof AssistantMessage.Type

/** Context injected into one request only; never stored in history. */
export const ContextMessage = Schema.TaggedStruct("ContextMessage", {
  role: Schema.Literal("user", "developer"),
  text: Schema.optional(Schema.String),
  contentItems: Schema.optional(Schema.Array(JsonRecord))
})
export type ContextMessage = typeof ContextMessage.Type

export const ToolType = Schema.Literal("function", "custom")
export type ToolType = typeof ToolType.Type

/** The model asks for a tool. `arguments` is a JSON object for function tools, a string for custom ones. */
export const ToolCall = Schema.TaggedStruct("ToolCall", {
  callId: Schema.String,
  name: Schema.String,
  arguments: Schema.Unknown,
  toolType: ToolType
})
export type ToolCall = typeof ToolCall.Type

/** An opaque reasoning item from the provider, replayed verbatim. */
export const ReasoningItem = Schema.TaggedStruct("ReasoningItem", { payload: JsonRecord })
export type ReasoningItem = typeof ReasoningItem.Type

/** The result of one tool call. */
export const ToolResult = Schema.TaggedStruct("ToolResult", {
  callId: Schema.String,
  name: Schema.String,
  output: Schema.Unknown,
  contentItems: Schema.optional(Schema.Array(JsonRecord)),
  success: Schema.optional(Schema.Boolean),
  isError: Schema.Boolean,
  toolType: ToolType
})
export type ToolResult = typeof ToolResult.Type

export const ConversationItem = Schema.Union(
  UserMessage,
  AssistantMessage,
  ContextMessage,
  ToolCall,
  ReasoningItem,
  ToolResult
)
export type ConversationItem = typeof ConversationItem.Type

/** What a model response is made of. */
export type ModelOutputItem = AssistantMessage | ToolCall | ReasoningItem

// ---------------------------------------------------------------------------
// constructors

export const userMessage = (text: string): UserMessage => ({ _tag: "UserMessage", text })
export const assistantMessage = (text: string): AssistantMessage => ({ _tag: "AssistantMessage", text })
export const contextMessage = (
  role: "user" | "developer",
  content: { readonly text?: string; readonly contentItems?: ReadonlyArray<Record<string, unknown>> }
): ContextMessage => ({ _tag: "ContextMessage", role, ...content })
export const toolCall = (
  callId: string,
  name: string,
  args: unknown,
  toolType: ToolType = "function"
): ToolCall => ({ _tag: "ToolCall", callId, name, arguments: args, toolType })
export const reasoningItem = (payload: Record<string, unknown>): ReasoningItem => ({ _tag: "ReasoningItem", payload })
export const toolResult = (fields: {
  readonly callId: string
  readonly name: string
  readonly output: unknown
  readonly contentItems?: ReadonlyArray<Record<string, unknown>>
  readonly success?: boolean
  readonly isError?: boolean
  readonly toolType?: ToolType
}): ToolResult => ({
  _tag: "ToolResult",
  callId: fields.callId,
  name: fields.name,
  output: fields.output,
  ...(fields.contentItems !== undefined ? { contentItems: fields.contentItems } : {}),
  ...(fields.success !== undefined ? { success: fields.success } : {}),
  isError: fields.isError ?? false,
  toolType: fields.toolType ?? "function"
})

// ---------------------------------------------------------------------------
// JSON text helpers

/** Compact JSON (no spaces; non-ASCII raw), as used for arguments and outputs on the wire. */
export const compactJson = (value: unknown): string => JSON.stringify(value === undefined ? null : value)

/** Compact JSON with every non-ASCII character escaped as \uXXXX, for header values. */
export const asciiJson = (value: unknown): string =>
  compactJson(value).replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"))

/** JSON with `", "` and `": "` separators, as tool outputs are shown to people. */
export const spacedJson = (value: unknown): string => {
  const render = (v: unknown): string => {
    if (Array.isArray(v)) return "[" + v.map(render).join(", ") + "]"
    if (v !== null && typeof v === "object") {
      return "{" + Object.entries(v).map(([k, x]) => JSON.stringify(k) + ": " + render(x)).join(", ") + "}"
    }
    return JSON.stringify(v === undefined ? null : v)
  }
  return render(value)
}

// ---------------------------------------------------------------------------
// items -> Responses `input` entries

export class ItemEncodeError extends Data.TaggedError("ItemEncodeError")<{ readonly message: string }> {}

/** Serializes one item to its Responses API `input` entry (key order as Codex sends it). */
export const toResponsesInput = (item: ConversationItem): Either.Either<Record<string, unknown>, ItemEncodeError> => {
  switch (item._tag) {
    case "UserMessage":
      return Either.right({
        type: "message",
        role: "user",
        content: [
          ...(item.images ?? []).map((url) => ({ type: "input_image", image_url: url })),
          { type: "input_text", text: item.text }
        ]
      })
    case "AssistantMessage":
      return Either.right({ type: "message", role: "assistant", content: [{ type: "output_text", text: item.text }] })
    case "ContextMessage":
      if (item.contentItems !== undefined) {
        return Either.right({ type: "message", role: item.role, content: item.contentItems })
      }
      if (item.text !== undefined) {
        return Either.right({ type: "message", role: item.role, content: [{ type: "input_text", text: item.text }] })
      }
      return Either.left(new ItemEncodeError({ message: "ContextMessage requires `text` or `content_items`" }))
    case "ToolCall":
      return Either.right(
        item.toolType === "custom"
          ? { type: "custom_tool_call", name: item.name, input: argumentsText(item.arguments), call_id: item.callId }
          : { type: "function_call", name: item.name, arguments: compactJson(item.arguments), call_id: item.callId }
      )
    case "ReasoningItem":
      return Either.right(structuredClone(item.payload))
    case "ToolResult": {
      const entry: Record<string, unknown> = {
        type: item.toolType === "custom" ? "custom_tool_call_output" : "function_call_output",
        call_id: item.callId,
        output: item.contentItems !== undefined
          ? item.contentItems
          : typeof item.output === "string"
          ? item.output
          : compactJson(item.output)
      }
      if (item.success !== undefined) entry.success = item.success
      if (item.toolType === "custom") entry.name = item.name
      return Either.right(entry)
    }
  }
}

/** Like `toResponsesInput` for items that always encode (everything but an empty ContextMessage). */
export const toResponsesInputUnsafe = (item: ConversationItem): Record<string, unknown> =>
  Either.getOrThrow(toResponsesInput(item))

const argumentsText = (args: unknown): string => (typeof args === "string" ? args : compactJson(args))

/** The text a person or a summary sees for a tool result. */
export const toolResultText = (result: ToolResult): string => {
  if (result.contentItems !== undefined) {
    const texts = result.contentItems.flatMap((c) =>
      c.type === "input_text" && typeof c.text === "string" ? [c.text] : []
    )
    if (texts.length > 0) return texts.join("\n")
  }
  return typeof result.output === "string" ? result.output : spacedJson(result.output)
}

// ---------------------------------------------------------------------------
// Responses JSON (stored history, rollouts) -> items

/**
 * Reads a stored Responses item (as written in a rollout `response_item` or sent as `input`) back
 * into a conversation item. Returns `undefined` for entries that are not part of the history
 * (developer/system messages, provider-only items such as `web_search_call`).
 */
export const fromResponsesItem = (entry: Record<string, unknown>): ConversationItem | undefined => {
  switch (entry.type) {
    case "message": {
      const text = contentText(entry.content)
      if (entry.role === "user") return userMessage(text)
      if (entry.role === "assistant") return assistantMessage(text)
      return undefined
    }
    case "reasoning":
      return reasoningItem(structuredClone(entry))
    case "function_call": {
      const raw = typeof entry.arguments === "string" ? entry.arguments : compactJson(entry.arguments ?? {})
      let args: unknown = raw
      try {
        args = raw.trim() === "" ? {} : JSON.parse(raw)
      } catch {
        args = raw
      }
      return toolCall(String(entry.call_id ?? ""), String(entry.name ?? ""), args, "function")
    }
    case "custom_tool_call":
      return toolCall(String(entry.call_id ?? ""), String(entry.name ?? ""), String(entry.input ?? ""), "custom")
    case "function_call_output":
    case "custom_tool_call_output": {
      const output = entry.output
      const isList = Array.isArray(output)
      return toolResult({
        callId: String(entry.call_id ?? ""),
        name: typeof entry.name === "string" ? entry.name : "",
        output: isList ? "" : output,
        ...(isList ? { contentItems: output as ReadonlyArray<Record<string, unknown>> } : {}),
        ...(typeof entry.success === "boolean" ? { success: entry.success } : {}),
        toolType: entry.type === "custom_tool_call_output" ? "custom" : "function"
      })
    }
    default:
      return undefined
  }
}

const contentText = (content: unknown): string => {
  if (typeof content === "string") return content
  if (!Array.isArray(content)) return ""
  return content
    .flatMap((part) =>
      part !== null && typeof part === "object" && typeof (part as { text?: unknown }).text === "string"
        ? [(part as { text: string }).text]
        : []
    )
    .join("")
}

// ---------------------------------------------------------------------------
// items -> the in-memory JSON shape printed by `--json`

/** The item as `--json` prints it (field names of the reference's in-memory values). */
export const toResultJson = (item: ConversationItem): Record<string, unknown> => {
  switch (item._tag) {
    case "UserMessage":
      return { text: item.text, role: "user" }
    case "AssistantMessage":
      return { text: item.text, role: "assistant" }
    case "ContextMessage":
      return { text: item.text ?? null, role: item.role, content_items: item.contentItems ?? null }
    case "ToolCall":
      return { call_id: item.callId, name: item.name, arguments: item.arguments, tool_type: item.toolType, kind: "tool_call" }
    case "ReasoningItem":
      return { payload: item.payload, kind: "reasoning" }
    case "ToolResult":
      return {
        call_id: item.callId,
        name: item.name,
        output: item.output,
        content_items: item.contentItems ?? null,
        success: item.success ?? null,
        is_error: item.isError,
        tool_type: item.toolType,
        kind: "tool_result"
      }
  }
}
