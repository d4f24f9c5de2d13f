/** MessagesWire: Schemas of the Messages API request the compatibility server sends downstream. */
import { Schema } from "effect"

const JsonObject = Schema.Record({ key: Schema.String, value: Schema.Unknown })

// ---------------------------------------------------------------------------
// content blocks

export const TextBlock = Schema.Struct({ type: Schema.Literal("text"), text: Schema.String })
export type TextBlock = typeof TextBlock.Type

/** Replayed reasoning; the backends this targets accept it without a signature. */
export const ThinkingBlock = Schema.Struct({ type: Schema.Literal("thinking"), thinking: Schema.String })
export type ThinkingBlock = typeof ThinkingBlock.Type

export const ToolUseBlock = Schema.Struct({
  type: Schema.Literal("tool_use"),
  id: Schema.String,
  name: Schema.String,
  input: JsonObject
})
export type ToolUseBlock = typeof ToolUseBlock.Type

export const ToolResultBlock = Schema.Struct({
  type: Schema.Literal("tool_result"),
  tool_use_id: Schema.String,
  content: Schema.String
})
export type ToolResultBlock = typeof ToolResultBlock.Type

// ---------------------------------------------------------------------------
// messages

/** A user turn: text, or exactly one tool result. */
export const MessagesUserMessage = Schema.Struct({
  role: Schema.Literal("user"),
  content: Schema.Array(Schema.Union(TextBlock, ToolResultBlock))
})
export type MessagesUserMessage = typeof MessagesUserMessage.Type

/** An assistant turn: thinking, then text, then tool uses. */
export const MessagesAssistantMessage = Schema.Struct({
  role: Schema.Literal("assistant"),
  content: Schema.Array(Schema.Union(ThinkingBlock, TextBlock, ToolUseBlock))
})
export type MessagesAssistantMessage = typeof MessagesAssistantMessage.Type

export const MessagesMessage = Schema.Union(MessagesUserMessage, MessagesAssistantMessage)
export type MessagesMessage = typeof MessagesMessage.Type

// ---------------------------------------------------------------------------
// tools

export const MessagesTool = Schema.Struct({
  name: Schema.String,
  description: Schema.String,
  input_schema: JsonObject
})
export type MessagesTool = typeof MessagesTool.Type

/** `tool_choice`; `disable_parallel_tool_use` appears only when parallel calls are turned off. */
export const MessagesToolChoice = Schema.Union(
  Schema.Struct({ type: Schema.Literal("auto", "any"), disable_parallel_tool_use: Schema.optional(Schema.Literal(true)) }),
  Schema.Struct({
    type: Schema.Literal("tool"),
    name: Schema.String,
    disable_parallel_tool_use: Schema.optional(Schema.Literal(true))
  })
)
export type MessagesToolChoice = typeof MessagesToolChoice.Type

// ---------------------------------------------------------------------------
// request

/** The `POST /messages` body, keys in the order they are sent. */
export const MessagesRequest = Schema.Struct({
  model: Schema.String,
  messages: Schema.Array(MessagesMessage),
  max_tokens: Schema.Number,
  stream: Schema.Boolean,
  return_token_ids: Schema.optional(Schema.Boolean),
  system: Schema.optional(Schema.Array(TextBlock)),
  tools: Schema.optional(Schema.Array(MessagesTool)),
  tool_choice: Schema.optional(MessagesToolChoice)
})
export type MessagesRequest = typeof MessagesRequest.Type
