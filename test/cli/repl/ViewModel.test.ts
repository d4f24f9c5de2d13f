/** Tests of ViewModel: view model. */
import { describe, expect, it } from "@effect/vitest"
import type { SubmissionEvent } from "../../../src/agent/AgentRuntime.js"
import { colorize } from "../../../src/cli/repl/Colors.js"
import { CUT_OFF, makeViewModel, type Output, type ViewModel } from "../../../src/cli/repl/ViewModel.js"
import { AgentEvent } from "../../../src/protocol/AgentEvent.js"
import { toolCall, toolResult } from "../../../src/protocol/Items.js"

const view = (contextWindow?: number) => makeViewModel({ colors: false, contextWindow })
const lines = (outputs: ReadonlyArray<Output>) => outputs.flatMap((o) => (o._tag === "Line" ? [o.text] : []))
const raws = (outputs: ReadonlyArray<Output>) => outputs.flatMap((o) => (o._tag === "Raw" ? [o.text] : []))

/** Feeds events, returning everything written. */
const feed = (model: ViewModel, ...events: ReadonlyArray<AgentEvent | SubmissionEvent>): Array<Output> =>
  events.flatMap((e) => model.handle("_tag" in e ? { event: e } : e))

const started = (text: string, turnId = "turn_1") => AgentEvent.turn_started({ turnId, userText: text, userTexts: [text] })
const called = (turnId = "turn_1") => AgentEvent.model_called({ turnId, iteration: 1, historySize: 1, toolCount: 0 })
const delta = (text: string, turnId = "turn_1") => AgentEvent.assistant_delta({ turnId, delta: text })
const completedTool = (name: string, args: unknown, output: unknown, isError = false) =>
  AgentEvent.tool_completed({
    turnId: "turn_1",
    toolName: name,
    callId: "c",
    call: toolCall("c", name, args),
    result: toolResult({ callId: "c", name, output, isError }),
    isError
  })

