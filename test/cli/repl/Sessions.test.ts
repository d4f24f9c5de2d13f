/** Tests of Sessions: /resume. */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Ref } from "effect"
import * as NodeFs from "node:fs"
import { BANNER } from "../../../src/cli/repl/Commands.js"
import * as ModelClient from "../../../src/model/ModelClient.js"
import { assistantMessage, type ConversationItem, reasoningItem, toolCall, toolResult, userMessage } from "../../../src/protocol/Items.js"
import * as SessionRecorder from "../../../src/session/SessionRecorder.js"
import { COMPACT_PROMPT, startRepl, SUMMARY_PREFIX } from "./support.js"

const THREAD = "11111111-2222-3333-4444-555555555555"
const OTHER = "22222222-3333-4444-5555-666666666666"

const record = (type: string, payload: unknown) => ({ timestamp: "2026-01-01T00:00:00.000Z", type, payload })
const message = (role: string, text: string) =>
  record("response_item", { type: "message", role, content: [{ type: role === "assistant" ? "output_text" : "input_text", text }] })
const userTurn = (text: string) => [message("user", text), record("event_msg", { type: "user_message", message: text })]
const meta = (id: string) => record("session_meta", { id, timestamp: "2026-01-01T00:00:00.000Z", cwd: "/project", originator: "codex-tui", cli_version: "0.1.0", source: "cli", model_provider: "fake" })

/** A rollout as a person might find it: pretty-printed records and a record cut off at the end. */
const savedRollout = [
  meta(THREAD),
  message("developer", "<permissions instructions>sandbox</permissions instructions>"),
  message("user", "<environment_context>\n  <cwd>/work</cwd>\n</environment_context>"),
  ...userTurn("older prompt"),
  record("response_item", { type: "reasoning", summary: [], content: null, encrypted_content: "enc" }),
  record("response_item", { type: "function_call", name: "echo", arguments: '{"text":"hello"}', call_id: "call_1" }),
  record("response_item", { type: "function_call_output", call_id: "call_1", output: '{"text":"hello"}' }),
  message("assistant", "older answer"),
  ...userTurn("second prompt"),
  message("assistant", "second answer")
].map((r) => JSON.stringify(r, null, 2)).join("\n") + '\n{"timestamp":"2026-01-01T00:00:01.000Z","type":"response_i'

const writeRollout = (home: string, id: string, text: string, mtimeSeconds: number) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const dir = `${home}/sessions/2026/01/01`
    yield* fs.makeDirectory(dir, { recursive: true })
    const path = `${dir}/rollout-2026-01-01T00-00-00-${id}.jsonl`
    yield* fs.writeFileString(path, text)
    NodeFs.utimesSync(path, mtimeSeconds, mtimeSeconds)
    return path
  })

const tempHome = Effect.flatMap(FileSystem.FileSystem, (fs) => fs.makeTempDirectoryScoped({ prefix: "tscodex-repl-" }))

