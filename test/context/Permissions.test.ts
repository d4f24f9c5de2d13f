/** Tests of Permissions: Permissions. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as Collaboration from "../../src/context/Collaboration.js"
import * as Permissions from "../../src/context/Permissions.js"
import * as Prompts from "../../src/context/Prompts.js"

describe("Permissions", () => {
  it.effect("accepts the known sandbox modes and rejects others with the known names", () =>
    Effect.gen(function* () {
      expect(yield* Permissions.parseSandboxMode(undefined)).toBe("danger-full-access")
      expect(yield* Permissions.parseSandboxMode("  ")).toBe("danger-full-access")
      expect(yield* Permissions.parseSandboxMode("read-only")).toBe("read-only")
      expect(yield* Permissions.parseSandboxMode("workspace_write")).toBe("workspace-write")
      const error = yield* Effect.flip(Permissions.parseSandboxMode("../../etc/passwd"))
      expect(error.reason).toBe("InvalidSetting")
      expect(error.message).toBe(
        "unknown sandbox_mode \"../../etc/passwd\"; expected one of danger-full-access, read-only, workspace-write"
      )
    }))

  it("maps approval policies to their texts; unknown ones have none", () => {
    expect(Permissions.parseApprovalPolicy(undefined)).toEqual(Option.some("never"))
    expect(Permissions.parseApprovalPolicy("on-request")).toEqual(Option.some("on-request"))
    expect(Permissions.parseApprovalPolicy("untrusted")).toEqual(Option.some("unless-trusted"))
    expect(Permissions.parseApprovalPolicy("bogus")).toEqual(Option.none())
    expect(Permissions.parseApprovalPolicy("../never")).toEqual(Option.none())
  })

  it("tags turn metadata with the sandbox", () => {
    expect(Permissions.sandboxTag(undefined)).toBe("none")
    expect(Permissions.sandboxTag("danger-full-access")).toBe("none")
    expect(Permissions.sandboxTag("read-only")).toBe("read-only")
    expect(Permissions.sandboxTag("workspace-write")).toBe("workspace-write")
    expect(Permissions.sandboxTag("bogus")).toBe("none")
  })

  it.effect("every sandbox and approval combination has a text; network access is substituted", () =>
    Effect.gen(function* () {
      const prompts = yield* Prompts.make()
      for (const sandbox of Permissions.SANDBOX_MODES) {
        for (const approval of Permissions.APPROVAL_POLICIES) {
          const text = yield* Permissions.section(prompts, sandbox, approval, "restricted")
          const lines = text.split("\n")
          expect(lines[0]).toBe("<permissions instructions>")
          expect(lines[lines.length - 1]).toBe("</permissions instructions>")
          expect(text).toContain("Network access is restricted.")
          expect(text).not.toContain("{network_access}")
        }
      }
      const never = yield* Permissions.section(prompts, "danger-full-access", "never", "enabled")
      expect(never).toContain("Approval policy is currently never.")
      expect(never).toContain("Network access is enabled.")
      const onRequest = yield* Permissions.section(prompts, "workspace-write", "on-request", "enabled")
      for (const word of ["sandbox_permissions", "justification", "prefix_rule"]) expect(onRequest).toContain(word)
    }).pipe(Effect.provide(NodeContext.layer)))
})

describe("Collaboration", () => {
  it("names modes for display", () => {
    expect(Collaboration.displayName(undefined)).toBe("Default")
    expect(Collaboration.displayName("plan")).toBe("Plan")
    expect(Collaboration.displayName("pair_programming")).toBe("Pair Programming")
    expect(Collaboration.displayName("execute")).toBe("Execute")
    expect(Collaboration.displayName("deep_dive_mode")).toBe("Deep Dive Mode")
  })

  it("only plan has its own text", () => {
    expect(Collaboration.promptFile("plan")).toBe("collaboration/plan.md")
    expect(Collaboration.promptFile(" Plan ")).toBe("collaboration/plan.md")
    for (const mode of ["default", "execute", "pair_programming", "whatever", undefined]) {
      expect(Collaboration.promptFile(mode)).toBe("collaboration/default.md")
    }
  })

  it("wraps the text in tags and drops blank texts", () => {
    expect(Collaboration.section("  # Mode\nbody \n")).toBe("<collaboration_mode># Mode\nbody\n</collaboration_mode>")
    expect(Collaboration.section(" \n ")).toBeUndefined()
  })
})
