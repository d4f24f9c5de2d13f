/** Ctrl-C (SIGINT) in one-shot mode on the built CLI: exit 130, no command left running, a rollout that resumes. */
import * as Command from "@effect/platform/Command"
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import * as NodeFs from "node:fs"
import { bubblewrap } from "../support/Bubblewrap.js"
import { CLI_PATH } from "../support/Cli.js"
import { awaitGone, pidsRunning } from "../support/Processes.js"
import { inputOf, jsonLines, KEY_VARIABLE, setup } from "./support.js"

const readText = (path: string) => (NodeFs.existsSync(path) ? NodeFs.readFileSync(path, "utf8") : "")

/** Polls (50 ms apart, about 15 s at most) until `check` holds. */
const until = (check: () => boolean, what: string) =>
  Effect.suspend(() => (check() ? Effect.void : Effect.fail(what))).pipe(
    Effect.retry(Schedule.spaced("50 millis").pipe(Schedule.intersect(Schedule.recurs(300)))),
    Effect.orDieWith((w) => new Error(`timed out waiting for ${w}`))
  )

describe("Ctrl-C in one-shot mode", () => {
  it.scopedLive("SIGINT while a command runs exits 130, stops the command, and resume sends the aborted output", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const marks = NodeFs.realpathSync(yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-sigint-" }))
      const pidFile = `${marks}/sleep.pid`
      const seconds = `30.${process.pid}`
      const h = yield* setup([
        {
          type: "function_calls",
          calls: [{ name: "exec_command", call_id: "call_sleep", arguments: { cmd: `echo $$ > '${pidFile}'; exec sleep ${seconds}`, yield_time_ms: 60000 } }]
        },
        { type: "message", text: "after resume" }
      ])
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => pidsRunning(["sleep", seconds]).forEach((pid) => process.kill(pid, "SIGKILL")))
      )
      const command = Command.make(process.execPath, CLI_PATH, "run it").pipe(
        Command.env({ PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: "/nonexistent-home", CODEX_HOME: h.home, [KEY_VARIABLE]: "k", SHELL: "/bin/bash" }),
        Command.workingDirectory(h.workspace)
      )
      const proc = yield* Command.start(command)
      yield* until(() => readText(pidFile).trim() !== "", "the command to start")
      // the shell writes the file before it turns into `sleep`: wait for the exec as well
      yield* until(() => pidsRunning(["sleep", seconds]).length === 1, "the sleep to start")
      const sleeping = pidsRunning(["sleep", seconds])
      expect(sleeping.length).toBe(1)
      yield* proc.kill("SIGINT")
      expect(Number(yield* proc.exitCode)).toBe(130)
      expect(yield* awaitGone(sleeping[0]!)).toBe(true)

      // The rollout already answers the call, so a resume sends that answer.
      const [rollout] = yield* h.rollouts
      const payloads = jsonLines(readText(rollout!)).map((r) => r.payload as Record<string, unknown>)
      const recorded = payloads.find((p) => p.type === "function_call_output" && p.call_id === "call_sleep")
      expect(String(recorded?.output)).toMatch(/aborted by user$/)
      const resumed = yield* h.cli(["resume", "--last", "again"])
      expect(resumed.exitCode).toBe(0)
      expect(resumed.stdout).toBe("after resume\n")
      const sent = inputOf((yield* h.posts)[1]).filter((i) => i.type === "function_call_output")
      expect(sent).toEqual([{ type: "function_call_output", call_id: "call_sleep", output: recorded?.output }])
    }).pipe(Effect.provide(NodeContext.layer)), 60_000)
})

/** Ctrl-C while a command that ignores SIGTERM runs under `-s <mode>`: it is gone all the same. */
const stubbornCommand = (mode: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const marks = NodeFs.realpathSync(yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-sigint-" }))
    const startedFile = `${marks}/started`
    // the loop's argv names it, since a sandboxed shell's $$ is a pid of its own namespace
    const script = "trap '' TERM; while :; do sleep 0.05; done"
    const argv = ["bash", "-c", script, `stubborn-${process.pid}`]
    const h = yield* setup([
      {
        type: "function_calls",
        calls: [{ name: "exec_command", call_id: "call_stubborn", arguments: { cmd: `echo started > '${startedFile}'; exec bash -c "${script}" stubborn-${process.pid}`, yield_time_ms: 60000 } }]
      }
    ])
    yield* Effect.addFinalizer(() => Effect.sync(() => pidsRunning(argv).forEach((pid) => process.kill(pid, "SIGKILL"))))
    const command = Command.make(process.execPath, CLI_PATH, "-s", mode, "run it").pipe(
      Command.env({ PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: "/nonexistent-home", CODEX_HOME: h.home, [KEY_VARIABLE]: "k", SHELL: "/bin/bash" }),
      Command.workingDirectory(h.workspace)
    )
    const proc = yield* Command.start(command)
    yield* until(() => pidsRunning(argv).length === 1, "the command to start")
    const [stubborn] = pidsRunning(argv)
    yield* proc.kill("SIGINT")
    expect(Number(yield* proc.exitCode)).toBe(130)
    expect(yield* awaitGone(stubborn!)).toBe(true)
    const [rollout] = yield* h.rollouts
    const payloads = jsonLines(readText(rollout!)).map((r) => r.payload as Record<string, unknown>)
    const recorded = payloads.find((p) => p.type === "function_call_output" && p.call_id === "call_stubborn")
    expect(String(recorded?.output)).toMatch(/aborted by user$/)
  }).pipe(Effect.provide(NodeContext.layer))

describe("Ctrl-C in one-shot mode, a command ignoring SIGTERM", () => {
  it.scopedLive("without a sandbox it gets SIGKILL after the grace time", () => stubbornCommand("danger-full-access"), 60_000)
})

describe.skipIf(!("bwrap" in bubblewrap))(
  `Ctrl-C in one-shot mode, a sandboxed command ignoring SIGTERM${"skip" in bubblewrap ? ` (skipped: ${bubblewrap.skip})` : ""}`,
  () => {
    it.scopedLive("inside bubblewrap it goes with the sandbox", () => stubbornCommand("workspace-write"), 60_000)
  }
)
