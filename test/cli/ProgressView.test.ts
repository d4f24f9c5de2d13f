/** Tests of ProgressView: ProgressView. */
import { describe, expect, it } from "@effect/vitest"
import { formatProgress, formatToolLine, truncate } from "../../src/cli/progress/ProgressView.js"
import { AgentEvent } from "../../src/protocol/AgentEvent.js"
import { toolCall, toolResult } from "../../src/protocol/Items.js"

describe("ProgressView", () => {
  it("summarizes an exec_command call by its command and first output line", () => {
    const call = toolCall("c1", "exec_command", { cmd: "pwd && ls -la" })
    const result = toolResult({
      callId: "c1",
      name: "exec_command",
      output: "Command: /bin/bash -lc 'pwd'\nChunk ID: 1\nWall time: 0.01 seconds\nProcess exited with code 0\nOutput:\n/data/codex-python\n"
    })
    expect(formatToolLine(call, result)).toBe("[exec] pwd && ls -la -> /data/codex-python")
  })

  it("marks failed tools as errors", () => {
    const call = toolCall("c2", "nope", {})
    const result = toolResult({ callId: "c2", name: "nope", output: { error: "unknown tool: nope" }, isError: true })
    expect(formatToolLine(call, result)).toBe('[error] nope failed: {"error":"unknown tool: nope"}')
  })

  it("prints status lines for retries and compaction", () => {
    expect(formatProgress(AgentEvent.stream_error({
      turnId: "t",
      message: "Reconnecting... 1/5",
      attempt: 1,
      maxRetries: 5,
      delaySeconds: 0.2,
      error: "x"
    }))).toBe("[status] Reconnecting... 1/5")
    // A 429's wait is the server's: it is shown.
    expect(formatProgress(AgentEvent.stream_error({
      turnId: "t",
      message: "Reconnecting... 2/5",
      attempt: 2,
      maxRetries: 5,
      delaySeconds: 1.5,
      error: "responses request failed with status 429: slow down",
      rateLimited: true
    }))).toBe("[status] Reconnecting... 2/5 in 1.5s")
    expect(formatProgress(AgentEvent.auto_compact_started({ turnId: "t", phase: "pre_turn", totalTokens: 90, tokenLimit: 100 })))
      .toBe("[status] auto-compact: 90/100 tokens")
    expect(formatProgress(AgentEvent.auto_compact_completed({
      turnId: "t",
      phase: "pre_turn",
      originalItemCount: 4,
      retainedItemCount: 2,
      summary: "compact(4 items) -> 2 items + [summary]"
    }))).toBe("[status] compact(4 items) -> 2 items + [summary]")
    expect(formatProgress(AgentEvent.model_called({ turnId: "t", iteration: 1, historySize: 1, toolCount: 0 }))).toBeUndefined()
  })

  it("truncates on code points with an ellipsis", () => {
    expect(truncate("a   b", 10)).toBe("a b")
    expect(truncate("héllo wörld again", 10)).toBe("héllo w...")
  })
})
