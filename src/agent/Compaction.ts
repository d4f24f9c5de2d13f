/** Compaction: pure rules for rebuilding a history from a summary transcript, pruning old tool output and reading context-length errors. */
import { isContextLengthText } from "../model/ContextLength.js"
import type { ConversationItem } from "../protocol/Items.js"
import { userMessage } from "../protocol/Items.js"

// The provider texts are read in one place, next to the model client that classifies them; the
// compaction rules use the same readers.
export { contextLengthUsage, contextLimit, type ContextLengthUsage, isContextLengthText } from "../model/ContextLength.js"

/**
 * True when a failed request means "the prompt is too long": the client classified it so (also
 * from an error code whose text does not say it), or its text says so.
 */
export const isContextLengthError = (error: { readonly _tag: string; readonly message: string }): boolean =>
  error._tag === "ContextLengthExceeded" || isContextLengthText(error.message)

/** Budget for the user messages kept across a compaction. */
export const COMPACT_USER_MESSAGE_MAX_TOKENS = 20_000

const SUBAGENT_NOTIFICATION = "<subagent_notification>\n"

/** Rough token count of a text: a quarter of its characters, at least 1 for non-empty text. */
export const approxTokens = (text: string): number => {
  const chars = [...text].length
  return chars === 0 ? 0 : Math.max(1, Math.ceil(chars / 4))
}

/** Cuts a text to about `tokens` tokens, saying how many were dropped. */
export const truncateToTokens = (text: string, tokens: number): string => {
  const chars = [...text]
  const maxChars = 4 * tokens
  if (chars.length <= maxChars) return text
  const removed = approxTokens(chars.slice(maxChars).join(""))
  const suffix = `\n...[${removed} tokens truncated]...`
  const available = maxChars - [...suffix].length
  return available <= 0 ? suffix.slice(1) : chars.slice(0, available).join("").trimEnd() + suffix
}

const normalize = (text: string): string =>
  text.trim().split(/\r\n|\r|\n/).map((line) => line.trimEnd()).join("\n").trim()

export interface CompactTexts {
  /** The instruction sent as the last user message of a compaction request. */
  readonly compactPrompt: string
  /** The line that opens every summary message. */
  readonly summaryPrefix: string
}

/**
 * The texts a compaction uses: `compact_prompt` from config.toml replaces our instruction unless
 * it is blank; the summary prefix is always ours.
 */
export const resolveTexts = (ours: CompactTexts, configuredPrompt?: string): CompactTexts =>
  configuredPrompt === undefined || configuredPrompt.trim() === "" ? ours : { ...ours, compactPrompt: configuredPrompt }

/** True for a user message that is a compaction summary. */
export const isSummary = (text: string, texts: CompactTexts): boolean => text.startsWith(texts.summaryPrefix + "\n")

/**
 * The history after a compaction: the user messages worth keeping (newest first within the
 * budget, then back in order), followed by the summary as a user message.
 */
export const compactHistory = (
  transcript: ReadonlyArray<ConversationItem>,
  texts: CompactTexts,
  budget: number = COMPACT_USER_MESSAGE_MAX_TOKENS
): ReadonlyArray<ConversationItem> => {
  let summary: string | undefined
  for (let i = transcript.length - 1; i >= 0 && summary === undefined; i--) {
    const item = transcript[i]!
    if (item._tag === "AssistantMessage") summary = item.text.trim()
  }
  const summaryText = `${texts.summaryPrefix}\n${summary === undefined || summary === "" ? "(no summary available)" : summary}`
  const instruction = normalize(texts.compactPrompt)
  const retained = transcript.flatMap((item) =>
    item._tag === "UserMessage" &&
      !isSummary(item.text, texts) &&
      normalize(item.text) !== instruction &&
      !item.text.startsWith(SUBAGENT_NOTIFICATION)
      ? [item.text]
      : []
  )
  const kept: Array<string> = []
  let remaining = budget
  for (let i = retained.length - 1; i >= 0 && remaining > 0; i--) {
    const text = retained[i]!
    const cost = approxTokens(text)
    if (cost <= remaining) {
      kept.push(text)
      remaining -= cost
    } else {
      kept.push(truncateToTokens(text, remaining))
      break
    }
  }
  return [...kept.reverse().map(userMessage), userMessage(summaryText)]
}

/** Removes the oldest tool result and the call it answers; `undefined` when there is none. */
export const pruneOldestToolResult = (
  history: ReadonlyArray<ConversationItem>
): ReadonlyArray<ConversationItem> | undefined => {
  const resultIndex = history.findIndex((item) => item._tag === "ToolResult")
  if (resultIndex === -1) return undefined
  const result = history[resultIndex]!
  const callId = result._tag === "ToolResult" ? result.callId : ""
  const callIndex = history.findIndex((item, i) => i < resultIndex && item._tag === "ToolCall" && item.callId === callId)
  return history.filter((_, i) => i !== resultIndex && i !== callIndex)
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

/** `compact(5 items) -> 2 items + [summary] (dropped 1 old tool response)` */
export const summaryLine = (originalItemCount: number, retainedItemCount: number, prunedToolResults: number): string =>
  `compact(${plural(originalItemCount, "item", "items")}) -> ${plural(retainedItemCount, "item", "items")} + [summary]` +
  (prunedToolResults > 0 ? ` (dropped ${plural(prunedToolResults, "old tool response", "old tool responses")})` : "")
