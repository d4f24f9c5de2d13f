/** Pure compaction rules: context-length texts, history rebuilding, token budget, pruning and display text. */
import { describe, expect, it } from "@effect/vitest"
import {
  approxTokens,
  COMPACT_USER_MESSAGE_MAX_TOKENS,
  compactHistory,
  contextLengthUsage,
  contextLimit,
  isContextLengthError,
  isContextLengthText,
  pruneOldestToolResult,
  resolveTexts,
  summaryLine,
  truncateToTokens
} from "../../src/agent/Compaction.js"
import { ApiError, ContextLengthExceeded, RetryableStreamError } from "../../src/model/ModelError.js"
import { assistantMessage, reasoningItem, toolCall, toolResult, userMessage } from "../../src/protocol/Items.js"

const texts = { compactPrompt: "Please write a CONTEXT CHECKPOINT COMPACTION summary.\nKeep it short.", summaryPrefix: "PREFIX" }
const texts_ = (items: ReturnType<typeof compactHistory>) => items.map((i) => (i._tag === "UserMessage" ? i.text : i._tag))

describe("compactHistory", () => {
  it("keeps user messages and appends the summary as a user message", () => {
    const result = compactHistory(
      [
        userMessage("first user"),
        assistantMessage("first assistant"),
        userMessage("second user"),
        userMessage(texts.compactPrompt),
        assistantMessage("checkpoint summary")
      ],
      texts
    )
    expect(texts_(result)).toEqual(["first user", "second user", "PREFIX\ncheckpoint summary"])
  })

  it("replaces a previous summary instead of stacking it, and drops the instruction even when re-spaced", () => {
    const result = compactHistory(
      [
        userMessage("real user"),
        userMessage("PREFIX\nold summary"),
        userMessage("  Please write a CONTEXT CHECKPOINT COMPACTION summary.   \nKeep it short.  \n"),
        assistantMessage("new summary")
      ],
      texts
    )
    expect(texts_(result)).toEqual(["real user", "PREFIX\nnew summary"])
  })

  it("drops sub-agent notifications", () => {
    const result = compactHistory(
      [
        userMessage("real user"),
        userMessage('<subagent_notification>\n{"agent_id":"agent_1","status":{"completed":"done"}}\n</subagent_notification>'),
        assistantMessage("new summary")
      ],
      texts
    )
    expect(texts_(result)).toEqual(["real user", "PREFIX\nnew summary"])
  })

  it("says when there is no summary", () => {
    expect(texts_(compactHistory([userMessage("hi"), assistantMessage("  ")], texts))).toEqual(["hi", "PREFIX\n(no summary available)"])
  })

  it("keeps the newest messages within the token budget and truncates the one that overflows", () => {
    const result = compactHistory(
      [userMessage("x".repeat(40)), userMessage("y".repeat(30)), userMessage("z".repeat(20)), assistantMessage("s")],
      texts,
      15
    )
    expect(texts_(result)).toEqual(["...[8 tokens truncated]...", "y".repeat(30), "z".repeat(20), "PREFIX\ns"])
  })
})

describe("truncateToTokens", () => {
  it("cuts to four characters a token and reports what was dropped", () => {
    expect(truncateToTokens("x".repeat(400), 12)).toBe("x".repeat(20) + "\n...[88 tokens truncated]...")
    expect(truncateToTokens("word ".repeat(20), 10)).toBe("word word wo\n...[15 tokens truncated]...")
  })
})

describe("pruneOldestToolResult", () => {
  it("removes the oldest result and its call, keeping everything else", () => {
    const pruned = pruneOldestToolResult([
      userMessage("first"),
      toolCall("call_1", "echo", {}),
      toolResult({ callId: "call_1", name: "echo", output: "old large output" }),
      assistantMessage("after first"),
      toolCall("call_2", "echo", {}),
      toolResult({ callId: "call_2", name: "echo", output: "new output" })
    ])
    expect(pruned?.map((i) => i._tag)).toEqual(["UserMessage", "AssistantMessage", "ToolCall", "ToolResult"])
    expect(pruned?.flatMap((i) => (i._tag === "ToolCall" || i._tag === "ToolResult" ? [i.callId] : []))).toEqual(["call_2", "call_2"])
  })

  it("returns undefined when there is nothing to drop", () => {
    expect(pruneOldestToolResult([userMessage("a"), assistantMessage("b")])).toBeUndefined()
  })
})

