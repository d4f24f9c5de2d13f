import { describe, expect, it } from "@effect/vitest"
import { compactHistory, pruneOldestToolResult, summaryLine, truncateToTokens } from "../../src/agent/Compaction.js"
import { assistantMessage, toolCall, toolResult, userMessage } from "../../src/protocol/Items.js"

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
