/** What request_permissions grants widens the sandbox: the granted paths become writable and the network opens, for the turn or the session. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import * as Environment from "../../src/config/Environment.js"
import { toolCall, type ToolResult } from "../../src/protocol/Items.js"
import * as Approvals from "../../src/sandbox/Approvals.js"
import * as Sandbox from "../../src/sandbox/Sandbox.js"
import * as SandboxPolicy from "../../src/sandbox/SandboxPolicy.js"
import * as PermissionRequests from "../../src/tools/PermissionRequests.js"
import * as RequestPermissions from "../../src/tools/RequestPermissions.js"
import * as ToolRegistry from "../../src/tools/ToolRegistry.js"
import { makeUnifiedExecTools, sandboxGate } from "../../src/tools/UnifiedExecTools.js"
import { bubblewrap, GREETING, loopbackGreeter, scratchFolders } from "../support/Bubblewrap.js"

const bwrap = "bwrap" in bubblewrap ? bubblewrap.bwrap : undefined
const skipReason = "skip" in bubblewrap ? ` (skipped: ${bubblewrap.skip})` : ""

const settings = (mode: SandboxPolicy.SandboxMode): SandboxPolicy.SandboxSettings => ({
  requestedMode: mode,
  writableRoots: [],
  networkAccess: false,
  excludeTmpdirEnvVar: true,
  excludeSlashTmp: true,
  bwrapPath: bwrap
})

const scratch = scratchFolders("home")

const sandboxFor = (mode: SandboxPolicy.SandboxMode, cwd: string) =>
  Sandbox.make({ settings: settings(mode), cwd, tmpdir: undefined, availability: Sandbox.Availability.Available({ bwrap: bwrap ?? "/usr/bin/bwrap" }) })

describe("permission grants", () => {
  it("read the network and absolute write paths of a request_permissions answer, nothing else", () => {
    expect(SandboxPolicy.grantOf({ network: { enabled: true }, file_system: { read: ["/etc"], write: ["/srv/data/", "relative", 7] } }))
      .toEqual({ network: true, writableRoots: ["/srv/data"] })
    expect(SandboxPolicy.grantOf({})).toEqual(SandboxPolicy.NO_GRANT)
    expect(SandboxPolicy.grantOf("everything")).toEqual(SandboxPolicy.NO_GRANT)
    expect(SandboxPolicy.grantOf({ network: { enabled: false } })).toEqual(SandboxPolicy.NO_GRANT)
  })

  it.effect("name a granted path that goes through a link by its real path, as the sandbox mounts it", () =>
    Effect.gen(function*() {
      const { base, home } = yield* scratch
      const link = NodePath.join(base, "link")
      NodeFs.symlinkSync(home, link)
      expect(SandboxPolicy.grantOf({ file_system: { write: [link, NodePath.join(base, "missing")] } }).writableRoots)
        .toEqual([home, NodePath.join(base, "missing")])
    }).pipe(Effect.scoped))

  it("widen a policy (granted roots keep .git read-only) and leave danger-full-access as it is", () => {
    const readOnly = SandboxPolicy.policyFor("read-only", settings("read-only"), "/project", undefined)
    const widened = SandboxPolicy.widen(readOnly, { network: true, writableRoots: ["/srv/data"] })
    expect(widened).toEqual({
      mode: "read-only",
      writableRoots: [{ root: "/srv/data", readOnlySubpaths: ["/srv/data/.git"] }],
      networkAccess: true
    })
    expect(SandboxPolicy.writeRefusal(widened, "/srv/data/x")).toBeUndefined()
    expect(SandboxPolicy.writeRefusal(widened, "/srv/data/.git/config")).toBe("/srv/data/.git stays read-only in the read-only sandbox")
    expect(SandboxPolicy.writeRefusal(widened, "/project/x")).toBe("writing is blocked by read-only sandbox")
    const full = SandboxPolicy.policyFor("danger-full-access", settings("danger-full-access"), "/project", undefined)
    expect(SandboxPolicy.widen(full, { network: true, writableRoots: ["/srv"] })).toBe(full)
  })

  it.effect("a turn grant holds for that turn only, a session grant for every turn", () =>
    Effect.gen(function*() {
      const sandbox = sandboxFor("workspace-write", "/project")
      yield* sandbox.grant({ file_system: { write: ["/srv/turn"] } }, "turn", "t1")
      expect(sandbox.writeRefusal("/srv/turn/a", "t1")).toBeUndefined()
      expect(sandbox.writeRefusal("/srv/turn/a", "t2")).toContain("outside the writable roots")
      expect(sandbox.writeRefusal("/srv/turn/a")).toContain("outside the writable roots")
      expect(sandbox.policyFor("t2").networkAccess).toBe(false)
      yield* sandbox.grant({ network: { enabled: true }, file_system: { write: ["/srv/session"] } }, "session", "t1")
      expect(sandbox.policyFor("t2").networkAccess).toBe(true)
      expect(sandbox.writeRefusal("/srv/session/a", "t2")).toBeUndefined()
      expect(sandbox.writeRefusal("/srv/turn/a", "t1")).toBeUndefined()
      // the settled policy itself is what the configuration says
      expect(sandbox.policy.networkAccess).toBe(false)
    }))

  it.effect("the bwrap command line of a granted turn binds the granted folder and keeps the network", () =>
    Effect.gen(function*() {
      const { home, work } = yield* scratch
      const sandbox = sandboxFor("workspace-write", work)
      const before = yield* sandbox.wrap(["/bin/true"], work, "t1")
      expect(before.join(" ")).not.toContain(`--bind ${home} ${home}`)
      expect(before).toContain("--unshare-net")
      yield* sandbox.grant({ network: { enabled: true }, file_system: { write: [home] } }, "turn", "t1")
      const after = (yield* sandbox.wrap(["/bin/true"], work, "t1")).join(" ")
      expect(after).toContain(`--bind ${home} ${home}`)
      expect(after).toContain(`--ro-bind ${home}/.git ${home}/.git`)
      expect(after).not.toContain("--unshare-net")
      expect(yield* sandbox.wrap(["/bin/true"], work, "t2")).toContain("--unshare-net")
    }).pipe(Effect.scoped))
})

const live = Layer.merge(NodeContext.layer, Environment.layerValue({ SHELL: "/bin/bash", PATH: "/usr/local/bin:/usr/bin:/bin" }))

/** exec_command and request_permissions over one sandbox; the user answers each request with the next of `answers`. */
const registry = (cwd: string, mode: SandboxPolicy.SandboxMode, answers: Array<"turn" | "session" | "deny">) =>
  Effect.gen(function*() {
    const sandbox = sandboxFor(mode, cwd)
    const approvals = yield* Approvals.make("on-request", undefined)
    const exec = yield* makeUnifiedExecTools({ cwd, gate: sandboxGate(sandbox, approvals) })
    const requests = yield* PermissionRequests.make((request) =>
      Effect.sync(() => {
        const answer = answers.shift() ?? "deny"
        return Option.some(answer === "deny" ? { permissions: {}, scope: "turn" } : { permissions: request.permissions, scope: answer })
      }))
    return ToolRegistry.make([...exec.tools, RequestPermissions.make(requests, sandbox)])
  })

