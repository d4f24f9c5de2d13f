/** shell and shell_command on real processes: output text, timeouts, process-group cleanup, clipping. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Layer } from "effect"
import * as NodePath from "node:path"
import * as Environment from "../../../src/config/Environment.js"
import { toolCall, type ToolResult } from "../../../src/protocol/Items.js"
import { serializeToolSpec } from "../../../src/protocol/Prompt.js"
import * as Shell from "../../../src/tools/Shell.js"
import * as StreamCapture from "../../../src/tools/shell/StreamCapture.js"
import type * as Tool from "../../../src/tools/Tool.js"
import * as ToolRegistry from "../../../src/tools/ToolRegistry.js"
import * as Gates from "../../support/Gates.js"
import { awaitGone } from "../../support/Processes.js"

const context: Tool.ToolContext = { turnId: "turn-1", history: [], collaborationMode: "default" }
const live = Layer.merge(NodeContext.layer, Environment.layerValue({ PATH: "/usr/local/bin:/usr/bin:/bin", HOME: "/tmp" }))

const setup = Effect.gen(function*() {
  const fs = yield* FileSystem.FileSystem
  const dir = yield* fs.realPath(yield* fs.makeTempDirectoryScoped({ prefix: "shell-tool-" }))
  const registry = ToolRegistry.make([yield* Shell.makeShell({ cwd: dir }), yield* Shell.makeShellCommand({ cwd: dir })])
  const run = (name: string, args: Record<string, unknown>): Effect.Effect<ToolResult> =>
    registry.execute(toolCall("call-1", name, args), context)
  const text = (name: string, args: Record<string, unknown>) =>
    Effect.map(run(name, args), (result) => {
      expect(result.isError).toBe(false)
      return result.output as string
    })
  return { fs, dir, registry, run, text }
})

/** Reads pids a command wrote, one per line. */
const pidsIn = (fs: FileSystem.FileSystem, path: string) =>
  Effect.map(fs.readFileString(path), (text) => text.trim().split("\n").map(Number))

