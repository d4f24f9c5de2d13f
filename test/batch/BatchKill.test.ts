/** The built CLI killed with SIGKILL mid-batch and started again: every task ends with exactly one result line. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as Command from "@effect/platform/Command"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import { CLI_PATH, runCli } from "../support/Cli.js"
import { awaitGone } from "../support/Processes.js"
import { readResults, setup, taskOf, writeTasks } from "./support.js"

const TASKS = Array.from({ length: 8 }, (_, i) => ({ id: `t${i}`, prompt: `task t${i}: sleep 0.4`, cwd: "." }))

describe("tscodex batch, killed and restarted", () => {
  it.scopedLive("finished tasks are not rerun, interrupted ones restart, and no result line is lost or doubled", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const h = yield* setup()
      yield* writeTasks(`${h.work}/tasks.jsonl`, TASKS)
      const args = ["batch", "tasks.jsonl", "--out", "out", "--concurrency", "2"]
      const results = `${h.work}/out/results.jsonl`

      const first = yield* Command.make(process.execPath, CLI_PATH, ...args).pipe(
        Command.env(h.env),
        Command.workingDirectory(h.work),
        Command.start
      )
      // wait until some tasks are done and others are running, then kill without warning
      yield* readResults(results).pipe(
        Effect.repeat({ schedule: Schedule.spaced("50 millis"), until: (lines) => lines.length >= 3 }),
        Effect.timeout("60 seconds")
      )
      yield* first.kill("SIGKILL")
      expect(yield* awaitGone(first.pid)).toBe(true)
      const before = yield* readResults(results)
      expect(before.length).toBeGreaterThanOrEqual(3)
      expect(before.length).toBeLessThan(TASKS.length)
      const requestsBefore = (yield* h.posts).length

      const second = yield* runCli(args, { cwd: h.work, env: h.env })
      expect(second.stdout).toBe(`8 tasks: 8 completed, 0 failed; results in out/results.jsonl\n`)
      expect(second.exitCode).toBe(0)

      const after = yield* readResults(results)
      expect(after.map((r) => r.id).sort()).toEqual(TASKS.map((t) => t.id).sort())
      expect(after.slice(0, before.length)).toEqual(before)
      expect(after.every((r) => r.status === "completed")).toBe(true)

      // tasks with a line before the kill sent no request afterwards
      const finished = new Set(before.map((r) => r.id))
      const later = (yield* h.posts).slice(requestsBefore).map(taskOf)
      expect(later.filter((id) => id !== undefined && finished.has(id))).toEqual([])
      // a task cut off mid-turn ran again as a new attempt, with a rollout of its own
      for (const r of after) {
        expect(r.rollout_path).toBe(`rollouts/${r.id}.attempt-${r.attempt}.jsonl`)
        expect(yield* fs.exists(`${h.work}/out/${r.rollout_path}`)).toBe(true)
      }
      expect(after.filter((r) => r.attempt > 1).length).toBeGreaterThan(0)

      const status = yield* runCli(["batch", "status", "--out", "out"], { cwd: h.work, env: h.env })
      expect(status.stdout).toBe("8 tasks: 8 completed, 0 failed\npending 0, running 0, done 8\n")
    }).pipe(Effect.provide(NodeContext.layer)), 120_000)
})
