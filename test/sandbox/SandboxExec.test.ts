/** exec_command under a real bubblewrap sandbox: what read-only and workspace-write allow, network, cleanup, escalation. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer, Schedule, Scope } from "effect"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import * as Environment from "../../src/config/Environment.js"
import { toolCall, type ToolResult } from "../../src/protocol/Items.js"
import * as Approvals from "../../src/sandbox/Approvals.js"
import * as Sandbox from "../../src/sandbox/Sandbox.js"
import type * as SandboxPolicy from "../../src/sandbox/SandboxPolicy.js"
import type * as Tool from "../../src/tools/Tool.js"
import * as ToolRegistry from "../../src/tools/ToolRegistry.js"
import { makeUnifiedExecTools, sandboxGate } from "../../src/tools/UnifiedExecTools.js"
import { bubblewrap, GREETING, loopbackGreeter, pidsWith, scratchFolders } from "../support/Bubblewrap.js"

const context: Tool.ToolContext = { turnId: "turn-1", history: [], collaborationMode: "default" }
const bwrap = "bwrap" in bubblewrap ? bubblewrap.bwrap : undefined
const skipReason = "skip" in bubblewrap ? ` (skipped: ${bubblewrap.skip})` : ""

const scratch = scratchFolders("work")

const settings = (mode: SandboxPolicy.SandboxMode, network = false): SandboxPolicy.SandboxSettings => ({
  requestedMode: mode,
  writableRoots: [],
  networkAccess: network,
  // /tmp holds the scratch folders: keep it out so "outside the roots" can be tested there.
  excludeTmpdirEnvVar: true,
  excludeSlashTmp: true,
  bwrapPath: bwrap
})

const registry = (
  cwd: string,
  mode: SandboxPolicy.SandboxMode,
  options: { readonly network?: boolean; readonly approvals?: Approvals.Approvals } = {}
) =>
  Effect.gen(function*() {
    const sandbox = Sandbox.make({
      settings: settings(mode, options.network),
      cwd,
      tmpdir: undefined,
      availability: Sandbox.Availability.Available({ bwrap: bwrap ?? "bwrap" })
    })
    const approvals = options.approvals ?? (yield* Approvals.make("never", undefined))
    const tools = yield* makeUnifiedExecTools({ cwd, gate: sandboxGate(sandbox, approvals) })
    return ToolRegistry.make(tools.tools)
  })

const live = Layer.merge(NodeContext.layer, Environment.layerValue({ SHELL: "/bin/bash", PATH: "/usr/local/bin:/usr/bin:/bin" }))
let calls = 0
const run = (reg: ToolRegistry.ToolRegistry, args: Record<string, unknown>) =>
  reg.execute(toolCall(`call-${++calls}`, "exec_command", { login: false, yield_time_ms: 5000, ...args }), context)
const text = (result: ToolResult): string => {
  expect(result.isError).toBe(false)
  return result.output as string
}
const body = (output: string) => output.slice(output.indexOf("\nOutput:\n") + "\nOutput:\n".length)

describe.skipIf(bwrap === undefined)(`commands in a real bubblewrap sandbox${skipReason}`, () => {
  it.scopedLive("read-only: a write in the working directory is refused and nothing is written", () =>
    Effect.gen(function*() {
      const { work } = yield* scratch
      const reg = yield* registry(work, "read-only")
      const out = text(yield* run(reg, { cmd: "echo data > made.txt" }))
      expect(out).toContain("Read-only file system")
      expect(out).not.toContain("Process exited with code 0")
      expect(NodeFs.existsSync(NodePath.join(work, "made.txt"))).toBe(false)
      // Reading still works, and the model sees the command it asked for, not the bwrap wrapper.
      const read = text(yield* run(reg, { cmd: "ls -a" }))
      expect(read).toContain("Command: /bin/bash -c 'ls -a'\n")
      expect(body(read)).toContain(".git")
    }).pipe(Effect.provide(live)))

  it.scopedLive("workspace-write: the cwd is writable; a folder outside the roots and .git are not", () =>
    Effect.gen(function*() {
      const { home, work } = yield* scratch
      const reg = yield* registry(work, "workspace-write")
      const inside = text(yield* run(reg, { cmd: "echo data > made.txt && mkdir -p sub && echo more > sub/x && echo done" }))
      expect(inside).toContain("Process exited with code 0")
      expect(NodeFs.readFileSync(NodePath.join(work, "sub", "x"), "utf8")).toBe("more\n")
      const outside = text(yield* run(reg, { cmd: `echo data > '${home}/escape.txt'` }))
      expect(outside).toContain("Read-only file system")
      expect(NodeFs.existsSync(NodePath.join(home, "escape.txt"))).toBe(false)
      const git = text(yield* run(reg, { cmd: "echo hook > .git/hooks-escape" }))
      expect(git).toContain("Read-only file system")
      expect(NodeFs.existsSync(NodePath.join(work, ".git", "hooks-escape"))).toBe(false)
    }).pipe(Effect.provide(live)))

  it.scopedLive("workspace-write: a root without .git gets no .git made on the host by the sandbox", () =>
    Effect.gen(function*() {
      const { work } = yield* scratch
      NodeFs.rmSync(NodePath.join(work, ".git"), { recursive: true })
      const reg = yield* registry(work, "workspace-write")
      expect(text(yield* run(reg, { cmd: "echo ran" }))).toContain("Process exited with code 0")
      // bwrap creates the target of every mount it makes; mounting over a missing .git left an
      // empty .git file behind, which made the folder look like a broken repository.
      expect(NodeFs.existsSync(NodePath.join(work, ".git"))).toBe(false)
    }).pipe(Effect.provide(live)))

  it.scopedLive("network off: a loopback server outside is unreachable inside; reachable when network_access is on", () =>
    Effect.gen(function*() {
      const { work } = yield* scratch
      const { connect } = yield* loopbackGreeter
      const isolated = yield* registry(work, "workspace-write")
      const blocked = text(yield* run(isolated, { cmd: connect }))
      expect(blocked).not.toContain(GREETING)
      expect(blocked).not.toContain("Process exited with code 0")
      const open = yield* registry(work, "workspace-write", { network: true })
      const reached = text(yield* run(open, { cmd: connect }))
      // The machine's shell start-up files may add their own complaints about the read-only home.
      expect(body(reached).split("\n")).toContain(GREETING)
      expect(reached).toContain("Process exited with code 0")
    }).pipe(Effect.provide(live)))

  it.scopedLive("a terminal session (tty: true) is sandboxed the same way", () =>
    Effect.gen(function*() {
      const { work } = yield* scratch
      const reg = yield* registry(work, "read-only")
      const out = text(yield* run(reg, { cmd: "test -t 0 && echo on-a-terminal; echo data > made.txt", tty: true }))
      expect(out).toContain("on-a-terminal")
      expect(out).toContain("Read-only file system")
      expect(NodeFs.existsSync(NodePath.join(work, "made.txt"))).toBe(false)
    }).pipe(Effect.provide(live)))

  it.scopedLive("a sandboxed sleep and its background child end when the session scope closes", () =>
    Effect.gen(function*() {
      const { work } = yield* scratch
      const scope = yield* Scope.make()
      const marker = `${900 + Math.floor(Math.random() * 99)}.${process.pid}`
      const reg = yield* registry(work, "workspace-write").pipe(Scope.extend(scope))
      const out = text(yield* run(reg, { cmd: `sleep ${marker}1 & exec sleep ${marker}2`, yield_time_ms: 300 }))
      expect(out).toContain("Process running with session ID")
      expect(pidsWith(`sleep ${marker}1`).length).toBeGreaterThan(0)
      expect(pidsWith(`sleep ${marker}2`).length).toBeGreaterThan(0)
      yield* Scope.close(scope, Exit.void)
      const gone = yield* Effect.suspend(() =>
        pidsWith(`sleep ${marker}`).length === 0 ? Effect.succeed(true) : Effect.fail("alive")
      ).pipe(Effect.retry(Schedule.spaced("20 millis").pipe(Schedule.intersect(Schedule.recurs(150)))), Effect.orElseSucceed(() => false))
      expect(gone).toBe(true)
    }).pipe(Effect.provide(live)), 20_000)
})