describe("summaryLine", () => {
  it("uses the singular only for exactly one", () => {
    expect(summaryLine(1, 1, 0)).toBe("compact(1 item) -> 1 item + [summary]")
    expect(summaryLine(2, 1, 0)).toBe("compact(2 items) -> 1 item + [summary]")
    expect(summaryLine(5, 2, 1)).toBe("compact(5 items) -> 2 items + [summary] (dropped 1 old tool response)")
    expect(summaryLine(0, 0, 2)).toBe("compact(0 items) -> 0 items + [summary] (dropped 2 old tool responses)")
  })
})

const RESPONSES_STYLE =
  'responses_server.stream_router.OutcommingChatError: outcomming chat request failed with status 400: {"error":{"message":"This model\'s maximum context length is 262144 tokens. However, you requested 264568 tokens (264568 in the messages, 0 in the completion). Please reduce the length of the messages or completion.","type":"context_length_exceeded"}}'
const CHAT_STYLE =
  "This model's maximum context length is 20000 tokens. However, you requested 30000 tokens (29990 in the messages, 10 in the completion). Please reduce the length of the messages or completion."

describe("context-length texts", () => {
  it("reads usage (keys in order) and the limit from the recorded provider error", () => {
    const usage = contextLengthUsage(RESPONSES_STYLE)
    expect(usage).toEqual({ total_tokens: 264568, input_tokens: 264568, output_tokens: 0 })
    expect(Object.keys(usage!)).toEqual(["total_tokens", "input_tokens", "output_tokens"])
    expect(contextLimit(RESPONSES_STYLE)).toBe(262144)
  })

  it("reads a chat-completions style text with no error code around it", () => {
    expect(isContextLengthText(CHAT_STYLE)).toBe(true)
    expect(contextLengthUsage(CHAT_STYLE)).toEqual({ total_tokens: 30000, input_tokens: 29990, output_tokens: 10 })
    expect(contextLimit(CHAT_STYLE)).toBe(20000)
  })

  it("drops thousands separators and leaves out output tokens when the text has no split", () => {
    const text = "maximum context length is 8,192 tokens, you requested 9,001 tokens"
    const usage = contextLengthUsage(text)
    expect(usage).toEqual({ total_tokens: 9001, input_tokens: 9001 })
    expect(usage).not.toHaveProperty("output_tokens")
    expect(contextLimit(text)).toBe(8192)
  })

  it("recognises a context-length text without a size, but reports no usage for it", () => {
    expect(isContextLengthText("context_length_exceeded: prompt too long")).toBe(true)
    expect(contextLengthUsage("context_length_exceeded: prompt too long")).toBeUndefined()
    expect(contextLimit("context_length_exceeded: prompt too long")).toBeUndefined()
  })

  it("needs a marker phrase before reading a size", () => {
    expect(isContextLengthText("Requested 10 tokens")).toBe(false)
    expect(contextLengthUsage("Requested 10 tokens")).toBeUndefined()
    expect(isContextLengthText("Your input exceeds the context window of this model.")).toBe(false)
  })

  it("matches without regard to case", () => {
    const text = "Error CONTEXT_LENGTH_EXCEEDED: REQUESTED 5 TOKENS (3 IN THE MESSAGES, 2 IN THE COMPLETION)"
    expect(contextLengthUsage(text)).toEqual({ total_tokens: 5, input_tokens: 3, output_tokens: 2 })
    expect(contextLimit(text)).toBeUndefined()
    expect(contextLimit("The MAXIMUM Context Length IS 1,000 Tokens")).toBe(1000)
  })

  it("treats a failure as too long when the client classified it so or its text says so", () => {
    // a Responses-style failure classified by its error code, whose text does not say why
    expect(isContextLengthError(new ContextLengthExceeded({ message: "Your input exceeds the context window of this model." }))).toBe(true)
    expect(isContextLengthError(new ApiError({ message: `status 400: ${CHAT_STYLE}`, status: 400 }))).toBe(true)
    expect(isContextLengthError(new RetryableStreamError({ message: "stream closed before response.completed" }))).toBe(false)
    expect(isContextLengthError(new ApiError({ message: "bad request", status: 400 }))).toBe(false)
  })
})