describe("shell and shell_command", () => {
  it.scopedLive("are declared with the documented parameters and never run in parallel", () =>
    Effect.gen(function*() {
      const { registry } = yield* setup
      const [shell, shellCommand] = registry.specs.map((s) => Either.getOrThrow(serializeToolSpec(s)))
      expect(shell).toMatchObject({ type: "function", name: "shell", strict: false, parameters: {
        type: "object",
        properties: { command: { type: "array", items: { type: "string" } }, timeout_ms: { type: "integer" }, workdir: { type: "string" } },
        required: ["command"]
      } })
      expect(shellCommand).toMatchObject({ type: "function", name: "shell_command", strict: false, parameters: {
        type: "object",
        properties: { command: { type: "string" }, login: { type: "boolean" }, timeout_ms: { type: "integer" }, workdir: { type: "string" } },
        required: ["command"]
      } })
      expect(registry.supportsParallel("shell")).toBe(true) // as Codex declares it
      expect(registry.supportsParallel("shell_command")).toBe(true)
    }).pipe(Effect.provide(live)))

  it.scopedLive("reports the working directory, exit code and both streams exactly", () =>
    Effect.gen(function*() {
      const { dir, fs, text } = yield* setup
      expect(yield* text("shell", { command: ["bash", "-lc", "pwd"] })).toBe(`Working directory: ${dir}\nExit code: 0\nStdout:\n${dir}\n`)
      expect(yield* text("shell_command", { command: "echo hi; echo err >&2; exit 3" })).toBe(
        `Working directory: ${dir}\nExit code: 3\nStdout:\nhi\n\nStderr:\nerr\n`
      )
      expect(yield* text("shell", { command: ["true"] })).toBe(`Working directory: ${dir}\nExit code: 0`)
      expect(yield* text("shell_command", { command: "kill -TERM $$", login: false })).toBe(`Working directory: ${dir}\nExit code: -15`)
      yield* fs.makeDirectory(NodePath.join(dir, "sub"))
      yield* fs.symlink(NodePath.join(dir, "sub"), NodePath.join(dir, "link"))
      expect(yield* text("shell_command", { command: "pwd -P", workdir: "link" })).toBe(
        `Working directory: ${dir}/sub\nExit code: 0\nStdout:\n${dir}/sub\n`
      )
      expect(yield* text("shell", { command: ["cat"] })).toBe(`Working directory: ${dir}\nExit code: 0`)
    }).pipe(Effect.provide(live)))

  it.scopedLive("refuses bad arguments and reports missing programs and folders as errors", () =>
    Effect.gen(function*() {
      const { dir, run, text } = yield* setup
      expect(yield* text("shell", { command: [] })).toBe("Error: `command` must be a non-empty string array.")
      expect(yield* text("shell", { command: "ls" })).toBe("Error: `command` must be a non-empty string array.")
      expect(yield* text("shell", { command: ["ls", ""] })).toBe("Error: each `command` entry must be a non-empty string.")
      expect(yield* text("shell_command", { command: "   " })).toBe("Error: `command` is required.")
      const missing = yield* run("shell", { command: ["no-such-program-here"] })
      expect(missing.isError).toBe(true)
      expect(missing.output).toEqual({ error: "FileNotFoundError: No such file or directory: 'no-such-program-here'" })
      const noDir = yield* run("shell_command", { command: "pwd", workdir: "nope" })
      expect(noDir.output).toEqual({ error: `FileNotFoundError: No such file or directory: '${dir}/nope'` })
      const badTimeout = yield* run("shell", { command: ["true"], timeout_ms: "soon" })
      expect(badTimeout.isError).toBe(true)
    }).pipe(Effect.provide(live)))

  it.scopedLive("on timeout kills the whole process group and keeps the output produced so far", () =>
    Effect.gen(function*() {
      const { dir, fs, text } = yield* setup
      const out = yield* text("shell_command", {
        command: "echo before; sleep 30 & echo $! > pids; (sleep 30; echo never) & echo $! >> pids; echo $$ >> pids; wait",
        timeout_ms: 300
      })
      expect(out).toBe(`Working directory: ${dir}\nTimeout: exceeded 300 ms\nStdout:\nbefore\n`)
      const pids = yield* pidsIn(fs, NodePath.join(dir, "pids"))
      expect(pids).toHaveLength(3)
      for (const pid of pids) expect(yield* awaitGone(pid)).toBe(true)
      expect(yield* text("shell", { command: ["bash", "-lc", "sleep 1"], timeout_ms: 10 })).toContain("Timeout: exceeded 10 ms")
    }).pipe(Effect.provide(live)))

  it.scopedLive("leaves nothing running after a command that exits while its children go on", () =>
    Effect.gen(function*() {
      const { dir, fs, text } = yield* setup
      const out = yield* text("shell_command", { command: "sleep 30 > /dev/null 2>&1 & echo $! > pid; echo started" })
      expect(out).toBe(`Working directory: ${dir}\nExit code: 0\nStdout:\nstarted\n`)
      const [pid] = yield* pidsIn(fs, NodePath.join(dir, "pid"))
      expect(yield* awaitGone(pid!)).toBe(true)
      // one that keeps the output pipe open is ended too, and its earlier output kept
      const held = yield* text("shell_command", { command: "sleep 30 & echo $! > pid2; echo held" })
      expect(held).toBe(`Working directory: ${dir}\nExit code: 0\nStdout:\nheld\n`)
      const [holder] = yield* pidsIn(fs, NodePath.join(dir, "pid2"))
      expect(yield* awaitGone(holder!)).toBe(true)
    }).pipe(Effect.provide(live)))

  it.scopedLive("clips a long stream to its head and tail around a marker", () =>
    Effect.gen(function*() {
      const { text } = yield* setup
      const out = yield* text("shell_command", { command: "printf 'H%.0s' $(seq 1 10000); printf 'T%.0s' $(seq 1 10000); printf 'e%.0s' $(seq 1 5) >&2" })
      const stdout = out.slice(out.indexOf("Stdout:\n") + 8, out.indexOf("\nStderr:"))
      expect(stdout).toBe(`${"H".repeat(6000)}\n...[8000 characters truncated]...\n${"T".repeat(6000)}`)
      expect(out.endsWith("\nStderr:\neeeee")).toBe(true)
    }).pipe(Effect.provide(live)))
})

