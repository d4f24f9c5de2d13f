/** A retried answer on a real pseudo-terminal (tmux): the cut-off text is marked and the answer shows once. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { CLI_PATH } from "../../support/Cli.js"
import * as Tmux from "../../support/Tmux.js"
import { defaultConfig, KEY_VARIABLE, setup } from "../../e2e/support.js"

describe.skipIf(!Tmux.hasTmux)("retries on a terminal (tmux)", () => {
  it.scopedLive("a stream that stalls after some text is retried; the partial text is marked and the answer shown once", () =>
    Effect.gen(function* () {
      // The first answer stalls after its first words; the idle timeout retries it.
      const h = yield* setup(
        [{ type: "hang", after_events: 3, text: "The answer" }, { type: "message", text: "The answer is 42." }],
        (url) => `${defaultConfig(url)}stream_idle_timeout_ms = 1500\n`
      )
      const command = `cd '${h.workspace}' && env CODEX_HOME='${h.home}' ${KEY_VARIABLE}=test-key TSCODEX_NO_COLOR=1 TERM=xterm ` +
        `'${process.execPath}' '${CLI_PATH}' --config '${h.configPath}'; echo EXIT=$?; sleep 30`
      const term = yield* Tmux.start("retry", command)
      yield* term.until((s) => s.includes("tscodex interactive mode."), "the banner")
      yield* term.send("Question?", "Enter")
      yield* term.until((s) => s.includes("The answer is 42."), "the retried answer")
      yield* term.send("/exit", "Enter")
      const screen = yield* term.until((s) => s.includes("EXIT="), "the end of the program")
      const lines = Tmux.linesOf(screen).slice(2)
      expect(lines[0]).toBe("Session: Question?")
      expect(lines[1]).toBe("user> Question?")
      expect(lines[2]).toBe("assistant> The answer [incomplete; retrying]")
      expect(lines[3]).toMatch(/^\[status\] Reconnecting\.\.\. 1\/5 in 0\.2s \(.+\)$/)
      expect(lines.slice(4)).toEqual(["assistant> The answer is 42.", "EXIT=0"])
      expect((yield* h.posts).length).toBe(2)
    }).pipe(Effect.provide(NodeContext.layer)), 40_000)
})
