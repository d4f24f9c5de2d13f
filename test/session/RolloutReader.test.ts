/** Tests of RolloutReader: tolerant rollout reading. */
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import * as Items from "../../src/protocol/Items.js"
import * as RolloutReader from "../../src/session/RolloutReader.js"
import { historyToTurns, shortenTitle } from "../../src/session/SessionHistory.js"

const THREAD = "11111111-2222-3333-4444-555555555555"
const PATH = `/home/sessions/2026/04/07/rollout-2026-04-07T00-00-00-${THREAD}.jsonl`
const PREFIX = "Summary of the conversation so far:"

const record = (type: string, payload: unknown) => ({ timestamp: "2026-04-07T00:00:00.000Z", type, payload })
const message = (role: string, text: string) => ({
  type: "message",
  role,
  content: [{ type: role === "assistant" ? "output_text" : "input_text", text }]
})
const userEvent = (text: string) =>
  record("event_msg", { type: "user_message", message: text, images: [], local_images: [], text_elements: [] })

/** The saved session of the resume scenario: pretty-printed records and a cut-off last record. */
const savedSession = [
  record("session_meta", { id: THREAD, timestamp: "2026-04-07T00:00:00.000Z", cwd: "/project", originator: "codex-tui" }),
  record("response_item", message("developer", "<permissions instructions>rules</permissions instructions>")),
  record("turn_context", { cwd: "/project", model: "gpt-5.4" }),
  record("response_item", message("user", "older prompt")),
  userEvent("older prompt"),
  record("response_item", { type: "reasoning", id: "rs_saved", summary: [] }),
  record("response_item", { type: "function_call", name: "echo", arguments: `{"text":"hello"}`, call_id: "call_saved" }),
  record("response_item", { type: "function_call_output", call_id: "call_saved", output: `{"text":"hello"}` }),
  record("response_item", message("assistant", "older answer")),
  record("response_item", message("user", "<environment_context>\n  <cwd>/work</cwd>\n</environment_context>")),
  record("turn_context", { cwd: "/project", model: "gpt-5.4" }),
  record("response_item", message("user", "second prompt")),
  userEvent("second prompt"),
  record("response_item", message("assistant", "second answer"))
].map((r) => JSON.stringify(r, null, 2)).join("\n") + '\n{"timestamp": "truncated'

const parse = (text: string, path = PATH) => RolloutReader.parseRollout(text, path)
const load = (text: string, threadName?: string) =>
  Either.flatMap(parse(text), (parsed) => RolloutReader.loadParsed(parsed, threadName))
const ok = <A, E>(either: Either.Either<A, E>): A => {
  if (Either.isLeft(either)) throw new Error(`expected success, got ${String(either.left)}`)
  return either.right
}
const failure = <A, E>(either: Either.Either<A, E>): E => {
  if (Either.isRight(either)) throw new Error("expected a failure")
  return either.left
}