describe("shell tools under a sandbox", () => {
  it.scopedLive("run the wrapped command, and refuse when the sandbox refuses", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const dir = yield* fs.realPath(yield* fs.makeTempDirectoryScoped({ prefix: "shell-sandbox-" }))
      const wrapping = yield* Gates.make({ wrap: (argv) => Effect.succeed(["env", "WRAPPED=yes", ...argv] as [string, ...Array<string>]) })
      const refusing = yield* Gates.make({ wrap: () => Effect.fail({ message: "sandbox unavailable: no bwrap" }) })
      const wrapped = yield* Shell.makeShellCommand({ cwd: dir, gate: wrapping.gate })
      const refused = yield* Shell.makeShell({ cwd: dir, gate: refusing.gate })
      const registry = ToolRegistry.make([wrapped, refused])
      const ok = yield* registry.execute(toolCall("c1", "shell_command", { command: "echo $WRAPPED" }), context)
      expect(ok.output).toBe(`Working directory: ${dir}\nExit code: 0\nStdout:\nyes\n`)
      const no = yield* registry.execute(toolCall("c2", "shell", { command: ["true"] }), context)
      expect(no.isError).toBe(true)
      expect(no.output).toEqual({ error: "SandboxError: sandbox unavailable: no bwrap" })
    }).pipe(Effect.provide(live)))

  it.scopedLive("go through the approval policy: untrusted asks, a refusal starts nothing, on-failure offers an unsandboxed rerun", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const dir = yield* fs.realPath(yield* fs.makeTempDirectoryScoped({ prefix: "shell-approval-" }))
      const marker = NodePath.join(dir, "ran")
      const untrusted = yield* Gates.make({ policy: "untrusted", answers: ["deny"] })
      const shell = yield* Shell.makeShellCommand({ cwd: dir, gate: untrusted.gate })
      const denied = yield* ToolRegistry.make([shell]).execute(
        toolCall("c1", "shell_command", { command: `touch ${marker}`, justification: "make a marker" }),
        context
      )
      expect(denied.output).toBe("exec command rejected by user")
      expect(yield* fs.exists(marker)).toBe(false)
      expect(yield* untrusted.asked).toEqual([
        { command: `bash -lc 'touch ${marker}'`, cwd: dir, reason: "untrusted", justification: "make a marker" }
      ])
      // a known-safe command is not asked about
      const safe = yield* ToolRegistry.make([shell]).execute(toolCall("c2", "shell_command", { command: "ls" }), context)
      expect(safe.output).toMatch(/^Working directory: .*\nExit code: 0/)
      expect(yield* untrusted.asked).toHaveLength(1)

      // the "sandbox" makes every command fail as a read-only file system does
      const failing = yield* Gates.make({
        policy: "on-failure",
        answers: ["approve"],
        wrap: () => Effect.succeed(["bash", "-c", "echo 'touch: cannot touch: Read-only file system' >&2; exit 1"])
      })
      const rerun = yield* Shell.makeShell({ cwd: dir, gate: failing.gate })
      const out = yield* ToolRegistry.make([rerun]).execute(toolCall("c3", "shell", { command: ["touch", marker] }), context)
      expect(out.output).toBe(`Working directory: ${dir}\nExit code: 0`)
      expect(yield* fs.exists(marker)).toBe(true)
      expect((yield* failing.asked).map((request) => request.reason)).toEqual(["sandbox-failure"])
    }).pipe(Effect.provide(live)))

  it.scopedLive("an escalation request is refused under never and asked about under on-request", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const dir = yield* fs.realPath(yield* fs.makeTempDirectoryScoped({ prefix: "shell-escalate-" }))
      const never = yield* Gates.make({ policy: "never" })
      const refused = yield* ToolRegistry.make([yield* Shell.makeShellCommand({ cwd: dir, gate: never.gate })]).execute(
        toolCall("c1", "shell_command", { command: "echo hi", sandbox_permissions: "require_escalated" }),
        context
      )
      expect(refused.output).toBe(
        "approval policy is Never; reject command — you cannot ask for escalated permissions if the approval policy is Never"
      )
      const onRequest = yield* Gates.make({ policy: "on-request", answers: ["approve"], wrap: () => Effect.succeed(["false"]) })
      const registry = ToolRegistry.make([yield* Shell.makeShell({ cwd: dir, gate: onRequest.gate })])
      const approved = yield* registry.execute(
        toolCall("c2", "shell", { command: ["echo", "hi"], sandbox_permissions: "require_escalated", justification: "Say hi?" }),
        context
      )
      expect(approved.output).toBe(`Working directory: ${dir}\nExit code: 0\nStdout:\nhi\n`)
      expect(yield* onRequest.asked).toEqual([{ command: "echo hi", cwd: dir, reason: "escalation", justification: "Say hi?" }])
      const bad = yield* registry.execute(toolCall("c3", "shell", { command: ["true"], sandbox_permissions: "root" }), context)
      expect(bad.output).toBe("Error: unknown sandbox_permissions \"root\"; expected use_default or require_escalated.")
    }).pipe(Effect.provide(live)))
})

describe("stream capture", () => {
  it("keeps short output whole and clips long output by characters, not bytes", () => {
    const capture = StreamCapture.make()
    capture.push(new TextEncoder().encode("héllo\n"))
    expect(capture.text()).toBe("héllo\n")
    const big = StreamCapture.make()
    const piece = new TextEncoder().encode("é".repeat(1000))
    for (let i = 0; i < 100; i++) big.push(piece)
    expect(big.text()).toBe(`${"é".repeat(6000)}\n...[88000 characters truncated]...\n${"é".repeat(6000)}`)
    expect(StreamCapture.clip("a".repeat(12_000))).toBe("a".repeat(12_000))
  })
})
