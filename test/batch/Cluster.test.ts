/**
 * Cluster mode with a real PostgreSQL: three runner processes, one killed with SIGKILL while it runs
 * a task; its shards move to the others and every task ends with exactly one result line.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as Command from "@effect/platform/Command"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Schedule, Stream } from "effect"
import * as NodeNet from "node:net"
import { CLI_PATH } from "../support/Cli.js"
import * as PgServer from "../support/PgServer.js"
import { awaitGone } from "../support/Processes.js"
import { readResults, setup, writeTasks } from "./support.js"

const TASKS = Array.from({ length: 9 }, (_, i) => ({ id: `c${i}`, prompt: `task c${i}: sleep 2`, cwd: "." }))
/** Short enough for a bounded test, long enough that a loaded machine keeps its locks. */
const LOCK_SECONDS = "10"

const freePort = () =>
  Effect.async<number>((resume) => {
    const server = NodeNet.createServer()
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as NodeNet.AddressInfo).port
      server.close(() => resume(Effect.succeed(port)))
    })
  })

const binaries = PgServer.findBinaries()
const skipReason = "missing" in binaries ? binaries.missing : undefined
if (skipReason !== undefined) console.warn(`cluster batch test skipped: ${skipReason}`)

describe("tscodex batch --cluster with tscodex runner", () => {
  it.skipIf(skipReason !== undefined)(`three runners, one killed mid-batch: every task finishes exactly once${skipReason === undefined ? "" : ` (skipped: ${skipReason})`}`, () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const pg = yield* PgServer.start((binaries as { bin: string }).bin)
      const h = yield* setup()
      yield* writeTasks(`${h.work}/tasks.jsonl`, TASKS)
      const start = (args: ReadonlyArray<string>) =>
        Command.make(process.execPath, CLI_PATH, ...args).pipe(Command.env(h.env), Command.workingDirectory(h.work), Command.start)

      const runners = yield* Effect.forEach([1, 2, 3], (n) =>
        Effect.gen(function* () {
          const port = yield* freePort()
          const address = `127.0.0.1:${port}`
          const proc = yield* start([
            "runner", "--cluster", pg.url, "--listen", address, "--advertise", address, "--out", `r${n}`,
            "--concurrency", "2", "--lock-expiration-seconds", LOCK_SECONDS
          ])
          // keep the pipes drained
          yield* Effect.forkScoped(Stream.runDrain(Stream.merge(proc.stdout, proc.stderr)))
          return { n, proc, address }
        }))
      const submitter = yield* start(["batch", "tasks.jsonl", "--out", "out", "--cluster", pg.url, "--lock-expiration-seconds", LOCK_SECONDS])
      const submitterOut = yield* Effect.forkScoped(submitter.stdout.pipe(Stream.decodeText(), Stream.mkString))
      yield* Effect.forkScoped(Stream.runDrain(submitter.stderr))
      const results = `${h.work}/out/results.jsonl`

      // a runner with a rollout of a task that has no result yet is running that task: kill it
      const victim = yield* Effect.gen(function* () {
        const done = new Set((yield* readResults(results)).map((r) => r.id))
        if (done.size < 1) return yield* Effect.fail("not yet" as const)
        if (done.size === TASKS.length) return yield* Effect.dieMessage("every task finished before a runner could be killed")
        for (const runner of runners) {
          const files = yield* fs.readDirectory(`${h.work}/r${runner.n}/rollouts`).pipe(Effect.orElseSucceed(() => []))
          const running = files.map((file) => file.split(".attempt-")[0]!).filter((id) => !done.has(id))
          if (running.length > 0) return { ...runner, running: new Set(running) }
        }
        return yield* Effect.fail("not yet" as const)
      }).pipe(Effect.retry(Schedule.spaced("100 millis")), Effect.timeout("180 seconds"))
      yield* victim.proc.kill("SIGKILL")
      expect(yield* awaitGone(victim.proc.pid)).toBe(true)
      const atKill = yield* readResults(results)
      expect(atKill.length).toBeLessThan(TASKS.length)

      expect(yield* submitter.exitCode.pipe(Effect.timeout("240 seconds"))).toBe(0)
      expect(yield* Fiber.join(submitterOut)).toBe("9 tasks: 9 completed, 0 failed; results in out/results.jsonl\n")

      const all = yield* readResults(results)
      expect(all.map((r) => r.id).sort()).toEqual(TASKS.map((t) => t.id).sort())
      expect(all.every((r) => r.status === "completed" && r.final_answer === `done ${r.id}`)).toBe(true)
      // a task the killed runner was running was run again elsewhere as a new attempt (on a loaded
      // machine a runner may also restart tasks itself after losing its locks for a moment)
      const takenOver = all.filter((r) => victim.running.has(r.id) && r.runner !== victim.address && r.attempt > 1)
      expect(takenOver.length, JSON.stringify({ victim: victim.address, running: [...victim.running], all })).toBeGreaterThan(0)
      for (const r of all) expect(yield* fs.exists(`${h.work}/r${runners.find((x) => x.address === r.runner)!.n}/${String(r.rollout_path)}`)).toBe(true)

      // collect and status read the same state; collecting again adds nothing
      const collect = yield* start(["batch", "collect", "--out", "out", "--cluster", pg.url])
      const collected = yield* collect.stdout.pipe(Stream.decodeText(), Stream.mkString)
      expect(collected).toBe("0 result line(s) added to out/results.jsonl\n")
      expect((yield* readResults(results)).length).toBe(TASKS.length)
    }).pipe(Effect.scoped, Effect.provide(NodeContext.layer), Effect.runPromise), 420_000)
})
