/**
 * Cluster mode with a real PostgreSQL: three runner processes, one killed with SIGKILL while it runs
 * a task; its shards move to the others and every task ends with exactly one result line. Every
 * task's command waits for a gate file the test creates only after the kill, so no task can finish
 * before it, and the tasks the killed runner had started are known for certain.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as Command from "@effect/platform/Command"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Schedule, Stream } from "effect"
import { CLI_PATH } from "../support/Cli.js"
import * as PgServer from "../support/PgServer.js"
import { awaitGone, freePort } from "../support/Processes.js"
import { readResults, setup, writeTasks } from "./support.js"

const GATE = "gate"
const TASKS = Array.from({ length: 9 }, (_, i) => ({ id: `c${i}`, prompt: `task c${i}: wait ${GATE}`, cwd: "." }))
/** Short enough for a bounded test, long enough that a loaded machine keeps its locks. */
const LOCK_SECONDS = "10"


const binaries = PgServer.findBinaries()
const skipReason = "missing" in binaries ? binaries.missing : undefined
if (skipReason !== undefined) console.warn(`cluster batch test skipped: ${skipReason}`)

describe("tscodex batch --cluster with tscodex runner", () => {
  it.skipIf(skipReason !== undefined)(`three runners, one killed mid-batch: every task finishes exactly once${skipReason === undefined ? "" : ` (skipped: ${skipReason})`}`, () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const tails = new Map<string, string>()
      const keepTail = (name: string, output: Stream.Stream<Uint8Array, unknown>) =>
        output.pipe(Stream.decodeText(), Stream.runForEach((text) => Effect.sync(() => void tails.set(name, ((tails.get(name) ?? "") + text).slice(-2000)))), Effect.ignore)
      const said = () => [...tails].map(([name, text]) => `--- ${name}:\n${text}`).join("\n")
      const pg = yield* PgServer.start(binaries as { bin: string; runuser?: string })
      const h = yield* setup()
      yield* writeTasks(`${h.work}/tasks.jsonl`, TASKS)
      const start = (args: ReadonlyArray<string>) =>
        Command.make(process.execPath, CLI_PATH, ...args).pipe(Command.env(h.env), Command.workingDirectory(h.work), Command.start)

      const runners = yield* Effect.forEach([1, 2, 3], (n) =>
        Effect.gen(function* () {
          const port = yield* freePort
          const address = `127.0.0.1:${port}`
          const proc = yield* start([
            "runner", "--cluster", pg.url, "--listen", address, "--advertise", address, "--out", `r${n}`,
            "--concurrency", "2", "--lock-expiration-seconds", LOCK_SECONDS
          ])
          // keep the pipes drained, and the end of what was said for a failure's message
          yield* Effect.forkScoped(keepTail(`runner ${n}`, Stream.merge(proc.stdout, proc.stderr)))
          return { n, proc, address }
        }))
      const submitter = yield* start(["batch", "tasks.jsonl", "--out", "out", "--cluster", pg.url, "--lock-expiration-seconds", LOCK_SECONDS])
      const submitterOut = yield* Effect.forkScoped(submitter.stdout.pipe(Stream.decodeText(), Stream.mkString))
      yield* Effect.forkScoped(keepTail("submitter", submitter.stderr))
      const results = `${h.work}/out/results.jsonl`
      /** Which processes are still running, for a failure's message. */
      const aliveNow = Effect.forEach([...runners.map((r) => [`runner ${r.n}`, r.proc] as const), ["submitter", submitter] as const], ([name, proc]) =>
        Effect.map(Effect.orElseSucceed(proc.isRunning, () => false), (running) => `${name} ${running ? "running" : "exited"}`))

      // while the gate is shut no task can finish: a runner with a rollout is running that task
      const victim = yield* Effect.gen(function* () {
        for (const runner of runners) {
          const files = yield* fs.readDirectory(`${h.work}/r${runner.n}/rollouts`).pipe(Effect.orElseSucceed(() => []))
          // rollouts are named <id>.attempt-<n>.jsonl
          const running = files.map((file) => /^(.+)\.attempt-(\d+)\.jsonl$/.exec(file)).flatMap((m) => (m === null ? [] : [{ id: m[1]!, attempt: Number(m[2]) }]))
          if (running.length > 0) return { ...runner, running }
        }
        return yield* Effect.fail("not yet" as const)
      }).pipe(
        Effect.retry(Schedule.spaced("100 millis")),
        Effect.timeout("180 seconds"),
        Effect.orElse(() =>
          Effect.gen(function* () {
            const alive = yield* aliveNow
            return yield* Effect.dieMessage(`no runner started a task within 180 s (${alive.join(", ")}); what the processes said:\n${said()}`)
          }))
      )
      yield* victim.proc.kill("SIGKILL")
      expect(yield* awaitGone(victim.proc.pid)).toBe(true)
      expect(yield* readResults(results)).toEqual([])
      yield* fs.writeFileString(`${h.work}/${GATE}`, "")

      const exited = yield* submitter.exitCode.pipe(
        Effect.timeout("240 seconds"),
        Effect.orElse(() =>
          Effect.gen(function* () {
            const alive = yield* aliveNow
            const done = yield* readResults(results).pipe(Effect.orElseSucceed(() => []))
            return yield* Effect.dieMessage(
              `the batch did not finish within 240 s of the gate (${alive.join(", ")}; runner ${victim.n} was killed; ${done.length} results: ${done.map((r) => r.id).join(" ")}); what the processes said:\n${said()}`
            )
          }))
      )
      expect(exited).toBe(0)
      expect(yield* Fiber.join(submitterOut)).toBe("9 tasks: 9 completed, 0 failed; results in out/results.jsonl\n")

      const all = yield* readResults(results)
      expect(all.map((r) => r.id).sort()).toEqual(TASKS.map((t) => t.id).sort())
      expect(all.every((r) => r.status === "completed" && r.final_answer === `done ${r.id}`)).toBe(true)
      // every task the killed runner had started got its result from another runner's attempt
      const context = JSON.stringify({ victim: victim.address, running: victim.running, all })
      for (const started of victim.running) {
        const result = all.find((r) => r.id === started.id)
        expect([result?.runner !== victim.address, result?.attempt !== started.attempt], context).toEqual([true, true])
      }
      for (const r of all) expect(yield* fs.exists(`${h.work}/r${runners.find((x) => x.address === r.runner)!.n}/${String(r.rollout_path)}`)).toBe(true)

      // collect and status read the same state; collecting again adds nothing
      const collect = yield* start(["batch", "collect", "--out", "out", "--cluster", pg.url])
      const collected = yield* collect.stdout.pipe(Stream.decodeText(), Stream.mkString)
      expect(collected).toBe("0 result line(s) added to out/results.jsonl\n")
      expect((yield* readResults(results)).length).toBe(TASKS.length)
    }).pipe(Effect.scoped, Effect.provide(NodeContext.layer), Effect.runPromise), 420_000)
})
