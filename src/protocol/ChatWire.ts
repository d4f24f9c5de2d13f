/** ChatWire: Schemas of the Chat Completions request the compatibility server sends downstream. */
import { Schema } from "effect"

const JsonObject = Schema.Record({ key: Schema.String, value: Schema.Unknown })

// ---------------------------------------------------------------------------
// messages

/** One call the assistant made, as replayed in history. */
export const ChatToolCall = Schema.Struct({
  id: Schema.String,
  type: Schema.Literal("function"),
  function: Schema.Struct({ name: Schema.String, arguments: Schema.String })
})
export type ChatToolCall = typeof ChatToolCall.Type

/** A developer, system or user message: plain text content. */
export const ChatTextMessage = Schema.Struct({
  role: Schema.Literal("developer", "system", "user"),
  content: Schema.String
})
export type ChatTextMessage = typeof ChatTextMessage.Type

/**
 * An assistant message. Keys appear in the order they were first set while
 * consecutive assistant-side items were folded into it; at least one is present.
 */
export const ChatAssistantMessage = Schema.Struct({
  role: Schema.Literal("assistant"),
  content: Schema.optional(Schema.String),
  reasoning: Schema.optional(Schema.String),
  tool_calls: Schema.optional(Schema.Array(ChatToolCall))
})
export type ChatAssistantMessage = typeof ChatAssistantMessage.Type

/** The output of one tool call. */
export const ChatToolMessage = Schema.Struct({
  role: Schema.Literal("tool"),
  tool_call_id: Schema.String,
  content: Schema.String
})
export type ChatToolMessage = typeof ChatToolMessage.Type

export const ChatMessage = Schema.Union(ChatTextMessage, ChatAssistantMessage, ChatToolMessage)
export type ChatMessage = typeof ChatMessage.Type

// ---------------------------------------------------------------------------
// tools

/** The `function` payload of a chat tool. */
export const ChatFunction = Schema.Struct({
  name: Schema.String,
  description: Schema.String,
  parameters: JsonObject,
  strict: Schema.Boolean
})
export type ChatFunction = typeof ChatFunction.Type

/** A function tool; the top-level `name` duplicates `function.name` (some backends look there). */
export const ChatTool = Schema.Struct({
  type: Schema.Literal("function"),
  name: Schema.String,
  function: ChatFunction
})
export type ChatTool = typeof ChatTool.Type

/** `tool_choice`: a mode string (`auto`, `none`, `required`, ...) or one named function. */
export const ChatToolChoice = Schema.Union(
  Schema.String,
  Schema.Struct({ type: Schema.Literal("function"), function: Schema.Struct({ name: Schema.String }) })
)
export type ChatToolChoice = typeof ChatToolChoice.Type

// ---------------------------------------------------------------------------
// request

/**
 * The canonical chat request, keys in the order they are sent. Provider payload
 * processors may add further keys (kept by the index signature of the encoded form).
 */
export const ChatRequest = Schema.Struct(
  {
    model: Schema.String,
    messages: Schema.Array(ChatMessage),
    stream: Schema.Boolean,
    max_tokens: Schema.optional(Schema.Number),
    stream_options: Schema.optional(Schema.Struct({ include_usage: Schema.Boolean })),
    tools: Schema.optional(Schema.Array(ChatTool)),
    tool_choice: Schema.optional(ChatToolChoice),
    parallel_tool_calls: Schema.optional(Schema.Boolean),
    return_token_ids: Schema.optional(Schema.Boolean)
  },
  { key: Schema.String, value: Schema.Unknown }
)
export type ChatRequest = typeof ChatRequest.Type

/** The mutable shape used while a request is being built. */
export type MutableChatRequest = { -readonly [K in keyof ChatRequest]: ChatRequest[K] }