describe("tolerant rollout reading", () => {
  it("reads pretty-printed records, skips the cut-off tail, and rebuilds the history from user events", () => {
    const session = ok(load(savedSession, "saved thread"))
    expect(session.history).toEqual([
      Items.userMessage("older prompt"),
      Items.reasoningItem({ type: "reasoning", id: "rs_saved", summary: [] }),
      Items.toolCall("call_saved", "echo", { text: "hello" }),
      Items.toolResult({ callId: "call_saved", name: "echo", output: `{"text":"hello"}` }),
      Items.assistantMessage("older answer"),
      Items.userMessage("second prompt"),
      Items.assistantMessage("second answer")
    ])
    expect(session.turns).toEqual([
      { user: "older prompt", assistant: "older answer" },
      { user: "second prompt", assistant: "second answer" }
    ])
    expect(session.title).toBe("saved thread")
    expect(session.threadId).toBe(THREAD)
    expect(session.sessionId).toBe(THREAD)
    expect(session.skipped).toBe(1)
    expect(session.meta?.cwd).toBe("/project")
  })

  it("titles an unnamed session by its first user text, else by its id", () => {
    expect(ok(load(savedSession)).title).toBe("older prompt")
    const long = "x".repeat(60)
    expect(ok(load(JSON.stringify(userEvent(long)))).title).toBe("x".repeat(45) + "...")
  })

  it("reads concatenated objects on one line and skips a corrupt line, counting it", () => {
    const text = [
      JSON.stringify(userEvent("one")) + JSON.stringify(record("response_item", message("assistant", "first"))),
      "{this is not json}",
      "42",
      JSON.stringify(userEvent("two")),
      ""
    ].join("\n")
    const parsed = ok(parse(text))
    expect(parsed.skipped).toBe(1)
    expect(parsed.entries.map((e) => e._tag)).toEqual(["UserMessage", "ResponseItem", "UserMessage"])
    expect(ok(load(text)).history).toEqual([
      Items.userMessage("one"),
      Items.assistantMessage("first"),
      Items.userMessage("two")
    ])
  })

  it("skips a damaged pretty-printed record as one stretch and reads CRLF lines", () => {
    const pretty = (value: unknown) => JSON.stringify(value, null, 2)
    const damaged = pretty(record("response_item", message("assistant", "lost"))).replace('"role"', '"role" oops')
    const text = [pretty(userEvent("one")), damaged, pretty(record("response_item", message("assistant", "kept")))]
      .join("\n")
      .replace(/\n/g, "\r\n")
    const parsed = ok(parse(text))
    expect(parsed.skipped).toBe(1)
    expect(ok(load(text)).history).toEqual([Items.userMessage("one"), Items.assistantMessage("kept")])
  })

  it("fails with the reference's messages when the first value is unparsable or nothing is there", () => {
    expect(failure(parse('{"timestamp": "cut', "/r.jsonl")).message).toMatch(/^failed to parse rollout file \/r\.jsonl: /)
    expect(failure(parse("not json\n" + JSON.stringify(userEvent("x")), "/r.jsonl")).message)
      .toMatch(/^failed to parse rollout file \/r\.jsonl: .+/)
    expect(failure(parse("  \n\n\t ", "/e.jsonl")).message).toBe("no rollout entries found in /e.jsonl")
    expect(failure(parse("[1, 2]\n3\n", "/e.jsonl")).message).toBe("no rollout entries found in /e.jsonl")
  })

  it("fails with `No resumable history found` when no user turn was recorded", () => {
    const onlyMeta = JSON.stringify(record("session_meta", { id: THREAD }))
    expect(failure(load(onlyMeta)).message).toBe(`No resumable history found in ${PATH}`)
  })

  it("lets a compacted record replace the history rebuilt so far", () => {
    const text = [
      userEvent("old prompt"),
      record("response_item", message("assistant", "old answer")),
      record("compacted", {
        replacement_history: [message("user", "kept user"), message("user", `${PREFIX}\ncheckpoint summary`)]
      }),
      userEvent("after compact"),
      record("response_item", message("assistant", "after answer"))
    ].map((r) => JSON.stringify(r)).join("\n")
    const session = ok(load(text))
    expect(session.history).toEqual([
      Items.userMessage("kept user"),
      Items.userMessage(`${PREFIX}\ncheckpoint summary`),
      Items.userMessage("after compact"),
      Items.assistantMessage("after answer")
    ])
    expect(session.turns).toEqual([
      { user: "kept user", assistant: "" },
      { user: `${PREFIX}\ncheckpoint summary`, assistant: "" },
      { user: "after compact", assistant: "after answer" }
    ])
  })

  it("skips stored entries that cannot be replayed and names results after their calls", () => {
    const text = [
      userEvent("go"),
      record("response_item", { type: "function_call", name: "echo", arguments: "{not json", call_id: "bad_args" }),
      record("response_item", { type: "function_call", name: "echo", arguments: "[1]", call_id: "list_args" }),
      record("response_item", { type: "function_call", name: " ", arguments: "{}", call_id: "no_name" }),
      record("response_item", { type: "function_call", name: "update_plan", arguments: "", call_id: "c1" }),
      record("response_item", { type: "function_call_output", call_id: "c1", output: "Plan updated", success: true }),
      record("response_item", { type: "function_call_output", call_id: "  ", output: "orphan" }),
      record("response_item", { type: "custom_tool_call", name: "apply_patch", input: "*** Begin Patch", call_id: "p1" }),
      record("response_item", {
        type: "custom_tool_call_output",
        call_id: "p1",
        output: [{ type: "input_text", text: "patched" }]
      }),
      record("response_item", { type: "web_search_call", id: "ws_1" }),
      record("response_item", message("system", "ignored")),
      record("mystery_record", { anything: true })
    ].map((r) => JSON.stringify(r)).join("\n")
    expect(ok(load(text)).history).toEqual([
      Items.userMessage("go"),
      Items.toolCall("c1", "update_plan", {}),
      Items.toolResult({ callId: "c1", name: "update_plan", output: "Plan updated", success: true }),
      Items.toolCall("p1", "apply_patch", "*** Begin Patch", "custom"),
      Items.toolResult({
        callId: "p1",
        name: "apply_patch",
        output: "",
        contentItems: [{ type: "input_text", text: "patched" }],
        toolType: "custom"
      })
    ])
  })

  it("reads the same records from the text cut into pieces anywhere as scanEntries reads from the whole", () => {
    const pretty = (value: unknown) => JSON.stringify(value, null, 2)
    const texts = [
      savedSession,
      [JSON.stringify(userEvent("one")) + JSON.stringify(userEvent("two")), "{not json}", "7", JSON.stringify(userEvent("x")), ""].join("\n"),
      [JSON.stringify(userEvent("a")), pretty(record("response_item", message("assistant", "b"))).replace('"role"', '"role" oops'), JSON.stringify(userEvent("c"))]
        .join("\r\n"),
      "\n  \n" + JSON.stringify(userEvent("only")) + "   ",
      '{"timestamp": "cut',
      "[1]\n2\n"
    ]
    const whole = (text: string) => {
      const entries: Array<unknown> = []
      return Either.map(RolloutReader.scanEntries(text, PATH, (entry) => (entries.push(entry), true)), ({ skipped }) => ({ entries, skipped }))
    }
    for (const text of texts) {
      const expected = whole(text)
      for (let cut = 0; cut <= text.length; cut++) {
        for (const second of [cut, Math.min(text.length, cut + 7)]) {
          const scanner = RolloutReader.makeRolloutScanner(PATH)
          scanner.push(text.slice(0, cut))
          scanner.push(text.slice(cut, second))
          scanner.push(text.slice(second))
          const got = Either.map(scanner.end(), ({ entries, skipped }) => ({ entries, skipped }))
          expect(got, `${JSON.stringify(text.slice(0, 40))} cut at ${cut}, ${second}`).toEqual(expected)
        }
      }
    }
  })

  it("reads a file piece by piece as the whole text: a byte-order mark, long lines, invalid bytes, a damaged line", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const dir = yield* fs.makeTempDirectoryScoped()
      const path = `${dir}/rollout-2026-04-07T00-00-00-${THREAD}.jsonl`
      const line = (value: unknown) => JSON.stringify(value) + "\n"
      const text = "\ufeff" + line(userEvent("first")) +
        line({ pad: "\u00e9".repeat(600_000) }) + // longer than one piece, two-byte characters across piece ends
        line(userEvent("caf\u00e9")) +
        "\ufeff" + line(userEvent("a mark inside the file is not dropped")) +
        line({ pad: "x".repeat(3_000_000) }) +
        "{broken\n" +
        line(userEvent("last"))
      const bytes = new TextEncoder().encode(text)
      const cafe = new TextEncoder().encode(text.slice(0, text.indexOf("caf\u00e9"))).length
      bytes[bytes.indexOf(0xc3, cafe)] = 0xff // no longer valid UTF-8
      yield* fs.writeFile(path, bytes)
      const parsed = yield* RolloutReader.readRollout(path)
      expect(parsed).toEqual(ok(parse(RolloutReader.decodeUtf8(bytes), path)))
      expect(parsed.skipped).toBe(2)
      expect(parsed.entries.map((e) => (e._tag === "UserMessage" ? e.message : e._tag))).toEqual(["first", "caf\ufffd\ufffd", "last"])
    }).pipe(Effect.provide(NodeFileSystem.layer), Effect.scoped, Effect.runPromise))

  it("replaces invalid UTF-8 instead of failing", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const dir = yield* fs.makeTempDirectoryScoped()
      const path = `${dir}/rollout-2026-04-07T00-00-00-${THREAD}.jsonl`
      const text = JSON.stringify(userEvent("caf\u00e9 ok"))
      const bytes = new TextEncoder().encode(text)
      const at = bytes.indexOf(0xc3)
      bytes[at] = 0xff // no longer valid UTF-8
      yield* fs.writeFile(path, bytes)
      const session = yield* RolloutReader.loadSession(path)
      expect(session.history).toEqual([Items.userMessage("caf\ufffd\ufffd ok")])
      const missing = yield* Effect.flip(RolloutReader.loadSession(`${dir}/missing.jsonl`))
      expect(missing.message).toMatch(/^cannot read rollout file .*missing\.jsonl: /)
    }).pipe(Effect.provide(NodeFileSystem.layer), Effect.scoped, Effect.runPromise))
})