let calls = 0
const call = (reg: ToolRegistry.ToolRegistry, turnId: string, name: string, args: Record<string, unknown>) =>
  reg.execute(toolCall(`call-${++calls}`, name, name === "exec_command" ? { login: false, yield_time_ms: 5000, ...args } : args), {
    turnId,
    history: [],
    collaborationMode: "default"
  })
const text = (result: ToolResult): string => {
  expect(result.isError).toBe(false)
  return typeof result.output === "string" ? result.output : JSON.stringify(result.output)
}

describe.skipIf(bwrap === undefined)(`granted permissions in a real bubblewrap sandbox${skipReason}`, () => {
  it.scopedLive("a folder granted for the turn is writable in that turn only; a denied request changes nothing", () =>
    Effect.gen(function*() {
      const { home, work } = yield* scratch
      const reg = yield* registry(work, "workspace-write", ["deny", "turn"])
      const write = `echo data > '${home}/granted.txt' && echo written`
      expect(text(yield* call(reg, "t1", "exec_command", { cmd: write }))).toContain("Read-only file system")
      const ask = { reason: "write the report", permissions: { file_system: { write: [home] } } }
      expect(text(yield* call(reg, "t1", "request_permissions", ask))).toContain("\"permissions\":{}")
      expect(text(yield* call(reg, "t1", "exec_command", { cmd: write }))).toContain("Read-only file system")
      expect(NodeFs.existsSync(NodePath.join(home, "granted.txt"))).toBe(false)
      expect(text(yield* call(reg, "t1", "request_permissions", ask))).toContain("\"scope\":\"turn\"")
      expect(text(yield* call(reg, "t1", "exec_command", { cmd: write }))).toContain("Process exited with code 0")
      expect(NodeFs.readFileSync(NodePath.join(home, "granted.txt"), "utf8")).toBe("data\n")
      // the granted folder's .git stays read-only
      expect(text(yield* call(reg, "t1", "exec_command", { cmd: `echo x > '${home}/.git/hook'` }))).toContain("Read-only file system")
      const later = text(yield* call(reg, "t2", "exec_command", { cmd: `echo more > '${home}/later.txt'` }))
      expect(later).toContain("Read-only file system")
      expect(NodeFs.existsSync(NodePath.join(home, "later.txt"))).toBe(false)
    }).pipe(Effect.provide(live)))

  it.scopedLive("network granted for the session reaches a loopback server in later turns too", () =>
    Effect.gen(function*() {
      const { work } = yield* scratch
      const { connect } = yield* loopbackGreeter
      const reg = yield* registry(work, "read-only", ["session"])
      expect(text(yield* call(reg, "t1", "exec_command", { cmd: connect }))).not.toContain(GREETING)
      yield* call(reg, "t1", "request_permissions", { permissions: { network: { enabled: true } } })
      const reached = text(yield* call(reg, "t2", "exec_command", { cmd: connect }))
      expect(reached).toContain(GREETING)
      expect(reached).toContain("Process exited with code 0")
    }).pipe(Effect.provide(live)))
})