describe("view model", () => {
  it("renders plan, exec and agent tool lines with nicknames", () => {
    const model = view()
    const out = feed(
      model,
      completedTool("update_plan", {
        plan: [{ step: "inspect repo", status: "completed" }, { step: "collect docs", status: "in_progress" }]
      }, "Plan updated"),
      completedTool("exec_command", { cmd: "pwd && ls -la" }, "Wall time: 0.1 seconds\nOutput:\n/data/codex-python\n"),
      completedTool("spawn_agent", { message: "list tools" }, { agent_id: "019d25a7-0000-7000-8000-00000000a8c6", nickname: "Curie" }),
      completedTool("wait_agent", { ids: ["019d25a7-0000-7000-8000-00000000a8c6"] }, {
        status: { "019d25a7-0000-7000-8000-00000000a8c6": { completed: "listed tools" } }
      })
    )
    expect(lines(out)).toEqual([
      "[plan] Working on 2/2",
      "  [x] inspect repo",
      "  [>] collect docs",
      "[exec] pwd && ls -la -> /data/codex-python",
      "[agent] spawned Curie (019d25a7...a8c6)",
      "[agent] wait: Curie=completed: listed tools"
    ])
  })

  it("colors a line bold with the kind's color", () => {
    const text = colorize("[agent] spawned Curie", "agent", true)
    expect(text.startsWith("\x1b[1m\x1b[34m")).toBe(true)
    expect(text.endsWith("\x1b[0m")).toBe(true)
    expect(colorize("plain", "agent", false)).toBe("plain")
  })

  it("shows provider web searches", () => {
    const model = view()
    const out = feed(
      model,
      AgentEvent.tool_called({ turnId: "t", callId: "ws_1", toolName: "web_search", webSearch: { actionType: "search", query: "github codex", queries: ["github codex"] } }),
      AgentEvent.tool_called({ turnId: "t", callId: "ws_2", toolName: "web_search", webSearch: { actionType: "open_page", url: "http://example.com" } }),
      AgentEvent.tool_called({ turnId: "t", callId: "c", toolName: "exec_command" })
    )
    expect(lines(out)).toEqual(["[web] searched: github codex", "[web] opened: http://example.com"])
  })

  it("a failed turn drops its pending text and stops the spinner", () => {
    const model = view()
    const out = feed(model, started("hello"), AgentEvent.turn_failed({ turnId: "turn_1", iteration: 0, error: "x", errorType: "ApiError" }))
    expect(lines(out)).toEqual(["Session: hello", "user> hello"])
    expect(model.pendingSubmissions).toBe(0)
    expect(model.spinner.active).toBe(false)
  })

  it("prints retries as status lines", () => {
    const model = view()
    const out = feed(model, started("hello"), AgentEvent.stream_error({
      turnId: "turn_1", message: "Reconnecting... 1/5", attempt: 1, maxRetries: 5, delaySeconds: 0.2, error: "x"
    }))
    expect(lines(out)).toContain("[status] Reconnecting... 1/5 in 0.2s (x)")
    expect(model.spinner.label).toBe("reconnecting")
  })

  it("marks text streamed by an attempt that is retried, then shows the retried answer once", () => {
    const model = view()
    const retry = AgentEvent.stream_error({
      turnId: "turn_1", message: "Reconnecting... 1/5", attempt: 1, maxRetries: 5, delaySeconds: 0.2, error: "stream closed\ndetails"
    })
    const out = feed(model, started("hello"), called(), delta("Hel"), retry, delta("Hello world"),
      AgentEvent.turn_completed({ turnId: "turn_1", iteration: 1, outputText: "Hello world" }))
    expect(out.map((o) => o.text)).toEqual([
      "user> hello",
      "assistant> ",
      "Hel",
      CUT_OFF,
      "\n",
      "[status] Reconnecting... 1/5 in 0.2s (stream closed)",
      "assistant> ",
      "Hello world",
      "\n"
    ].filter((t) => t !== "").flatMap((t) => (t === "user> hello" ? ["Session: hello", t] : [t])))
  })

  it("drops text of a retried attempt that was only held in the prompt area", () => {
    const model = view()
    model.setInputActive(true)
    const retry = AgentEvent.stream_error({
      turnId: "turn_1", message: "Reconnecting... 1/5", attempt: 1, maxRetries: 5, delaySeconds: 1, error: "responses request failed with status 429: slow down"
    })
    const out = feed(model, started("hello"), called(), delta("Hel"), retry, delta("Hello world"),
      AgentEvent.turn_completed({ turnId: "turn_1", iteration: 1, outputText: "Hello world" }))
    expect(lines(out)).toEqual([
      "Session: hello",
      "user> hello",
      "[status] Reconnecting... 1/5 in 1s (responses request failed with status 429: slow down)",
      "assistant> Hello world"
    ])
    expect(raws(out).join("")).not.toContain("Hel")
  })

  it("keeps the spinner paused while the prompt is open", () => {
    const model = view()
    model.setInputActive(true)
    const out = feed(
      model,
      started("hello"),
      called(),
      AgentEvent.tool_started({ turnId: "turn_1", toolName: "exec_command", callId: "c", call: toolCall("c", "exec_command", { cmd: "pwd" }) }),
      completedTool("exec_command", { cmd: "pwd" }, "")
    )
    expect(lines(out)).toEqual(["Session: hello", "user> hello", "[exec] pwd"])
    expect(raws(out)).toEqual([])
    expect(model.spinner.active).toBe(true)
    expect(model.spinner.paused).toBe(true)
  })

  it("labels a running tool with its arguments", () => {
    const model = view()
    feed(model, started("hello"), AgentEvent.tool_started({
      turnId: "turn_1", toolName: "exec_command", callId: "c", call: toolCall("c", "exec_command", { cmd: "pwd" })
    }))
    expect(model.spinner.label).toBe('running exec_command({"cmd":"pwd"})')
  })

  it("puts the spinner frame above the prompt while a turn runs", () => {
    const model = view()
    model.setInputActive(true)
    feed(model, started("hello"), called())
    const prompt = model.promptText(0)
    expect(prompt).toContain("waiting model")
    expect(prompt.endsWith("\ntscodex> ")).toBe(true)
  })

  it("shows the context left in the prompt", () => {
    const fresh = view(100_000)
    expect(fresh.promptText(0)).toBe("tsco(100%)> ")
    feed(fresh, AgentEvent.token_count({ turnId: "t", usage: { total_tokens: 20_800 } }))
    expect(fresh.promptText(0)).toBe("tsco(90%)> ")
    const full = view(262_144)
    feed(full, started("hello"), AgentEvent.token_count({ turnId: "turn_1", usage: { total_tokens: 264_568 } }),
      AgentEvent.turn_failed({ turnId: "turn_1", iteration: 0, error: "x", errorType: "x" }))
    expect(full.promptText(0)).toBe("tsco(0%)> ")
    feed(full, AgentEvent.token_count({ turnId: "t", usage: null }))
    expect(full.promptText(0)).toBe("tscodex> ")
    expect(view().promptText(0)).toBe("tscodex> ")
  })

  it("prints auto-compaction status", () => {
    const model = view()
    const out = feed(
      model,
      AgentEvent.auto_compact_started({ turnId: "t", phase: "pre_turn", totalTokens: 90, tokenLimit: 100 }),
      AgentEvent.auto_compact_completed({
        turnId: "t", phase: "pre_turn", totalTokens: 90, tokenLimit: 100, originalItemCount: 4, retainedItemCount: 2,
        summary: "compact(4 items) -> 2 items + [summary]"
      })
    )
    expect(lines(out)).toEqual(["[status] auto-compact: 90/100 tokens", "[status] compact(4 items) -> 2 items + [summary]"])
  })

  it("streams into the prompt while it is open", () => {
    const model = view()
    model.setInputActive(true)
    feed(model, started("hello"), delta("hi"))
    expect(model.promptText(0)).toBe("assistant> hi\n")
    const bare = view()
    bare.setInputActive(true)
    feed(bare, delta("hi"))
    expect(bare.promptText(0)).toBe("assistant> hi\n")
  })

  it("finishes prompt-streamed text as one assistant line", () => {
    const model = view()
    model.setInputActive(true)
    feed(model, delta("hi"))
    model.setInputActive(false)
    const out = feed(model, AgentEvent.turn_completed({ turnId: "turn_1", iteration: 1, outputText: "hi" }))
    expect(lines(out)).toEqual(["assistant> hi"])
    expect(raws(out)).toEqual([])
  })

  it("hands prompt-streamed text over to raw output", () => {
    const model = view()
    model.setInputActive(true)
    feed(model, delta("hi"))
    model.setInputActive(false)
    expect(raws(model.handOff())).toEqual(["assistant> ", "hi"])
    expect(model.streaming).toBe(true)
    expect(model.streamingInPrompt).toBe(false)
  })

  it("closing the prompt does not restart the spinner", () => {
    const model = view()
    feed(model, started("hello"), called())
    model.setInputActive(true)
    model.setInputActive(false)
    expect(model.spinner.active).toBe(true)
    expect(model.spinner.paused).toBe(true)
  })

  it("announces a queued submission when it starts", () => {
    const model = view()
    const out = [...model.showSteerQueued("turn_2", "follow up prompt"), ...feed(model, started("follow up prompt", "turn_2"))]
    expect(lines(out)).toEqual([
      "[steer] queued: follow up prompt",
      "Session: follow up prompt",
      "[steer] inserted: follow up prompt",
      "user> follow up prompt"
    ])
  })

  it("keeps an interrupted turn's answer in the history", () => {
    const model = view()
    model.setInputActive(true)
    const out = feed(
      model,
      { event: started("say hi"), submissionId: "sub_1" },
      { event: delta("hi"), submissionId: "sub_1" },
      { event: AgentEvent.turn_interrupted({ turnId: "turn_1", iteration: 1, outputText: "hi" }), submissionId: "sub_1" }
    )
    expect(lines(out)).toEqual(["Session: say hi", "user> say hi", "assistant> hi"])
    expect(model.turns).toEqual([{ user: "say hi", assistant: "hi" }])
  })

  it("keeps submissions that share a turn id apart", () => {
    const model = view()
    feed(
      model,
      { event: started("say hi"), submissionId: "sub_1" },
      { event: AgentEvent.turn_interrupted({ turnId: "turn_1", iteration: 1, outputText: "hi" }), submissionId: "sub_1" },
      { event: started("say bye instead"), submissionId: "sub_2" },
      { event: AgentEvent.turn_completed({ turnId: "turn_1", iteration: 1, outputText: "bye" }), submissionId: "sub_2" }
    )
    expect(model.turns).toEqual([{ user: "say hi", assistant: "hi" }, { user: "say bye instead", assistant: "bye" }])
  })

  it("streams raw text and ends the stream when a tool starts", () => {
    const model = view()
    const out = feed(model, started("hello"), called(), delta("Hel"), delta("lo"))
    expect(lines(out)).toEqual(["Session: hello", "user> hello"])
    expect(raws(out)).toEqual(["assistant> ", "Hel", "lo"])
    expect(model.spinner.paused).toBe(true)
    expect(model.streaming).toBe(true)
    const more = raws(feed(model, AgentEvent.tool_started({
      turnId: "turn_1", toolName: "exec_command", callId: "c", call: toolCall("c", "exec_command", {})
    })))
    expect(more[0]).toBe("\n")
    expect(more[1]!.endsWith("running exec_command")).toBe(true)
    expect(model.spinner.paused).toBe(false)
    expect(model.streaming).toBe(false)
  })
})
