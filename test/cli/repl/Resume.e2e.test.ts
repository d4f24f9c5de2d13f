/** `tscodex resume` on a real pseudo-terminal (tmux): the session opens on the conversation, or on a picker. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { CLI_PATH } from "../../support/Cli.js"
import * as Tmux from "../../support/Tmux.js"
import { inputOf, KEY_VARIABLE, setup } from "../../e2e/support.js"

/** `tscodex <args>` in the workspace, then its exit status, then a pause so the screen stays to be read. */
const cliCommand = (h: { readonly home: string; readonly workspace: string }, args: string) =>
  `cd '${h.workspace}' && env CODEX_HOME='${h.home}' ${KEY_VARIABLE}=test-key TSCODEX_NO_COLOR=1 TERM=xterm ` +
  `'${process.execPath}' '${CLI_PATH}' ${args}; echo EXIT=$?; sleep 30`

const HISTORY = ["Resumed session: First question.", "Session: First question.", "[1] user> First question.", "    assistant> FIRST"]

const texts = (input: ReturnType<typeof inputOf>) =>
  input.filter((i) => i.type === "message" && (i.role === "user" || i.role === "assistant")).map((i) => i.content?.[0]?.text ?? "")
    .filter((t) => !t.startsWith("<") && !t.startsWith("#"))

describe.skipIf(!Tmux.hasTmux)("tscodex resume on a terminal (tmux)", () => {
  it.scopedLive("resume --last opens the session with its history; the next turn continues it", () =>
    Effect.gen(function* () {
      const h = yield* setup([{ type: "message", text: "FIRST" }, { type: "message", text: "SECOND" }])
      const first = yield* h.cli(["First question."])
      expect(first.exitCode).toBe(0)
      const term = yield* Tmux.start("resumelast", cliCommand(h, "resume --last"))
      yield* term.until((s) => s.includes("[1] user> First question."), "the history")
      yield* term.send("Second question.", "Enter")
      yield* term.until((s) => s.includes("assistant> SECOND"), "the answer")
      yield* term.send("/model gpt-5.6", "Enter")
      yield* term.until((s) => s.includes("again to use it anyway"), "the catalog check")
      yield* term.send("C-d")
      const screen = yield* term.until((s) => s.includes("EXIT="), "the end of the program")
      const lines = Tmux.linesOf(screen)
      expect(lines.slice(2, 6)).toEqual(HISTORY)
      expect(lines, lines.join("\n")).toContain("Error: model gpt-5.6 is not in the catalog; did you mean gpt-5.5, gpt-5.4, gpt-5.2?")
      expect(lines.at(-1)).toBe("EXIT=0")
      const posts = yield* h.posts
      expect(posts.length).toBe(2)
      expect(texts(inputOf(posts[1]))).toEqual(["First question.", "FIRST", "Second question."])
      expect((yield* h.rollouts).length).toBe(1)
    }).pipe(Effect.provide(NodeContext.layer)), 40_000)

  it.scopedLive("resume with neither id nor --last shows a picker; a number opens that session", () =>
    Effect.gen(function* () {
      const h = yield* setup([{ type: "message", text: "FIRST" }, { type: "message", text: "SECOND" }])
      expect((yield* h.cli(["First question."])).exitCode).toBe(0)
      const term = yield* Tmux.start("resumepick", cliCommand(h, "resume"))
      yield* term.until((s) => /^resume>\s*$/m.test(s), "the picker")
      yield* term.send("1", "Enter")
      yield* term.until((s) => s.includes("[1] user> First question."), "the history")
      yield* term.send("Second question.", "Enter")
      yield* term.until((s) => s.includes("assistant> SECOND"), "the answer")
      yield* term.send("/exit", "Enter")
      const screen = yield* term.until((s) => s.includes("EXIT="), "the end of the program")
      const lines = Tmux.linesOf(screen)
      expect(lines).toEqual([
        "Available sessions:",
        "[1] First question.",
        "Type a session number to resume it, or press Enter to start a new session.",
        "tscodex interactive mode. Type /exit to quit.",
        "Extra commands: /history, /title, /model, /resume, /compact",
        ...HISTORY,
        "user> Second question.",
        "assistant> SECOND",
        "EXIT=0"
      ])
      expect(texts(inputOf((yield* h.posts)[1]))).toEqual(["First question.", "FIRST", "Second question."])
      // The picked session's rollout is continued; no second one is started.
      expect((yield* h.rollouts).length).toBe(1)
    }).pipe(Effect.provide(NodeContext.layer)), 40_000)
})
