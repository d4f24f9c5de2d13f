/** The built CLI on a real pseudo-terminal (tmux): banner, two turns, the prompt, /exit. Skipped without tmux. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFileSync, spawnSync } from "node:child_process"
import { CLI_PATH } from "../../support/Cli.js"
import { inputOf, KEY_VARIABLE, setup } from "../../e2e/support.js"

const hasTmux = spawnSync("tmux", ["-V"]).status === 0
const socket = `tscodex-repl-test-${process.pid}`
const tmux = (...args: ReadonlyArray<string>) =>
  Effect.try(() => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" }))

/** Polls the screen (100 ms apart, 15 s at most) until `check` accepts it. */
const screenUntil = (check: (screen: string) => boolean, what: string) =>
  Effect.gen(function* () {
    for (let i = 0; i < 150; i++) {
      const screen = yield* tmux("capture-pane", "-p", "-S", "-200", "-t", "repl")
      if (check(screen)) return screen
      yield* Effect.sleep("100 millis")
    }
    const last = yield* tmux("capture-pane", "-p", "-S", "-200", "-t", "repl")
    return yield* Effect.dieMessage(`timed out waiting for ${what}; screen:\n${last}`)
  })

describe.skipIf(!hasTmux)(`tscodex on a terminal${hasTmux ? "" : " (skipped: needs tmux on PATH)"}`, () => {
  it.scopedLive("runs two turns in one session and exits 0 on /exit", () =>
    Effect.gen(function* () {
      const h = yield* setup([{ type: "message", text: "ONE" }, { type: "message", text: "TWO" }])
      const env = `CODEX_HOME='${h.home}' ${KEY_VARIABLE}=test-key TSCODEX_NO_COLOR=1 TERM=xterm`
      const command = `cd '${h.workspace}' && env ${env} '${process.execPath}' '${CLI_PATH}' --config '${h.configPath}'; echo EXIT=$?; sleep 30`
      yield* Effect.acquireRelease(
        tmux("new-session", "-d", "-s", "repl", "-x", "120", "-y", "40", command),
        () => tmux("kill-server").pipe(Effect.ignore)
      )
      yield* screenUntil((s) => s.includes("tscodex interactive mode. Type /exit to quit."), "the banner")
      yield* tmux("send-keys", "-t", "repl", "Reply with ONE only.", "Enter")
      yield* screenUntil((s) => /assistant> ONE/.test(s), "the first answer")
      yield* tmux("send-keys", "-t", "repl", "Reply with TWO only.", "Enter")
      yield* screenUntil((s) => /assistant> TWO/.test(s), "the second answer")
      yield* tmux("send-keys", "-t", "repl", "/exit", "Enter")
      const screen = yield* screenUntil((s) => s.includes("EXIT="), "the end of the program")
      const lines = screen.split("\n").map((l) => l.trimEnd()).filter((l) => l !== "")
      expect(lines).toEqual([
        "tscodex interactive mode. Type /exit to quit.",
        "Extra commands: /history, /title, /model, /resume, /compact",
        "Session: Reply with ONE only.",
        "user> Reply with ONE only.",
        "assistant> ONE",
        "user> Reply with TWO only.",
        "assistant> TWO",
        "EXIT=0"
      ])
      const posts = yield* h.posts
      expect(posts.length).toBe(2)
      const keys = posts.map((p) => (p.body as { prompt_cache_key: string }).prompt_cache_key)
      expect(keys[0]).toBe(keys[1])
      const second = inputOf(posts[1]).filter((i) => i.type === "message" && i.role !== "developer")
      expect(second.slice(-3).map((i) => i.content?.[0]?.text)).toEqual(["Reply with ONE only.", "ONE", "Reply with TWO only."])
    }).pipe(Effect.provide(NodeContext.layer)), 30_000)
})
