/** Ctrl-C and Ctrl-D in the built CLI's interactive session on a real pseudo-terminal (tmux). */
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as NodeFs from "node:fs"
import { CLI_PATH } from "../../support/Cli.js"
import { awaitGone, pidsRunning } from "../../support/Processes.js"
import * as Tmux from "../../support/Tmux.js"
import { inputOf, jsonLines, KEY_VARIABLE, setup } from "../../e2e/support.js"

const readText = (path: string) => (NodeFs.existsSync(path) ? NodeFs.readFileSync(path, "utf8") : "")


/** The CLI in the workspace, then its exit status, then a pause so the screen stays to be read. */
const cliCommand = (h: { readonly home: string; readonly workspace: string; readonly configPath: string }) =>
  `cd '${h.workspace}' && env CODEX_HOME='${h.home}' ${KEY_VARIABLE}=test-key TSCODEX_NO_COLOR=1 TERM=xterm SHELL=/bin/bash ` +
  `'${process.execPath}' '${CLI_PATH}' --config '${h.configPath}'; echo EXIT=$?; sleep 30`

describe.skipIf(!Tmux.hasTmux)("interrupts on a terminal (tmux)", () => {
  it.scopedLive("Ctrl-C during a command stops it at once; the next turn sends its aborted output", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const marks = NodeFs.realpathSync(yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-ctrlc-" }))
      const pidFile = `${marks}/sleep.pid`
      // A duration no other test uses, to find this very process.
      const seconds = `30.${process.pid}`
      const h = yield* setup([
        {
          type: "function_calls",
          calls: [{ name: "exec_command", call_id: "call_sleep", arguments: { cmd: `echo $$ > '${pidFile}'; exec sleep ${seconds}`, yield_time_ms: 60000 } }]
        },
        { type: "message", text: "AFTER" }
      ])
      const started = () => readText(pidFile).trim() !== ""
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => pidsRunning(["sleep", seconds]).forEach((pid) => process.kill(pid, "SIGKILL")))
      )
      const term = yield* Tmux.start("ctrlc", cliCommand(h))
      yield* term.until((s) => s.includes("tscodex interactive mode."), "the banner")
      yield* term.send("Run the command.", "Enter")
      yield* term.until(() => started(), "the command to start")
      const sleeping = pidsRunning(["sleep", seconds])
      expect(sleeping.length).toBe(1)
      yield* term.send("C-c")
      yield* term.until((s) => s.includes("Conversation interrupted"), "the interrupt")
      expect(yield* awaitGone(sleeping[0]!)).toBe(true)
      yield* term.send("Go on.", "Enter")
      yield* term.until((s) => s.includes("assistant> AFTER"), "the follow-up answer")
      yield* term.send("C-d")
      const screen = yield* term.until((s) => s.includes("EXIT="), "the end of the program")
      expect(Tmux.linesOf(screen)).toEqual([
        "tscodex interactive mode. Type /exit to quit.",
        "Extra commands: /history, /title, /model, /resume, /compact",
        "Session: Run the command.",
        "user> Run the command.",
        "■ Conversation interrupted - tell the model what to do differently.",
        "ctrl + c again to quit",
        "user> Go on.",
        "assistant> AFTER",
        "EXIT=0"
      ])
      const posts = yield* h.posts
      expect(posts.length).toBe(2)
      const output = inputOf(posts[1]).find((i) => i.type === "function_call_output")
      expect(output?.call_id).toBe("call_sleep")
      expect(String(output?.output)).toMatch(/^Wall time: \d+\.\d seconds\naborted by user$/)
      const [rollout] = yield* h.rollouts
      const recorded = jsonLines(readText(rollout!)).map((r) => r.payload as Record<string, unknown>)
      expect(recorded.some((p) => p.type === "function_call_output" && p.call_id === "call_sleep")).toBe(true)
    }).pipe(Effect.provide(NodeContext.layer)), 40_000)

  it.scopedLive("at an idle prompt Ctrl-C clears the line, a second one within 2 s exits; Ctrl-D exits", () =>
    Effect.gen(function* () {
      const h = yield* setup([{ type: "message", text: "unused" }])
      const term = yield* Tmux.start("idle", cliCommand(h))
      yield* term.until((s) => s.includes("tscodex interactive mode."), "the banner")
      yield* term.send("half typed")
      yield* term.until((s) => /^tsco\S*> half typed$/m.test(s), "the typed text")
      yield* term.send("C-c")
      yield* term.until((s) => !s.includes("half typed") && /^tsco\S*>\s*$/m.test(s), "the line to be cleared")
      yield* term.send("C-c")
      yield* term.until((s) => s.includes("ctrl + c again to quit"), "the quit hint")
      yield* term.send("C-c")
      const screen = yield* term.until((s) => s.includes("EXIT="), "the end of the program")
      expect(Tmux.linesOf(screen).slice(-2)).toEqual(["ctrl + c again to quit", "EXIT=0"])
      expect((yield* h.posts).length).toBe(0)

      const again = yield* Tmux.start("eof", cliCommand(h))
      yield* again.until((s) => s.includes("tscodex interactive mode."), "the banner")
      yield* again.send("C-d")
      const ended = yield* again.until((s) => s.includes("EXIT="), "the end of the program")
      expect(Tmux.linesOf(ended).at(-1)).toBe("EXIT=0")
    }).pipe(Effect.provide(NodeContext.layer)), 40_000)

  it.scopedLive("Ctrl-C or Esc while answer text streams (no prompt open) cancels the hanging request; Esc at the prompt keeps a draft", () =>
    Effect.gen(function* () {
      const h = yield* setup([
        { type: "hang", after_events: 3, text: "partial answer" },
        { type: "hang", after_events: 3, text: "second partial" },
        { type: "message", text: "AFTER" }
      ])
      const term = yield* Tmux.start("stream", cliCommand(h))
      yield* term.until((s) => s.includes("tscodex interactive mode."), "the banner")
      yield* term.send("Start.", "Enter")
      yield* term.until((s) => s.includes("assistant> partial answer"), "the streamed text")
      yield* term.send("C-c")
      yield* term.until((s) => s.includes("Conversation interrupted"), "the interrupt")
      // Esc at an idle prompt leaves the typed text alone.
      yield* term.send("draft")
      yield* term.until((s) => /^tsco\S*> draft$/m.test(s), "the draft")
      yield* term.send("Escape")
      yield* Effect.sleep("700 millis")
      yield* term.send(" more", "Enter")
      yield* term.until((s) => s.includes("assistant> second partial"), "the second streamed text")
      // Esc stops a turn as Ctrl-C does, without arming the quit shortcut.
      yield* term.send("Escape")
      yield* term.until((s) => s.split("Conversation interrupted").length === 3, "the second interrupt")
      yield* term.send("Go on.", "Enter")
      yield* term.until((s) => s.includes("assistant> AFTER"), "the next answer")
      yield* term.send("C-d")
      const screen = yield* term.until((s) => s.includes("EXIT="), "the end of the program")
      expect(Tmux.linesOf(screen).slice(2)).toEqual([
        "Session: Start.",
        "user> Start.",
        "assistant> partial answer",
        "■ Conversation interrupted - tell the model what to do differently.",
        "ctrl + c again to quit",
        "user> draft more",
        "assistant> second partial",
        "■ Conversation interrupted - tell the model what to do differently.",
        "user> Go on.",
        "assistant> AFTER",
        "EXIT=0"
      ])
      const posts = yield* h.posts
      expect(posts.length).toBe(3)
      const users = inputOf(posts[2]).filter((i) => i.type === "message" && i.role === "user").map((i) => i.content?.[0]?.text ?? "")
      expect(users.slice(-4)).toEqual([
        expect.stringContaining("<turn_aborted>"),
        "draft more",
        expect.stringContaining("<turn_aborted>"),
        "Go on."
      ])
    }).pipe(Effect.provide(NodeContext.layer)), 40_000)
})
