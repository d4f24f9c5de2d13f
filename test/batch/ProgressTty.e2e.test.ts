/** `tscodex batch` on a real pseudo-terminal (tmux): the progress bar with done, running, failed, tokens and ETA. Skipped without tmux. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFileSync, spawnSync } from "node:child_process"
import * as NodeFs from "node:fs"
import { CLI_PATH } from "../support/Cli.js"
import { setup, writeTasks } from "./support.js"

const hasTmux = spawnSync("tmux", ["-V"]).status === 0
const built = NodeFs.existsSync(CLI_PATH)
const skip = !hasTmux ? "needs tmux on PATH" : !built ? "dist/ is not built, run npm run build" : undefined
const socket = `tscodex-batch-tty-${process.pid}`
const tmux = (...args: ReadonlyArray<string>) =>
  Effect.try(() => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" }))

/** Polls the screen (100 ms apart, 60 s at most) until `check` accepts it. */
const screenUntil = (check: (screen: string) => boolean, what: string) =>
  Effect.gen(function* () {
    for (let i = 0; i < 600; i++) {
      const screen = yield* tmux("capture-pane", "-p", "-t", "batch")
      if (check(screen)) return screen
      yield* Effect.sleep("100 millis")
    }
    const last = yield* tmux("capture-pane", "-p", "-t", "batch")
    return yield* Effect.dieMessage(`timed out waiting for ${what}; screen:\n${last}`)
  })

const lines = (screen: string) => screen.split("\n").map((l) => l.trimEnd()).filter((l) => l !== "")

describe.skipIf(skip !== undefined)(`tscodex batch on a terminal${skip === undefined ? "" : ` (skipped: ${skip})`}`, () => {
  it.scopedLive("one bar redrawn in place: a failed task, one still running with an ETA, then all done", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const h = yield* setup()
      // a and b answer at once; c runs a command that waits for the file `gate`; d never gets an answer and times out
      yield* writeTasks(`${h.work}/tasks.jsonl`, [
        { id: "a", prompt: "task a", cwd: "." },
        { id: "b", prompt: "task b", cwd: "." },
        { id: "c", prompt: "task c: wait gate", cwd: "." },
        { id: "d", prompt: "task d: hang", cwd: ".", timeout_seconds: 1 }
      ])
      const env = Object.entries({ ...h.env, TERM: "xterm" }).map(([k, v]) => `${k}='${v}'`).join(" ")
      const command = `cd '${h.work}' && env ${env} '${process.execPath}' '${CLI_PATH}' batch tasks.jsonl --out out --concurrency 2; echo EXIT=$?; sleep 60`
      yield* Effect.acquireRelease(
        tmux("new-session", "-d", "-s", "batch", "-x", "120", "-y", "20", command),
        () => tmux("kill-server").pipe(Effect.ignore)
      )

      // 110 tokens per response: a and b one each, c its first (the command), d none
      const midway = yield* screenUntil((s) => s.includes("3/4 done · 1 running · 1 failed · 330 tokens"), "three tasks done, c running")
      expect(lines(midway)).toHaveLength(1) // redrawn in place, no line per task
      expect(lines(midway)[0]).toMatch(/^\[#{15}-{5}\] 3\/4 done · 1 running · 1 failed · 330 tokens · ETA (\d+s|\d+m\d\ds)$/)

      yield* fs.writeFileString(`${h.work}/gate`, "")
      const end = yield* screenUntil((s) => s.includes("EXIT="), "the end of the batch")
      expect(lines(end)).toEqual([
        "[####################] 4/4 done · 0 running · 1 failed · 440 tokens · ETA 0s",
        "4 tasks: 3 completed, 1 failed; results in out/results.jsonl",
        "EXIT=1"
      ])
    }).pipe(Effect.provide(NodeContext.layer)), 90_000)
})
