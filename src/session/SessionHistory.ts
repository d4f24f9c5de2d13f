/** SessionHistory: turns the records of a rollout back into a conversation history, its turns and a title. */
import { isTurnAbortedText } from "../protocol/AbortedCalls.js"
import * as Items from "../protocol/Items.js"
import type { ConversationItem } from "../protocol/Items.js"
import type { RolloutEntry, SessionMetaInfo } from "./RolloutRecord.js"

type JsonObject = Readonly<Record<string, unknown>>

/** What a rollout's records rebuild. */
export interface RebuiltHistory {
  /** The id in `session_meta`, when it has a non-blank one. */
  readonly sessionId: string | undefined
  readonly meta: SessionMetaInfo | undefined
  readonly history: ReadonlyArray<ConversationItem>
}

/** One exchange as shown to people: what the user said and the last answer to it. */
export interface Turn {
  readonly user: string
  readonly assistant: string
}

/** Openings of the user-role messages a client injects as context (environment, AGENTS.md, skills, ...). */
const contextualPrefixes = [
  "<environment_context>",
  "<user_instructions>",
  "# AGENTS.md instructions for ",
  "<INSTRUCTIONS>",
  "<skills_instructions>",
  "<permissions instructions>",
  "<collaboration_mode>",
  "<turn_aborted>"
]

/** True for text a client injects as context rather than something the user said. */
export const isContextualUserText = (text: string): boolean => {
  const start = text.trimStart()
  return contextualPrefixes.some((prefix) => start.startsWith(prefix))
}

/** Keys Codex adds to stored items for its own bookkeeping; they are never sent back to a model. */
const bookkeepingKeys = ["internal_chat_message_metadata_passthrough"]

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === "object" && !Array.isArray(value)

const withoutBookkeeping = (raw: JsonObject): JsonObject => {
  if (!bookkeepingKeys.some((key) => key in raw)) return raw
  const copy: Record<string, unknown> = { ...raw }
  for (const key of bookkeepingKeys) delete copy[key]
  return copy
}

/** Content kinds Codex tags injected messages with (`environments.environment_context`, ...). */
const isContextualByKind = (raw: JsonObject): boolean => {
  const metadata = raw.internal_chat_message_metadata_passthrough
  if (!isObject(metadata) || !Array.isArray(metadata.content_item_kinds)) return false
  const kinds = metadata.content_item_kinds.filter((kind): kind is string => typeof kind === "string")
  return kinds.length > 0 && kinds.every((kind) => kind.startsWith("environments.") || kind.endsWith(".instructions"))
}

/** The text of a stored user message entry (the same concatenation the item reader uses). */
const userTextOf = (raw: JsonObject): string | undefined => {
  if (raw.type !== "message" || raw.role !== "user") return undefined
  const item = Items.fromResponsesItem(raw)
  return item?._tag === "UserMessage" ? item.text : undefined
}

/** The text of a stored user message a person wrote; `undefined` for other entries and injected context. */
export const realUserText = (raw: JsonObject): string | undefined => {
  const text = userTextOf(raw)
  if (text === undefined || isContextualUserText(text) || isContextualByKind(raw)) return undefined
  return text
}

/**
 * Reads one stored Responses entry into a history item, or `undefined` when it does not belong in a history:
 * developer/system messages, injected context, user messages when `includeUser` is off, tool calls without an
 * id or name, function calls whose arguments are not a JSON object, and provider-only entries.
 * `toolNames` remembers each call's tool so its result can be named.
 */
