/** Calls that never got an output (killed process, Codex rollouts) and parallel exec_command calls, on the built CLI. */
import * as Command from "@effect/platform/Command"
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { CLI_PATH } from "../support/Cli.js"
import { inputOf, jsonLines, KEY_VARIABLE, setup } from "./support.js"

const FIXTURES = NodePath.resolve(import.meta.dirname, "../fixtures/rollouts")

/** Polls (50 ms apart, about 15 s at most) until `check` holds. */
const until = (check: () => boolean, what: string) =>
  Effect.suspend(() => (check() ? Effect.void : Effect.fail(what))).pipe(
    Effect.retry(Schedule.spaced("50 millis").pipe(Schedule.intersect(Schedule.recurs(300)))),
    Effect.orDieWith((w) => new Error(`timed out waiting for ${w}`))
  )

const readText = (path: string) => (NodeFs.existsSync(path) ? NodeFs.readFileSync(path, "utf8") : "")

/** Stops a process the test caused to be started (a command left running by a killed CLI). */
const killPidIn = (file: string) =>
  Effect.sync(() => {
    const pid = Number.parseInt(readText(file).trim(), 10)
    if (Number.isInteger(pid) && pid > 0) {
      try {
        process.kill(pid, "SIGKILL")
      } catch {
        // already gone
      }
    }
  })

const historyOf = (input: ReadonlyArray<Record<string, unknown>>) =>
  input.filter((i) => !(i.type === "message" && (i.role === "developer" || isContext(i))))

const isContext = (item: Record<string, unknown>) => {
  const content = item.content as ReadonlyArray<{ text?: string }> | undefined
  const text = content?.[0]?.text ?? ""
  return text.startsWith("<environment_context>") || text.startsWith("# AGENTS.md") || text.startsWith("<skills_instructions>")
}