/** The recorded runs' rollout files, copied into the repository. */
const fixtureRoot = join(import.meta.dirname, "..", "fixtures", "recorded-rollouts")
const rollouts = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return rollouts(path)
    return /^rollout-.*\.jsonl$/.test(name) ? [path] : []
  })

const loadFixture = (path: string) => ok(load(readFileSync(path, "utf8")))

describe("recorded rollouts", () => {
  const codex = rollouts(`${fixtureRoot}/codex-0.169.0`)
  const pycodex = rollouts(`${fixtureRoot}/pycodex-0.1.12`)

  it("finds the recorded files", () => {
    expect(codex.length).toBeGreaterThanOrEqual(9)
    expect(pycodex.length).toBeGreaterThanOrEqual(3)
  })

  it.each(codex.map((p) => [p.slice(fixtureRoot.length + 1), p]))("reads today's Codex rollout %s", (_, path) => {
    const session = loadFixture(path)
    const first = session.history[0]
    expect(first?._tag).toBe("UserMessage")
    expect(first?._tag === "UserMessage" && first.text).not.toMatch(/^<|^#/)
    for (const item of session.history) {
      expect(item._tag).not.toBe("ContextMessage")
      if (item._tag === "UserMessage") expect(item.text).not.toContain("<environment_context>")
      if (item._tag === "ReasoningItem") expect(item.payload).not.toHaveProperty("internal_chat_message_metadata_passthrough")
      if (item._tag === "ToolResult") {
        const call = session.history.find((c) => c._tag === "ToolCall" && c.callId === item.callId)
        expect(call).toBeDefined()
        expect(item.name).toBe(call?._tag === "ToolCall" ? call.name : "")
      }
    }
    expect(session.sessionId).toBe(RolloutReader.threadIdFromPath(path))
    expect(session.turns.length).toBeGreaterThanOrEqual(1)
    expect(session.skipped).toBe(0)
  })

  it("reads a Codex message-only run as one exchange", () => {
    const path = codex.find((p) => p.includes("/message-only/"))!
    const session = loadFixture(path)
    expect(session.history).toEqual([Items.userMessage("Reply with OK"), Items.assistantMessage("OK")])
  })

  it("reads a Codex tool run with a custom tool and reasoning in order", () => {
    const session = loadFixture(codex.find((p) => p.includes("/apply_patch-custom-tool+reasoning/"))!)
    expect(session.history.map((i) => i._tag)).toEqual([
      "UserMessage",
      "ReasoningItem",
      "ToolCall",
      "ToolResult",
      "AssistantMessage"
    ])
    expect(Items.toResponsesInputUnsafe(session.history[1]!)).toEqual({
      type: "reasoning",
      id: "rs_fc6d417c24d24d07ad7cb72e",
      summary: [{ type: "summary_text", text: "I will create the file with apply_patch." }],
      content: null,
      encrypted_content: null
    })
  })

  it("keeps the user prompt and the summary of a Codex auto-compaction, dropping injected context", () => {
    const session = loadFixture(codex.find((p) => p.includes("/auto-compact/"))!)
    expect(session.history.map((i) => i._tag)).toEqual(["UserMessage", "UserMessage", "AssistantMessage"])
    expect(session.history[0]).toEqual(
      Items.userMessage("Run the shell command 'echo hello' and then reply with the single word done.")
    )
    expect(session.history[2]).toEqual(Items.assistantMessage("done"))
  })

  it.each(pycodex.map((p) => [p.slice(fixtureRoot.length + 1), p]))("reads pycodex rollout %s", (_, path) => {
    const session = loadFixture(path)
    const typed = /"type": "user_message", "message": ("(?:[^"\\]|\\.)*")/.exec(readFileSync(path, "utf8"))
    expect(session.history[0]).toEqual(Items.userMessage(JSON.parse(typed![1]!)))
    expect(session.history.at(-1)?._tag).toMatch(/AssistantMessage|ToolResult/)
    expect(session.sessionId).toBe(RolloutReader.threadIdFromPath(path))
  })
})

