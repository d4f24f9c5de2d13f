/** `tscodex exec` web searches (--json items and stderr lines) against what Codex 0.169 printed for the same searches (test/fixtures/codex-exec/web-search). */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import * as HumanProgress from "../../../src/cli/progress/HumanProgress.js"
import * as JsonlEvents from "../../../src/cli/exec/JsonlEvents.js"
import { readItem } from "../../../src/model/responseParser.js"
import { AgentEvent } from "../../../src/protocol/AgentEvent.js"
import { assistantMessage } from "../../../src/protocol/Items.js"
import { decodeOutputItem } from "../../../src/protocol/ResponsesWire.js"

const dir = path.resolve(import.meta.dirname, "../../fixtures/codex-exec/web-search")
type Search = { readonly added: Record<string, unknown>; readonly done: Record<string, unknown> }
const runs = JSON.parse(fs.readFileSync(path.join(dir, "searches.json"), "utf8")) as ReadonlyArray<ReadonlyArray<Search>>
const codexLines = (run: number) =>
  fs.readFileSync(path.join(dir, `run-${run}.stdout.jsonl`), "utf8").split("\n").filter((line) => line !== "")

/** The agent events our stack produces for one recorded response: each finished search item, the message, the usage. */
const agentEvents = (searches: ReadonlyArray<Search>): ReadonlyArray<AgentEvent> => [
  AgentEvent.turn_started({ turnId: "t", userText: "search the weather", userTexts: ["search the weather"] }),
  ...searches.map((search) => {
    const decoded = decodeOutputItem(search.done)
    if (Either.isLeft(decoded)) throw new Error(`fixture item does not decode: ${JSON.stringify(search.done)}`)
    const seen = readItem(decoded.right).event
    if (seen?._tag !== "ToolCallSeen") throw new Error("a web_search_call item should be seen as a tool call")
    return AgentEvent.tool_called({ turnId: "t", callId: seen.callId, toolName: seen.toolName, ...(seen.webSearch !== undefined ? { webSearch: seen.webSearch } : {}) })
  }),
  AgentEvent.model_completed({ turnId: "t", iteration: 1, itemCount: 5, items: [assistantMessage("done")] }),
  AgentEvent.token_count({
    turnId: "t",
    usage: { input_tokens: 10, output_tokens: 5, total_tokens: 15, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } }
  }),
  AgentEvent.turn_completed({ turnId: "t", iteration: 1, outputText: "done" })
]

describe("exec --json web_search items", () => {
  for (const [index, searches] of runs.entries()) {
    it(`run ${index + 1}: the same lines as Codex, byte for byte, after thread.started`, () => {
      const mapper = JsonlEvents.make({ cwd: "/w", shell: "/bin/bash" })
      const ours = agentEvents(searches).flatMap(mapper.onEvent).map(JsonlEvents.formatLine)
      const codex = codexLines(index + 1)
      expect(codex[0]).toBe(JSON.stringify({ type: "thread.started", thread_id: "<uuid>" }))
      // Codex fills item.started from response.output_item.added; we learn of a search when it is
      // done, so our started item is always the empty one Codex shows for an added item without action
      const expected = codex.slice(1).map((line) => {
        const started = /^\{"type":"item\.started","item":\{"id":"(item_\d+)","type":"web_search","id":"([^"]+)",/.exec(line)
        if (started === null) return line
        const added = searches.find((s) => s.added.id === started[2])!.added
        return added.action === undefined
          ? line
          : `{"type":"item.started","item":{"id":"${started[1]}","type":"web_search","id":"${started[2]}","query":"","action":{"type":"other"}}}`
      })
      expect(ours).toEqual(expected)
    })
  }

  it("without --json, each search is a `web search:` line when it starts and one when it is done, as Codex prints", () => {
    const view = HumanProgress.make({ cwd: "/w", shell: "/bin/bash", color: false })
    const ours = agentEvents(runs[0]!).flatMap(view.onEvent).filter((line) => line.startsWith("web search:"))
    const codex = fs.readFileSync(path.join(dir, "run-1.stderr"), "utf8").split("\n").filter((line) => line.startsWith("web search:"))
    // the third search was announced with its action, so Codex's start line shows it; ours is empty
    expect(codex[4]).toBe("web search: 'rain' in https://example.com/a")
    expect(ours).toEqual([...codex.slice(0, 4), "web search: ", ...codex.slice(5)])
  })

  it("readers that keep the last duplicate key see the search id, as with Codex's lines", () => {
    const mapper = JsonlEvents.make({ cwd: "/w", shell: "/bin/bash" })
    const [started, completed] = mapper.onEvent(AgentEvent.tool_called({
      turnId: "t",
      callId: "ws_9",
      toolName: "web_search",
      webSearch: { actionType: "open_page", url: "https://example.com/" }
    })).map(JsonlEvents.formatLine)
    expect(JSON.parse(started!)).toEqual({ type: "item.started", item: { id: "ws_9", type: "web_search", query: "", action: { type: "other" } } })
    expect(JSON.parse(completed!)).toEqual({
      type: "item.completed",
      item: { id: "ws_9", type: "web_search", query: "https://example.com/", action: { type: "open_page", url: "https://example.com/" } }
    })
    expect(completed!.match(/"id":/g)).toHaveLength(2)
    // other events print as plain JSON
    const [turn] = mapper.onEvent(AgentEvent.turn_started({ turnId: "t", userText: "x", userTexts: ["x"] })).map(JsonlEvents.formatLine)
    expect(turn).toBe("{\"type\":\"turn.started\"}")
  })

  it("a local function call of another tool is not a search", () => {
    const mapper = JsonlEvents.make({ cwd: "/w", shell: "/bin/bash" })
    expect(mapper.onEvent(AgentEvent.tool_called({ turnId: "t", callId: "c1", toolName: "exec_command" }))).toEqual([])
  })
})