export const itemFromStored = (
  raw: JsonObject,
  toolNames: Map<string, string>,
  includeUser: boolean
): ConversationItem | undefined => {
  if (raw.type === "message" && raw.role === "user") {
    // The note after an interrupted turn is context, but the model is meant to keep seeing it.
    const text = userTextOf(raw)
    if (text !== undefined && isTurnAbortedText(text)) return Items.userMessage(text)
    if (!includeUser || realUserText(raw) === undefined) return undefined
  }
  // a record parsed from a rollout belongs to nobody else, so its reasoning payload is kept, not cloned
  if (raw.type === "reasoning") return Items.reasoningItem(withoutBookkeeping(raw))
  const item = Items.fromResponsesItem(raw)
  if (item === undefined) return undefined
  switch (item._tag) {
    case "ReasoningItem":
      return Items.reasoningItem(withoutBookkeeping(item.payload))
    case "ToolCall": {
      if (item.callId.trim() === "" || item.name.trim() === "") return undefined
      if (item.toolType === "function" && !isObject(item.arguments)) return undefined
      toolNames.set(item.callId, item.name)
      return item
    }
    case "ToolResult": {
      if (item.callId.trim() === "") return undefined
      const name = toolNames.get(item.callId) ?? item.name
      const output = raw.output
      if (Array.isArray(output) && !output.every(isObject)) {
        return Items.toolResult({
          callId: item.callId,
          name,
          output,
          ...(item.success !== undefined ? { success: item.success } : {}),
          toolType: item.toolType
        })
      }
      return { ...item, name }
    }
    default:
      return item
  }
}

/**
 * Rebuilds the history a rollout describes.
 *
 * When the rollout has `user_message` events (pycodex, older Codex), the user's words come from those events
 * and stored user-role items are skipped, which drops injected context and avoids duplicates; nothing before
 * the first user turn is kept. Rollouts without such events (today's Codex) take user-role items instead,
 * leaving out injected context. A `compacted` record replaces everything rebuilt so far.
 */
export const rebuildHistory = (entries: ReadonlyArray<RolloutEntry>): RebuiltHistory => {
  const fromEvents = entries.some((entry) => entry._tag === "UserMessage")
  let history: Array<ConversationItem> = []
  let sawUserTurn = !fromEvents
  let toolNames = new Map<string, string>()
  let sessionId: string | undefined
  let meta: SessionMetaInfo | undefined
  for (const entry of entries) {
    switch (entry._tag) {
      case "SessionMeta": {
        meta ??= entry.meta
        const id = entry.meta.id?.trim()
        if (id !== undefined && id !== "") sessionId = id
        break
      }
      case "Compacted": {
        if (entry.replacementHistory === undefined) break
        toolNames = new Map()
        const replacement: Array<ConversationItem> = []
        for (const raw of entry.replacementHistory) {
          const item = itemFromStored(raw, toolNames, true)
          if (item !== undefined) replacement.push(item)
        }
        history = replacement
        if (fromEvents) sawUserTurn = replacement.some((item) => item._tag === "UserMessage")
        break
      }
      case "UserMessage":
        if (!fromEvents) break
        history.push(Items.userMessage(entry.message))
        sawUserTurn = true
        break
      case "ResponseItem": {
        if (!sawUserTurn) break
        const item = itemFromStored(entry.item, toolNames, !fromEvents)
        if (item !== undefined) history.push(item)
        break
      }
      default:
        break
    }
  }
  return { sessionId, meta, history }
}

/** Pairs each user message with the last assistant message after it; everything else is left out. */
export const historyToTurns = (history: ReadonlyArray<ConversationItem>): ReadonlyArray<Turn> => {
  const turns: Array<{ user: string; assistant: string }> = []
  for (const item of history) {
    if (item._tag === "UserMessage" && !isTurnAbortedText(item.text)) turns.push({ user: item.text, assistant: "" })
    else if (item._tag === "AssistantMessage" && turns.length > 0) turns[turns.length - 1]!.assistant = item.text
  }
  return turns
}

/** Collapses whitespace and cuts to `limit` characters, ending a cut text with `...`. */
export const shortenTitle = (text: string, limit = 48): string => {
  const collapsed = text.replace(/\s+/gu, " ").trim()
  const chars = Array.from(collapsed)
  if (chars.length <= limit) return collapsed
  return chars.slice(0, Math.max(0, limit - 3)).join("").trimEnd() + "..."
}

/** The title of a session: its index name, else its first user text (48 characters), else its id. */
export const sessionTitle = (
  threadName: string | undefined,
  turns: ReadonlyArray<Turn>,
  threadId: string
): string => {
  if (threadName !== undefined && threadName.trim() !== "") return threadName
  const first = turns[0]?.user
  return first !== undefined && first.trim() !== "" ? shortenTitle(first, 48) : threadId
}