describe("turns and titles", () => {
  it("pairs each user message with the last answer after it", () => {
    expect(historyToTurns([
      Items.assistantMessage("before anyone spoke"),
      Items.userMessage("a"),
      Items.assistantMessage("first"),
      Items.toolCall("c", "echo", {}),
      Items.assistantMessage("second"),
      Items.userMessage("b")
    ])).toEqual([{ user: "a", assistant: "second" }, { user: "b", assistant: "" }])
  })

  it("collapses whitespace and cuts long titles with an ellipsis", () => {
    expect(shortenTitle("  hello \n\t world  ")).toBe("hello world")
    expect(shortenTitle("a".repeat(48))).toBe("a".repeat(48))
    expect(shortenTitle("word ".repeat(20), 12)).toBe("word word...")
    expect(shortenTitle("é".repeat(80), 72)).toBe("é".repeat(69) + "...")
  })

  it("reads thread names from the session index, the last line winning", () => {
    const names = RolloutReader.parseSessionIndex([
      `{"id":"${THREAD}","thread_name":"first name"}`,
      "not json",
      `{"id":"other","thread_name":"  "}`,
      `{"id":" ${THREAD} ","thread_name":" latest name "}`,
      ""
    ].join("\n"))
    expect([...names]).toEqual([[THREAD, "latest name"]])
  })
})
