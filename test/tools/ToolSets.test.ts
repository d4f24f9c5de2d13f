/** Tool sets: the full registry against the recorded full-registry declarations, the named layers, and selection by config. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Layer } from "effect"
import * as NodeFs from "node:fs"
import * as NodeOs from "node:os"
import * as NodePath from "node:path"
import * as SubAgents from "../../src/agent/SubAgents.js"
import * as Environment from "../../src/config/Environment.js"
import { toolCall } from "../../src/protocol/Items.js"
import { serializeToolSpec } from "../../src/protocol/Prompt.js"
import * as Approvals from "../../src/sandbox/Approvals.js"
import * as Bwrap from "../../src/sandbox/Bwrap.js"
import * as Sandbox from "../../src/sandbox/Sandbox.js"
import * as SandboxPolicy from "../../src/sandbox/SandboxPolicy.js"
import * as ExecModeTools from "../../src/stack/ExecModeTools.js"
import * as FullTools from "../../src/stack/FullTools.js"
import * as PermissionRequests from "../../src/tools/PermissionRequests.js"
import * as PlanStore from "../../src/tools/PlanStore.js"
import * as SubAgentTools from "../../src/stack/SubAgentTools.js"
import * as ToolRegistry from "../../src/tools/ToolRegistry.js"
import * as ToolSelection from "../../src/tools/ToolSelection.js"
import * as UserInput from "../../src/tools/UserInput.js"
import * as ExecTools from "../support/ExecTools.js"

const fixture = (name: string): ReadonlyArray<Record<string, unknown>> =>
  JSON.parse(NodeFs.readFileSync(NodePath.join(import.meta.dirname, "..", "fixtures", "tools", name), "utf8"))

/** The declaration with every description replaced, so structures compare and wording may differ. */
const structure = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(structure)
  if (typeof value !== "object" || value === null) return value
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, key === "description" && typeof inner === "string" ? "<description>" : structure(inner)]))
}

const services = Layer.mergeAll(
  NodeContext.layer,
  Environment.layerValue({ PATH: process.env.PATH ?? "/usr/bin:/bin", SHELL: "/bin/bash" }),
  PlanStore.layer,
  UserInput.layer,
  PermissionRequests.layer,
  SubAgents.layer()
)

const serialized = (registry: ToolRegistry.ToolRegistry) => registry.specs.map((spec) => Either.getOrThrow(serializeToolSpec(spec)))

describe("tool sets", () => {
  it.scopedLive("the full registry declares the 20 tools with the recorded structure, in order", () =>
    Effect.gen(function*() {
      const registry = yield* FullTools.make()
      const expected = fixture("full_tools.pycodex.json")
      expect(registry.names).toEqual([...ToolSelection.FULL_ORDER])
      const actual = serialized(registry)
      // compared as parsed JSON: key order on the wire follows Codex
      expect(actual.map((d) => Object.keys(d).sort())).toEqual(expected.map((d) => Object.keys(d).sort()))
      for (let i = 0; i < expected.length; i++) expect(structure(actual[i])).toEqual(structure(expected[i]))
      // the exec-mode tools among them derive the reference declarations exactly, descriptions included
      const snapshot = ExecTools.declarations
      for (const entry of snapshot) {
        const name = (entry.name ?? entry.type) as string
        expect(actual[registry.names.indexOf(name)]).toEqual(entry)
      }
      expect(ToolSelection.FULL_ORDER.filter((n) => registry.supportsParallel(n))).toEqual(
        ["shell", "shell_command", "exec_command", "grep_files", "read_file", "list_dir", "view_image"]
      )
    }).pipe(Effect.provide(services)))

  it.scopedLive("code mode in the full registry calls the other tools of the same registry", () =>
    Effect.gen(function*() {
      const registry = yield* FullTools.make()
      const { toolCall } = yield* Effect.promise(() => import("../../src/protocol/Items.js"))
      const result = yield* registry.execute(
        toolCall("c1", "exec", "text(await tools.update_plan({ plan: [{ step: 'a', status: 'pending' }] })); text(ALL_TOOLS.length)", "custom"),
        { turnId: "t", history: [], collaborationMode: "default" }
      )
      expect(result.output).toMatch(/\n\nPlan updated\n17$/)
    }).pipe(Effect.provide(services)))

  it.scopedLive("the named layers give the exec-mode, full and sub-agent registries", () =>
    Effect.gen(function*() {
      const exec = yield* Effect.provide(ToolRegistry.ToolRegistry, ExecModeTools.layer())
      expect(exec.names).toEqual([...ToolSelection.EXEC_MODE_ORDER])
      const execSnapshot = ExecTools.declarations
      expect(serialized(exec)).toEqual(execSnapshot)
      const full = yield* Effect.provide(ToolRegistry.ToolRegistry, FullTools.layer())
      expect(full.names).toHaveLength(20)
      const sub = yield* Effect.provide(ToolRegistry.ToolRegistry, SubAgentTools.layer())
      expect(sub.names).toEqual(["exec_command", "write_stdin", "update_plan", "apply_patch", "web_search", "view_image"])
    }).pipe(Effect.provide(services)))
})

