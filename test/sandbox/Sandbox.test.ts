/** Sandbox settings, the default mode, failing closed, and the bwrap command line. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Exit } from "effect"
import * as Bwrap from "../../src/sandbox/Bwrap.js"
import * as Sandbox from "../../src/sandbox/Sandbox.js"
import * as SandboxPolicy from "../../src/sandbox/SandboxPolicy.js"
import { bubblewrap } from "../support/Bubblewrap.js"

const settings = (overrides: Partial<SandboxPolicy.SandboxSettings> = {}): SandboxPolicy.SandboxSettings => ({
  requestedMode: undefined,
  writableRoots: [],
  networkAccess: false,
  excludeTmpdirEnvVar: false,
  excludeSlashTmp: false,
  bwrapPath: undefined,
  ...overrides
})
const missing = Sandbox.Availability.Unavailable({ reason: "bubblewrap (bwrap) was not found on PATH" })
const present = Sandbox.Availability.Available({ bwrap: "/usr/bin/bwrap" })

describe("sandbox settings", () => {
  it("reads sandbox_mode, bwrap_path and [sandbox_workspace_write] from config", () => {
    const parsed = SandboxPolicy.fromConfig({
      sandbox_mode: "workspace_write",
      bwrap_path: "/opt/bwrap",
      sandbox_workspace_write: { writable_roots: ["cache", "/srv/data"], network_access: true, exclude_slash_tmp: true }
    }, "/home/me/.codex")
    expect(Either.getOrThrow(parsed)).toEqual({
      requestedMode: "workspace-write",
      writableRoots: ["/home/me/.codex/cache", "/srv/data"],
      networkAccess: true,
      excludeTmpdirEnvVar: false,
      excludeSlashTmp: true,
      bwrapPath: "/opt/bwrap"
    })
  })

  it("names the key of a bad value", () => {
    const message = (raw: Record<string, unknown>) => Either.flip(SandboxPolicy.fromConfig(raw, "/")).pipe(Either.getOrThrow).message
    expect(message({ sandbox_mode: "sandboxed" })).toBe(
      "unknown sandbox_mode \"sandboxed\"; expected one of read-only, workspace-write, danger-full-access"
    )
    expect(message({ sandbox_workspace_write: { network_access: "yes" } })).toBe(
      "sandbox_workspace_write.network_access must be true or false"
    )
    expect(message({ sandbox_workspace_write: { writable_roots: "/srv" } })).toBe(
      "sandbox_workspace_write.writable_roots must be a list of paths"
    )
  })

  it("workspace-write roots: cwd, /tmp, $TMPDIR and configured ones, each with .git read-only; exclusions honoured", () => {
    const roots = SandboxPolicy.writableRoots(settings({ writableRoots: ["/srv/data"] }), "/project", "/var/tmp/me")
    expect(roots.map((r) => r.root)).toEqual(["/project", "/srv/data", "/tmp", "/var/tmp/me"])
    expect(roots[0]!.readOnlySubpaths).toEqual(["/project/.git"])
    const fewer = SandboxPolicy.writableRoots(settings({ excludeSlashTmp: true, excludeTmpdirEnvVar: true }), "/project", "/var/tmp/me")
    expect(fewer.map((r) => r.root)).toEqual(["/project"])
  })

  it("write refusals follow the mode", () => {
    const policy = (mode: SandboxPolicy.SandboxMode) => SandboxPolicy.policyFor(mode, settings(), "/project", undefined)
    expect(SandboxPolicy.writeRefusal(policy("read-only"), "/project/a")).toBe("writing is blocked by read-only sandbox")
    expect(SandboxPolicy.writeRefusal(policy("workspace-write"), "/project/a")).toBeUndefined()
    expect(SandboxPolicy.writeRefusal(policy("workspace-write"), "/project/.git/config")).toContain(".git stays read-only")
    expect(SandboxPolicy.writeRefusal(policy("workspace-write"), "/etc/passwd")).toContain("outside the writable roots")
    expect(SandboxPolicy.writeRefusal(policy("danger-full-access"), "/etc/passwd")).toBeUndefined()
  })
})

describe("the sandbox service", () => {
  it("defaults to workspace-write where the sandbox works, and warns of nothing", () => {
    const sandbox = Sandbox.make({ settings: settings(), cwd: "/project", tmpdir: undefined, availability: present })
    expect(sandbox.policy.mode).toBe("workspace-write")
    expect(sandbox.explicit).toBe(false)
    expect(sandbox.startupWarning).toBeUndefined()
  })

  it.effect("without a sandbox and no mode asked for, runs unsandboxed with one warning naming the fix", () =>
    Effect.gen(function*() {
      const sandbox = Sandbox.make({ settings: settings(), cwd: "/project", tmpdir: undefined, availability: missing })
      expect(sandbox.policy.mode).toBe("danger-full-access")
      expect(sandbox.startupWarning).toBe(
        "[warning] no sandbox: bubblewrap (bwrap) was not found on PATH; the model's commands run unsandboxed. To fix, install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap), or set sandbox_mode = \"danger-full-access\" knowingly."
      )
      expect(yield* sandbox.wrap(["/bin/sh", "-c", "true"], "/project")).toEqual(["/bin/sh", "-c", "true"])
    }))

  it.effect("an explicit mode without a sandbox fails closed: every command is refused with the reason", () =>
    Effect.gen(function*() {
      const sandbox = Sandbox.make({
        settings: settings({ requestedMode: "read-only" }),
        cwd: "/project",
        tmpdir: undefined,
        availability: missing
      })
      expect(sandbox.policy.mode).toBe("read-only")
      expect(sandbox.startupWarning).toContain("sandbox_mode \"read-only\" cannot be enforced")
      const refused = yield* Effect.exit(sandbox.wrap(["/bin/sh", "-c", "true"], "/project"))
      expect(Exit.isFailure(refused)).toBe(true)
      const error = yield* Effect.flip(sandbox.wrap(["/bin/sh", "-c", "true"], "/project"))
      expect(error.message).toBe(
        "sandbox_mode \"read-only\" cannot be enforced: bubblewrap (bwrap) was not found on PATH; commands are refused until you install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap), or set sandbox_mode = \"danger-full-access\" knowingly"
      )
    }))

  it.effect("danger-full-access asked for: commands run as given, no warning", () =>
    Effect.gen(function*() {
      const sandbox = Sandbox.make({
        settings: settings({ requestedMode: "danger-full-access" }),
        cwd: "/project",
        tmpdir: undefined,
        availability: missing
      })
      expect(sandbox.startupWarning).toBeUndefined()
      expect(yield* sandbox.wrap(["ls"], "/project")).toEqual(["ls"])
    }))

  it.effect("a configured bwrap_path that does not exist makes the sandbox unavailable", () =>
    Effect.gen(function*() {
      const availability = yield* Sandbox.probe(settings({ bwrapPath: "/nonexistent/bwrap" }), "/usr/bin:/bin")
      expect(availability).toEqual(
        Sandbox.Availability.Unavailable({ reason: "the configured bwrap_path /nonexistent/bwrap is not an executable file" })
      )
    }).pipe(Effect.provide(NodeContext.layer)))

  it("builds the bwrap command line: read-only root, writable roots, protected .git, no network, own pids", () => {
    const policy = SandboxPolicy.policyFor("read-only", settings(), "/", undefined)
    expect(Bwrap.commandArgs("/usr/bin/bwrap", policy, ["/bin/bash", "-c", "ls"], "/srv")).toEqual([
      "/usr/bin/bwrap", "--new-session", "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev",
      "--unshare-pid", "--unshare-net", "--proc", "/proc", "--chdir", "/srv", "--", "/bin/bash", "-c", "ls"
    ])
  })
})

describe.skipIf(!("bwrap" in bubblewrap))(`probing the real bubblewrap${"skip" in bubblewrap ? ` (skipped: ${bubblewrap.skip})` : ""}`, () => {
  it.effect("finds bwrap on PATH, creates a sandbox, and a probe write is refused", () =>
    Effect.gen(function*() {
      const availability = yield* Sandbox.probe(settings(), process.env.PATH)
      expect(availability._tag).toBe("Available")
      if (availability._tag !== "Available") return
      expect(yield* Sandbox.probeWriteRefused(availability.bwrap)).toBeUndefined()
    }).pipe(Effect.provide(NodeContext.layer)))
})
