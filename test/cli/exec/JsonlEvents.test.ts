/** Tests of JsonlEvents: JsonlEvents. */
import { describe, expect, it } from "@effect/vitest"
import { AgentEvent } from "../../../src/protocol/AgentEvent.js"
import type { ToolCall, ToolResult } from "../../../src/protocol/Items.js"
import * as HumanProgress from "../../../src/cli/progress/HumanProgress.js"
import * as JsonlEvents from "../../../src/cli/exec/JsonlEvents.js"

const call = (callId: string, name: string, args: unknown): ToolCall =>
  ({ _tag: "ToolCall", callId, name, arguments: args, toolType: "function" }) as ToolCall
const result = (callId: string, name: string, output: string, isError = false): ToolResult =>
  ({ _tag: "ToolResult", callId, name, output, isError, toolType: "function" }) as ToolResult
const started = (c: ToolCall) => AgentEvent.tool_started({ turnId: "t", toolName: c.name, callId: c.callId, call: c })
const completed = (c: ToolCall, r: ToolResult) =>
  AgentEvent.tool_completed({ turnId: "t", toolName: c.name, callId: c.callId, call: c, result: r, isError: r.isError })
const plan = (id: string, steps: ReadonlyArray<readonly [string, string]>) =>
  call(id, "update_plan", { plan: steps.map(([step, status]) => ({ step, status })) })

describe("JsonlEvents", () => {
  it("a plan is one todo_list item: started, updated, completed with the turn", () => {
    const mapper = JsonlEvents.make({ cwd: "/w", shell: "/bin/bash" })
    const out = [
      AgentEvent.turn_started({ turnId: "t", userText: "x", userTexts: ["x"] }),
      started(plan("p1", [["read", "in_progress"], ["write", "pending"]])),
      started(plan("p2", [["read", "completed"], ["write", "in_progress"]])),
      AgentEvent.turn_completed({ turnId: "t", iteration: 1, outputText: "ok" })
    ].flatMap(mapper.onEvent)
    expect(out).toEqual([
      { type: "turn.started" },
      { type: "item.started", item: { id: "item_0", type: "todo_list", items: [{ text: "read", completed: false }, { text: "write", completed: false }] } },
      { type: "item.updated", item: { id: "item_0", type: "todo_list", items: [{ text: "read", completed: true }, { text: "write", completed: false }] } },
      { type: "item.completed", item: { id: "item_0", type: "todo_list", items: [{ text: "read", completed: true }, { text: "write", completed: false }] } },
      { type: "turn.completed", usage: { input_tokens: 0, cached_input_tokens: 0, cache_write_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0 } }
    ])
  })

  it("a command still running after its call completes when write_stdin sees it exit", () => {
    const mapper = JsonlEvents.make({ cwd: "/w", shell: "/bin/zsh" })
    const exec = call("c1", "exec_command", { cmd: "sleep 1; echo up" })
    const poll = call("c2", "write_stdin", { session_id: 7, chars: "" })
    const out = [
      started(exec),
      completed(exec, result("c1", "exec_command", "Command: /bin/zsh -lc 'sleep 1; echo up'\nWall time: 0.2 seconds\nProcess running with session ID 7\nOutput:\n")),
      started(poll),
      completed(poll, result("c2", "write_stdin", "Wall time: 1.0 seconds\nProcess exited with code 0\nOutput:\nup\n"))
    ].flatMap(mapper.onEvent)
    expect(out).toEqual([
      { type: "item.started", item: { id: "item_0", type: "command_execution", command: "/bin/zsh -lc 'sleep 1; echo up'", aggregated_output: "", exit_code: null, status: "in_progress" } },
      { type: "item.completed", item: { id: "item_0", type: "command_execution", command: "/bin/zsh -lc 'sleep 1; echo up'", aggregated_output: "up\n", exit_code: 0, status: "completed" } }
    ])
  })

  it("reconnects are error items; an interrupted turn fails", () => {
    const mapper = JsonlEvents.make({ cwd: "/w", shell: "/bin/bash" })
    const out = [
      AgentEvent.stream_error({ turnId: "t", message: "Reconnecting... 1/5", attempt: 1, maxRetries: 5, delaySeconds: 0.2, error: "x" } as never),
      AgentEvent.turn_interrupted({ turnId: "t", iteration: 1 })
    ].flatMap(mapper.onEvent)
    expect(out).toEqual([
      { type: "item.completed", item: { id: "item_0", type: "error", message: "Reconnecting... 1/5" } },
      { type: "error", message: "turn interrupted" },
      { type: "turn.failed", error: { message: "turn interrupted" } }
    ])
  })
})

describe("HumanProgress", () => {
  it("colours only when asked or on a terminal without NO_COLOR", () => {
    expect(HumanProgress.useColor("auto", true, undefined)).toBe(true)
    expect(HumanProgress.useColor("auto", true, "1")).toBe(false)
    expect(HumanProgress.useColor("auto", false, undefined)).toBe(false)
    expect(HumanProgress.useColor("never", true, undefined)).toBe(false)
    expect(HumanProgress.useColor("always", false, "1")).toBe(true)
  })

  it("shows a plan as a checklist, an update patch as a coloured diff, and long output cut to 20 lines", () => {
    const view = HumanProgress.make({ cwd: "/w", shell: "/bin/bash", color: true })
    const p = plan("p", [["read", "completed"], ["write", "in_progress"], ["test", "pending"]])
    expect(view.onEvent(completed(p, result("p", "update_plan", "Plan updated")))).toEqual([
      "\x1b[35mplan\x1b[0m\n  [x] read\n  [>] write\n  [ ] test"
    ])
    const patch = call("a", "apply_patch", "*** Begin Patch\n*** Update File: src/a.ts\n@@\n-old\n+new\n*** End Patch\n")
    const [diff] = view.onEvent(completed(patch, result("a", "apply_patch", "Success.")))
    expect(diff).toContain("\x1b[31m-old\x1b[0m\n\x1b[32m+new\x1b[0m")
    expect(diff).toContain("--- a/src/a.ts\n+++ b/src/a.ts")
    const many = Array.from({ length: 25 }, (_, i) => `line ${i}`).join("\n")
    expect(HumanProgress.outputHead(many)).toHaveLength(21)
    expect(HumanProgress.outputHead(many).at(-1)).toBe("... +5 lines")
  })
})
