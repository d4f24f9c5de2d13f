/** The session begun on a recorded conversation (`tscodex resume` on a terminal), or on a picker of them. */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import * as NodeFs from "node:fs"
import { BANNER } from "../../../src/cli/repl/Commands.js"
import * as Picker from "../../../src/cli/repl/Picker.js"
import * as Terminal from "../../../src/cli/repl/Terminal.js"
import * as ModelClient from "../../../src/model/ModelClient.js"
import * as RolloutReader from "../../../src/session/RolloutReader.js"
import { assistantMessage } from "../../../src/protocol/Items.js"
import { startRepl } from "./support.js"

const THREAD = "33333333-4444-5555-6666-777777777777"
const record = (type: string, payload: unknown) => JSON.stringify({ timestamp: "2026-01-01T00:00:00.000Z", type, payload })
const message = (role: string, text: string) =>
  record("response_item", { type: "message", role, content: [{ type: role === "assistant" ? "output_text" : "input_text", text }] })
const ROLLOUT = [
  record("session_meta", { id: THREAD, timestamp: "2026-01-01T00:00:00.000Z", cwd: "/project", originator: "codex_exec", cli_version: "0.1.0", source: "exec", model_provider: "fake" }),
  message("user", "first question"),
  record("event_msg", { type: "user_message", message: "first question" }),
  message("assistant", "first answer")
].join("\n") + "\n"

/** A Codex home holding one recorded session; returns the home and the rollout path. */
const homeWithSession = Effect.gen(function* () {
  const fs = yield* FileSystem.FileSystem
  const home = yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-resume-start-" })
  const dir = `${home}/sessions/2026/01/01`
  yield* fs.makeDirectory(dir, { recursive: true })
  const path = `${dir}/rollout-2026-01-01T00-00-00-${THREAD}.jsonl`
  NodeFs.writeFileSync(path, ROLLOUT)
  return { home, path }
})

const SHOWN = ["Resumed session: first question", "Session: first question", "[1] user> first question", "    assistant> first answer"]

describe("beginning on a recorded session", () => {
  it.scoped("a session the stack continues: its history is shown and sent with the next turn", () =>
    Effect.gen(function* () {
      const { path } = yield* homeWithSession
      const session = yield* RolloutReader.loadSession(path)
      const repl = yield* startRepl([ModelClient.items(assistantMessage("second answer"))], {
        initialHistory: session.history,
        start: { _tag: "Resumed", title: session.title, turns: session.turns }
      })
      yield* repl.type("second question")
      yield* repl.hasLine("assistant> second answer")
      expect(Exit.isSuccess(yield* repl.finish())).toBe(true)
      expect(yield* repl.terminal.lines).toEqual([...BANNER, ...SHOWN, "user> second question", "assistant> second answer"])
      const [prompt] = yield* repl.scripted.prompts
      const texts = prompt!.input.flatMap((i) => (i._tag === "UserMessage" || i._tag === "AssistantMessage" ? [i.text] : []))
      expect(texts).toEqual(["first question", "first answer", "second question"])
    }).pipe(Effect.provide(NodeFileSystem.layer)))

})

describe("the session picker of `tscodex resume`", () => {
  /** Runs the picker over a scripted terminal with these inputs typed in advance. */
  const runPicker = (home: string, inputs: ReadonlyArray<string | Terminal.ReadResult>) =>
    Effect.gen(function* () {
      const scripted = yield* Terminal.makeScripted()
      for (const input of inputs) yield* scripted.type(input)
      const choice = yield* Picker.pick(home).pipe(Effect.provideService(Terminal.Terminal, scripted.terminal))
      return { choice, lines: yield* scripted.lines, prompts: yield* scripted.prompts }
    })

  it.scoped("a number picks that session; a wrong one asks again", () =>
    Effect.gen(function* () {
      const { home, path } = yield* homeWithSession
      const { choice, lines, prompts } = yield* runPicker(home, ["7", "1"])
      expect(choice._tag === "Session" && choice.entry.rolloutPath).toBe(path)
      expect(lines).toEqual([
        "Available sessions:",
        "[1] first question",
        Picker.PICK_HINT,
        "No session numbered 7: type 1 to 1, or press Enter for a new session."
      ])
      expect(prompts).toEqual(["resume> ", "resume> "])
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("Enter or Esc starts a new session; Ctrl-C or Ctrl-D leaves", () =>
    Effect.gen(function* () {
      const { home } = yield* homeWithSession
      expect((yield* runPicker(home, [""])).choice._tag).toBe("New")
      expect((yield* runPicker(home, [Terminal.escape])).choice._tag).toBe("New")
      expect((yield* runPicker(home, [Terminal.interrupt])).choice._tag).toBe("Quit")
      expect((yield* runPicker(home, [Terminal.eof])).choice._tag).toBe("Quit")
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("with no recorded sessions it says so and starts a new one without asking", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const home = yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-resume-empty-" })
      const { choice, lines, prompts } = yield* runPicker(home, [])
      expect(choice._tag).toBe("New")
      expect(lines).toEqual(["No resumable sessions found."])
      expect(prompts).toEqual([])
    }).pipe(Effect.provide(NodeFileSystem.layer)))
})