describe("tool selection", () => {
  const select = (raw: Record<string, unknown>) => Either.getOrThrow(ToolSelection.fromConfig(raw))

  it("offers exactly the exec-mode tools by default", () => {
    expect(ToolSelection.resolve(select({}))).toEqual(ToolSelection.EXEC_MODE_ORDER)
    expect(ToolSelection.resolve(ToolSelection.defaultSelection)).toEqual(ToolSelection.EXEC_MODE_ORDER)
  })

  it("picks the full set and turns single tools on and off", () => {
    expect(ToolSelection.resolve(select({ tools: { set: "full" } }))).toEqual(ToolSelection.FULL_ORDER)
    expect(ToolSelection.resolve(select({ tools: { read_file: true, list_dir: true, spawn_agent: false, web_search: false } }))).toEqual([
      "exec_command", "write_stdin", "update_plan", "request_user_input", "apply_patch", "view_image",
      "send_input", "resume_agent", "wait_agent", "close_agent", "read_file", "list_dir"
    ])
    expect(ToolSelection.resolve(select({ tools: { set: "full", exec: false, wait: false } }))).not.toContain("exec")
    expect(ToolSelection.resolve(select({ features: { shell_tool: false } }))).not.toContain("exec_command")
  })

  it("gives a model the shell tool its catalog entry names", () => {
    const names = ToolSelection.resolve(ToolSelection.defaultSelection, "shell_command")
    expect(names.slice(0, 3)).toEqual(["shell_command", "update_plan", "request_user_input"])
    expect(names).not.toContain("exec_command")
    expect(ToolSelection.resolve(ToolSelection.defaultSelection, "unified_exec")).toEqual(ToolSelection.EXEC_MODE_ORDER)
    expect(ToolSelection.resolve(ToolSelection.defaultSelection, "default")[0]).toBe("shell")
    expect(ToolSelection.resolve(ToolSelection.defaultSelection, "disabled")).not.toContain("write_stdin")
    // an explicit switch wins over the model's rule
    expect(ToolSelection.resolve(select({ tools: { exec_command: true, write_stdin: true } }), "shell_command").slice(0, 3))
      .toEqual(["shell_command", "exec_command", "write_stdin"])
  })

  it("names the key of a bad setting", () => {
    expect(ToolSelection.fromConfig({ tools: { set: "most" } })).toEqual(Either.left("tools.set must be \"exec\" or \"full\", got \"most\""))
    expect(Either.isLeft(ToolSelection.fromConfig({ tools: { shel: true } }))).toBe(true)
    expect(ToolSelection.fromConfig({ tools: { shell: "yes" } })).toEqual(Either.left("tools.shell must be true or false"))
    expect(ToolSelection.fromConfig({ tools: 3 })).toEqual(Either.left("tools must be a table"))
    expect(ToolSelection.fromConfig({ features: { shell_tool: "no" } })).toEqual(Either.left("features.shell_tool must be true or false"))
  })
})