describe("/resume", () => {
  it.scoped("lists saved sessions, loads one and continues it", () =>
    Effect.gen(function* () {
      const home = yield* tempHome
      const path = yield* writeRollout(home, THREAD, savedRollout, 1_700_000_000)
      NodeFs.writeFileSync(`${home}/session_index.jsonl`, JSON.stringify({ id: THREAD, thread_name: "saved thread" }) + "\n")
      const continued = yield* Ref.make<ReadonlyArray<string>>([])
      const repl = yield* startRepl([ModelClient.items(assistantMessage("after resume"))], {
        codexHome: home,
        rolloutSwitch: { continueRollout: (p) => Ref.update(continued, (all) => [...all, p]) }
      })
      yield* repl.type("/resume")
      yield* repl.type("/resume 1")
      yield* repl.hasLine("Resumed session: saved thread")
      yield* repl.type("continue")
      yield* repl.hasLine("assistant> after resume")
      yield* repl.type("/history")
      yield* repl.finish()
      const lines = yield* repl.terminal.lines
      expect(lines.slice(2)).toEqual([
        "Available sessions:",
        "[1] older prompt",
        "Resumed session: saved thread",
        "Session: saved thread",
        "[1] user> older prompt",
        "    assistant> older answer",
        "[2] user> second prompt",
        "    assistant> second answer",
        "user> continue",
        "assistant> after resume",
        "Session: saved thread",
        "[1] user> older prompt",
        "    assistant> older answer",
        "[2] user> second prompt",
        "    assistant> second answer",
        "[3] user> continue",
        "    assistant> after resume"
      ])
      expect(yield* Ref.get(repl.client.sessionId)).toBe(THREAD)
      expect(yield* Ref.get(continued)).toEqual([path])
      const [prompt] = yield* repl.scripted.prompts
      const expected: ReadonlyArray<ConversationItem> = [
        userMessage("older prompt"),
        reasoningItem({ type: "reasoning", summary: [], content: null, encrypted_content: "enc" }),
        toolCall("call_1", "echo", { text: "hello" }),
        toolResult({ callId: "call_1", name: "echo", output: '{"text":"hello"}' }),
        assistantMessage("older answer"),
        userMessage("second prompt"),
        assistantMessage("second answer"),
        userMessage("continue")
      ]
      expect(prompt!.input).toEqual(expected)
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("lists the most recently changed session first and skips sessions without user input", () =>
    Effect.gen(function* () {
      const home = yield* tempHome
      const one = (text: string) => [meta(THREAD), ...userTurn(text)].map((r) => JSON.stringify(r)).join("\n") + "\n"
      yield* writeRollout(home, THREAD, one("named prompt"), 1_700_000_000)
      yield* writeRollout(home, OTHER, one("unnamed prompt").replace(THREAD, OTHER), 1_700_000_100)
      yield* writeRollout(home, "33333333-4444-5555-6666-777777777777", JSON.stringify(meta("33333333-4444-5555-6666-777777777777")) + "\n", 1_700_000_200)
      const repl = yield* startRepl([ModelClient.items(assistantMessage("done"))], { codexHome: home })
      yield* repl.type("/resume")
      yield* repl.finish()
      expect((yield* repl.terminal.lines).slice(2)).toEqual(["Available sessions:", "[1] unnamed prompt", "[2] named prompt"])
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("explains bad choices and goes on", () =>
    Effect.gen(function* () {
      const home = yield* tempHome
      const repl = yield* startRepl([ModelClient.items(assistantMessage("done"))], { codexHome: home })
      yield* repl.type("/resume")
      yield* repl.type("/resume foo")
      yield* repl.type("/resume 3")
      yield* repl.type("hello")
      yield* repl.hasLine("assistant> done")
      yield* repl.finish()
      expect((yield* repl.terminal.lines).slice(2, 5)).toEqual([
        "No resumable sessions found.",
        "Error: Usage: /resume <number>",
        "Error: Session not found: 3"
      ])
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("refuses to resume or compact while a turn runs", () =>
    Effect.gen(function* () {
      const release = yield* Deferred.make<void>()
      const started = yield* Deferred.make<void>()
      const repl = yield* startRepl([
        () => Deferred.succeed(started, undefined).pipe(Effect.zipRight(Deferred.await(release)), Effect.as(ModelClient.items(assistantMessage("done"))))
      ])
      yield* repl.type("hello")
      yield* Deferred.await(started)
      yield* repl.type("/resume 1")
      yield* repl.type("/compact")
      yield* repl.hasLine("Cannot compact while work is running or queued.")
      yield* repl.type("/exit")
      yield* repl.until(Effect.map(repl.terminal.waiting, (w) => !w), "/exit to be read")
      yield* Deferred.succeed(release, undefined)
      expect(Exit.isSuccess(yield* repl.ended)).toBe(true)
      expect(yield* repl.terminal.lines).toContain("Cannot resume while work is running or queued.")
    }))
})

describe("/compact", () => {
  it.scoped("replaces the history by a summary without streaming it", () =>
    Effect.gen(function* () {
      const memory = yield* SessionRecorder.makeMemory
      const repl = yield* startRepl([
        ModelClient.items(assistantMessage("done")),
        ModelClient.items(assistantMessage("checkpoint summary")),
        ModelClient.items(assistantMessage("after compact"))
      ], { recorder: memory.recorder })
      yield* repl.type("/compact")
      yield* repl.type("hello")
      yield* repl.hasLine("assistant> done")
      yield* repl.type("/compact")
      yield* repl.hasLine("compact(2 items) -> 1 item + [summary]")
      yield* repl.type("continue")
      yield* repl.hasLine("assistant> after compact")
      yield* repl.finish()
      const lines = yield* repl.terminal.lines
      expect(lines).toEqual([
        ...BANNER,
        "Nothing to compact.",
        "Session: hello",
        "user> hello",
        "assistant> done",
        "Compacting conversation history...",
        "compact(2 items) -> 1 item + [summary]",
        "user> continue",
        "assistant> after compact"
      ])
      expect((yield* repl.terminal.raw).join("")).not.toContain("checkpoint summary")
      const prompts = yield* repl.scripted.prompts
      expect(prompts[1]!.input).toEqual([userMessage("hello"), assistantMessage("done"), userMessage(COMPACT_PROMPT)])
      expect(prompts[1]!.tools).toEqual([])
      expect(prompts[1]!.parallelToolCalls).toBe(false)
      expect(prompts[2]!.input).toEqual([
        userMessage("hello"),
        userMessage(`${SUMMARY_PREFIX}\ncheckpoint summary`),
        userMessage("continue")
      ])
      expect((yield* memory.log).some((r) => r._tag === "Compacted")).toBe(true)
    }))
})