describe("compaction texts", () => {
  const ours = { compactPrompt: "ours: CONTEXT CHECKPOINT COMPACTION", summaryPrefix: "PREFIX" }

  it("uses compact_prompt from config.toml in place of ours, keeping our prefix", () => {
    expect(resolveTexts(ours, "theirs")).toEqual({ compactPrompt: "theirs", summaryPrefix: "PREFIX" })
  })

  it("ignores a missing or blank compact_prompt", () => {
    expect(resolveTexts(ours)).toEqual(ours)
    expect(resolveTexts(ours, "  \n ")).toEqual(ours)
  })
})

describe("compactHistory, more cases", () => {
  it("falls back to an older assistant message when the response has none", () => {
    const result = compactHistory([userMessage("u"), assistantMessage("older answer"), userMessage(texts.compactPrompt), reasoningItem({ type: "reasoning", id: "r1", summary: [] })], texts)
    expect(texts_(result)).toEqual(["u", "PREFIX\nolder answer"])
  })

  it("says there is no summary when nobody answered, and strips the summary text", () => {
    expect(texts_(compactHistory([userMessage("u")], texts))).toEqual(["u", "PREFIX\n(no summary available)"])
    expect(texts_(compactHistory([userMessage("u"), assistantMessage("\n  the summary \n")], texts))).toEqual(["u", "PREFIX\nthe summary"])
  })

  it("keeps duplicates and drops every tool item, reasoning and assistant message", () => {
    const result = compactHistory(
      [
        userMessage("same"),
        reasoningItem({ type: "reasoning", id: "r1", summary: [] }),
        toolCall("c1", "echo", { text: "x" }),
        toolResult({ callId: "c1", name: "echo", output: "x" }),
        assistantMessage("a"),
        userMessage("same"),
        assistantMessage("summary")
      ],
      texts
    )
    expect(result.every((item) => item._tag === "UserMessage")).toBe(true)
    expect(texts_(result)).toEqual(["same", "same", "PREFIX\nsummary"])
  })

  it("does not take a user message that merely starts with the prefix text for a summary", () => {
    const result = compactHistory([userMessage("PREFIX and more"), assistantMessage("s")], texts)
    expect(texts_(result)).toEqual(["PREFIX and more", "PREFIX\ns"])
  })

  it("truncates the oldest kept message to the tokens left", () => {
    const result = compactHistory([userMessage("x".repeat(400)), userMessage("y".repeat(30)), userMessage("z".repeat(20)), assistantMessage("s")], texts, 25)
    expect(texts_(result)).toEqual(["x".repeat(20) + "\n...[88 tokens truncated]...", "y".repeat(30), "z".repeat(20), "PREFIX\ns"])
  })

  it("stops at the budget: older messages are dropped once it is used up exactly", () => {
    const result = compactHistory([userMessage("old"), userMessage("a".repeat(40)), assistantMessage("s")], texts, 10)
    expect(texts_(result)).toEqual(["a".repeat(40), "PREFIX\ns"])
  })

  it("has a 20,000-token default budget", () => {
    expect(COMPACT_USER_MESSAGE_MAX_TOKENS).toBe(20_000)
    const big = "b".repeat(4 * 20_000)
    expect(texts_(compactHistory([userMessage("older"), userMessage(big), assistantMessage("s")], texts))).toEqual([big, "PREFIX\ns"])
  })
})

describe("approxTokens and truncateToTokens", () => {
  it("counts a quarter of the characters, rounded up, and nothing for empty text", () => {
    expect(approxTokens("")).toBe(0)
    expect(approxTokens("a")).toBe(1)
    expect(approxTokens("abcd")).toBe(1)
    expect(approxTokens("abcde")).toBe(2)
    // characters, not UTF-16 units
    expect(approxTokens("😀😀😀😀")).toBe(1)
  })

  it("returns text that fits unchanged and only the marker when the marker itself does not fit", () => {
    expect(truncateToTokens("short", 10)).toBe("short")
    expect(truncateToTokens("x".repeat(40), 2)).toBe("...[8 tokens truncated]...")
  })
})