describe("tool sets under the session's policies", () => {
  it.scopedLive("shell, shell_command, exec_command and code mode all ask the one Approvals service, and 'always' holds across them", () =>
    Effect.gen(function*() {
      const asked: Array<Approvals.ApprovalRequest> = []
      const answers: Array<Approvals.Decision> = ["deny", "deny", "deny", "approve-for-session"]
      const approvals = yield* Approvals.make("untrusted", {
        ask: (request) => Effect.sync(() => (asked.push(request), answers.shift() ?? "deny"))
      })
      const sandbox = Sandbox.make({
        settings: { requestedMode: "danger-full-access", writableRoots: [], networkAccess: false, excludeTmpdirEnvVar: true, excludeSlashTmp: true, bwrapPath: undefined },
        cwd: process.cwd(),
        tmpdir: undefined,
        availability: Sandbox.Availability.Unavailable({ reason: "not probed" })
      })
      const dir = NodeFs.mkdtempSync(NodePath.join(NodeOs.tmpdir(), "tscodex-gated-tools-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => NodeFs.rmSync(dir, { recursive: true, force: true })))
      const registry = yield* FullTools.make({ cwd: dir }).pipe(
        Effect.provideService(Approvals.Approvals, approvals),
        Effect.provideService(Sandbox.Sandbox, sandbox)
      )
      const context = { turnId: "t", history: [], collaborationMode: "default" }
      const run = (name: string, args: unknown, type: "function" | "custom" = "function") =>
        Effect.map(registry.execute(toolCall(`c-${name}`, name, args, type), context), (result) => result.output)
      expect(yield* run("shell", { command: ["touch", "never-made"] })).toBe("exec command rejected by user")
      expect(yield* run("shell_command", { command: "touch never-made" })).toBe("exec command rejected by user")
      expect(yield* run("exec", "text(1)", "custom")).toBe("exec command rejected by user")
      expect(yield* run("exec_command", { cmd: "printf once" })).toMatch(/once/)
      expect(yield* run("exec_command", { cmd: "printf once" })).toMatch(/once/)
      expect(asked.map((request) => request.reason)).toEqual(["untrusted", "untrusted", "untrusted", "untrusted"])
      expect(NodeFs.existsSync(NodePath.join(dir, "never-made"))).toBe(false)
    }).pipe(Effect.provide(services)))
})

describe("file tools read what the sandbox lets commands read", () => {
  const sandboxIn = (mode: "read-only" | "workspace-write" | "danger-full-access") =>
    Sandbox.make({
      settings: { requestedMode: mode, writableRoots: [], networkAccess: false, excludeTmpdirEnvVar: true, excludeSlashTmp: true, bwrapPath: undefined },
      cwd: process.cwd(),
      tmpdir: undefined,
      availability: Sandbox.Availability.Available({ bwrap: "/usr/bin/bwrap" })
    })

  it("the read access of each mode, and the bubblewrap mounts built from it", () => {
    const readOnly = sandboxIn("read-only").policy
    expect(SandboxPolicy.readAccess(readOnly)).toEqual({ roots: ["/"], except: ["/proc", "/dev"] })
    expect(SandboxPolicy.readAccess(sandboxIn("workspace-write").policy)).toEqual({ roots: ["/"], except: ["/proc", "/dev"] })
    expect(SandboxPolicy.readAccess(sandboxIn("danger-full-access").policy)).toBeUndefined()
    const args = Bwrap.commandArgs("/usr/bin/bwrap", readOnly, ["true"], "/")
    expect(args.slice(3, 8)).toEqual(["--ro-bind", "/", "/", "--dev", "/dev"])
    expect(args).toContain("--proc")
  })

  for (const mode of ["read-only", "workspace-write", "danger-full-access"] as const) {
    it.scopedLive(`${mode}: read_file, list_dir and grep_files follow the policy`, () =>
      Effect.gen(function*() {
        const dir = NodeFs.mkdtempSync(NodePath.join(NodeOs.tmpdir(), "tscodex-read-roots-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => NodeFs.rmSync(dir, { recursive: true, force: true })))
        NodeFs.writeFileSync(NodePath.join(dir, "notes.txt"), "outside the workspace\n")
        const registry = yield* FullTools.make({ ripgrep: false }).pipe(Effect.provideService(Sandbox.Sandbox, sandboxIn(mode)))
        const context = { turnId: "t", history: [], collaborationMode: "default" }
        const run = (name: string, args: unknown) => Effect.map(registry.execute(toolCall(`c-${name}`, name, args), context), (r) => String(r.output))
        const hostProc = `/proc/${process.pid}/status`
        // a folder outside the workspace is readable in every mode, as it is for commands
        expect(yield* run("read_file", { file_path: NodePath.join(dir, "notes.txt") })).toContain("outside the workspace")
        const procRead = yield* run("read_file", { file_path: hostProc })
        const procList = yield* run("list_dir", { dir_path: "/proc" })
        const devGrep = yield* run("grep_files", { pattern: "x", path: "/dev" })
        if (mode === "danger-full-access") {
          expect(procRead).toContain("Pid:")
          expect(procList).not.toContain("outside the folders")
        } else {
          // the host's process table is not what sandboxed commands see, so the file tools do not read it either
          expect(procRead).toBe(`Error: \`${hostProc}\` is outside the folders this session may read.`)
          expect(procList).toBe("Error: `/proc` is outside the folders this session may read.")
          expect(devGrep).toBe("Error: `/dev` is outside the folders this session may read.")
        }
      }).pipe(Effect.provide(services)))
  }
})