describe("calls without outputs and parallel commands", () => {
  it.scopedLive("a CLI killed while a command runs resumes with `aborted` for that call, sent and recorded", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const marks = NodeFs.realpathSync(yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-killed-" }))
      const pidFile = `${marks}/slow.pid`
      const h = yield* setup([
        {
          type: "function_calls",
          calls: [
            { name: "exec_command", call_id: "call_fast", arguments: { cmd: "echo fast" } },
            { name: "exec_command", call_id: "call_slow", arguments: { cmd: `echo $$ > '${pidFile}'; exec sleep 60`, yield_time_ms: 60000 } }
          ]
        },
        { type: "message", text: "after resume" }
      ])
      yield* Effect.addFinalizer(() => killPidIn(pidFile))
      const command = Command.make(process.execPath, CLI_PATH, "run both").pipe(
        Command.env({ PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: "/nonexistent-home", CODEX_HOME: h.home, [KEY_VARIABLE]: "k", SHELL: "/bin/bash" }),
        Command.workingDirectory(h.workspace)
      )
      const proc = yield* Command.start(command)
      yield* until(() => readText(pidFile).trim() !== "", "the slow command to start")
      const [rollout] = yield* h.rollouts
      yield* until(() => readText(rollout!).includes("\"call_id\":\"call_fast\",\"output\""), "the fast result in the rollout")
      yield* proc.kill("SIGKILL")
      yield* proc.exitCode.pipe(Effect.ignore)
      const before = jsonLines(readText(rollout!))

      const resumed = yield* h.cli(["resume", "--last", "again"])
      expect(resumed.stdout).toBe("after resume\n")
      expect(resumed.exitCode).toBe(0)
      const posts = yield* h.posts
      const history = historyOf(inputOf(posts[1]))
      expect(history.map((i) => `${String(i.type)}:${String(i.call_id ?? i.role)}`)).toEqual([
        "message:user",
        "function_call:call_fast",
        "function_call:call_slow",
        "function_call_output:call_slow",
        "function_call_output:call_fast",
        "message:user"
      ])
      expect(history[3]).toEqual({ type: "function_call_output", call_id: "call_slow", output: "aborted" })
      // Recorded before the new user message, so the rollout alone never has a call without an output.
      const added = jsonLines(readText(rollout!)).slice(before.length)
      const items = added.filter((r) => r.type === "response_item").map((r) => r.payload as Record<string, unknown>)
      expect(items[0]).toEqual({ type: "function_call_output", call_id: "call_slow", output: "aborted" })
      expect(items[1]).toMatchObject({ type: "message", role: "user" })
    }).pipe(Effect.provide(NodeContext.layer)), 60_000)

  it.scopedLive("a rollout Codex wrote before it was killed resumes with `aborted` right after the open call", () =>
    Effect.gen(function* () {
      const h = yield* setup([{ type: "message", text: "after resume" }])
      const rollout = `${h.home}/codex-killed.jsonl`
      NodeFs.copyFileSync(`${FIXTURES}/codex-0.169-killed-during-tool.jsonl`, rollout)
      const resumed = yield* h.cli(["resume", rollout, "again"])
      expect(resumed.stderr).toBe("")
      expect(resumed.exitCode).toBe(0)
      const history = historyOf(inputOf((yield* h.posts)[0]))
      expect(history.map((i) => `${String(i.type)}:${String(i.call_id ?? i.role)}`)).toEqual([
        "message:user",
        "function_call:call_fast",
        "function_call:call_slow",
        "function_call_output:call_slow",
        "function_call_output:call_fast",
        "message:user"
      ])
      expect(history[3]).toEqual({ type: "function_call_output", call_id: "call_slow", output: "aborted" })
      const records = jsonLines(readText(rollout))
      expect(records.some((r) => JSON.stringify(r.payload) === JSON.stringify({ type: "function_call_output", call_id: "call_slow", output: "aborted" }))).toBe(true)
    }).pipe(Effect.provide(NodeContext.layer)), 60_000)

  it.scopedLive("two exec_command calls of one response run at the same time; results keep call order", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const marks = NodeFs.realpathSync(yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-parallel-" }))
      const log = `${marks}/log`
      // Each command waits (up to about 10 s) for the other to have started; run one after the other,
      // the first would give up and log "first-gave-up". Which one starts first is not fixed: each
      // may take its own time to start (inside a sandbox, for one).
      const waitFor = (name: string, self: string) =>
        `touch '${marks}/${self}'; echo ${self}-start >> '${log}'; ` +
        `for i in $(seq 200); do [ -e '${marks}/${name}' ] && break; sleep 0.05; done; ` +
        `[ -e '${marks}/${name}' ] || echo ${self}-gave-up >> '${log}'; echo ${self}-end >> '${log}'`
      const first = `${waitFor("second", "first")}; echo FIRST`
      const second = `${waitFor("first", "second")}; echo SECOND`
      const h = yield* setup([
        {
          type: "function_calls",
          calls: [
            { name: "exec_command", call_id: "call_first", arguments: { cmd: first, yield_time_ms: 20000 } },
            { name: "exec_command", call_id: "call_second", arguments: { cmd: second, yield_time_ms: 20000 } }
          ]
        },
        { type: "message", text: "done" }
      ])
      const run = yield* h.cli(["run both"])
      expect(run.exitCode).toBe(0)
      // Neither gave up waiting for the other: they ran at the same time.
      const lines = readText(log).split("\n").filter((l) => l !== "")
      expect([...lines].sort()).toEqual(["first-end", "first-start", "second-end", "second-start"])
      const outputs = inputOf((yield* h.posts)[1]).filter((i) => i.type === "function_call_output")
      expect(outputs.map((o) => o.call_id)).toEqual(["call_first", "call_second"])
      expect(String(outputs[0]!.output)).toMatch(/FIRST/)
      expect(String(outputs[1]!.output)).toMatch(/SECOND/)
    }).pipe(Effect.provide(NodeContext.layer)), 60_000)
})
