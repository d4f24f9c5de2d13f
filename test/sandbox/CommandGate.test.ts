/** The approval flow of one command: who is asked, when, and what runs (sandboxed or not). */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Ref } from "effect"
import * as Approvals from "../../src/sandbox/Approvals.js"
import * as CommandGate from "../../src/sandbox/CommandGate.js"
import * as SafeCommands from "../../src/sandbox/SafeCommands.js"
import * as Sandbox from "../../src/sandbox/Sandbox.js"
import type * as SandboxPolicy from "../../src/sandbox/SandboxPolicy.js"

const sandboxOf = (mode: SandboxPolicy.SandboxMode, available = true) =>
  Sandbox.make({
    settings: {
      requestedMode: mode,
      writableRoots: [],
      networkAccess: false,
      excludeTmpdirEnvVar: true,
      excludeSlashTmp: true,
      bwrapPath: undefined
    },
    cwd: "/project",
    tmpdir: undefined,
    availability: available
      ? Sandbox.Availability.Available({ bwrap: "/usr/bin/bwrap" })
      : Sandbox.Availability.Unavailable({ reason: "no bwrap" })
  })

/** Runs one command through the gate with scripted answers; reports what was asked and what ran. */
const gate = (options: {
  readonly policy: Approvals.ApprovalPolicy
  readonly mode?: SandboxPolicy.SandboxMode
  readonly cmd?: string
  readonly escalate?: boolean
  readonly answers?: ReadonlyArray<Approvals.Decision>
  readonly fail?: { readonly exitCode: number; readonly output: string }
  readonly times?: number
  readonly available?: boolean
}) =>
  Effect.gen(function*() {
    const asked = yield* Ref.make<ReadonlyArray<Approvals.ApprovalRequest>>([])
    const answers = [...(options.answers ?? [])]
    const prompter: Approvals.Prompter = {
      ask: (request) => Ref.update(asked, (all) => [...all, request]).pipe(Effect.as(answers.shift() ?? "deny"))
    }
    const approvals = yield* Approvals.make(options.policy, prompter)
    const sandbox = sandboxOf(options.mode ?? "workspace-write", options.available ?? true)
    const ran: Array<ReadonlyArray<string>> = []
    const texts: Array<string> = []
    for (let i = 0; i < (options.times ?? 1); i++) {
      const text = yield* CommandGate.run(sandbox, approvals, {
        argv: ["/bin/bash", "-lc", options.cmd ?? "touch x"],
        cwd: "/project",
        display: `/bin/bash -lc '${options.cmd ?? "touch x"}'`,
        sandboxPermissions: options.escalate === true ? "require_escalated" : "use_default",
        justification: options.escalate === true ? "Allow writing outside the workspace?" : undefined
      }, (argv) =>
        Effect.sync(() => {
          ran.push(argv)
          const sandboxed = argv[0] === "/usr/bin/bwrap"
          return sandboxed && options.fail !== undefined
            ? { text: `failed ${options.fail.exitCode}`, ...options.fail }
            : { text: sandboxed ? "ran sandboxed" : "ran unsandboxed", exitCode: 0, output: "" }
        }))
      texts.push(text)
    }
    return { texts, ran, asked: yield* Ref.get(asked) }
  })

describe("approval policies", () => {
  it.effect("never: runs sandboxed without asking; an escalation request is refused with Codex's text", () =>
    Effect.gen(function*() {
      const plain = yield* gate({ policy: "never" })
      expect(plain.texts).toEqual(["ran sandboxed"])
      expect(plain.asked).toEqual([])
      const escalated = yield* gate({ policy: "never", escalate: true })
      expect(escalated.texts).toEqual([
        "approval policy is Never; reject command — you cannot ask for escalated permissions if the approval policy is Never"
      ])
      expect(escalated.ran).toEqual([])
    }))

  it.effect("on-request: an escalation asks with command, cwd and justification; yes runs it unsandboxed, no refuses", () =>
    Effect.gen(function*() {
      const yes = yield* gate({ policy: "on-request", escalate: true, answers: ["approve"] })
      expect(yes.asked).toEqual([{
        command: "/bin/bash -lc 'touch x'",
        cwd: "/project",
        reason: "escalation",
        justification: "Allow writing outside the workspace?"
      }])
      expect(yes.texts).toEqual(["ran unsandboxed"])
      expect(yes.ran).toEqual([["/bin/bash", "-lc", "touch x"]])
      const no = yield* gate({ policy: "on-request", escalate: true, answers: ["deny"] })
      expect(no.texts).toEqual([CommandGate.REJECTED_BY_USER])
      expect(no.ran).toEqual([])
      const plain = yield* gate({ policy: "on-request" })
      expect(plain.texts).toEqual(["ran sandboxed"])
      expect(plain.asked).toEqual([])
    }))

  it.effect("always for this session: the same command is not asked about again", () =>
    Effect.gen(function*() {
      const result = yield* gate({ policy: "on-request", escalate: true, answers: ["approve-for-session"], times: 3 })
      expect(result.asked.length).toBe(1)
      expect(result.texts).toEqual(["ran unsandboxed", "ran unsandboxed", "ran unsandboxed"])
    }))

  it.effect("untrusted: known-safe commands run sandboxed unasked; others are asked about; escalation is refused", () =>
    Effect.gen(function*() {
      const safe = yield* gate({ policy: "untrusted", cmd: "ls -la && cat README.md | wc -l" })
      expect(safe.asked).toEqual([])
      expect(safe.texts).toEqual(["ran sandboxed"])
      const unsafe = yield* gate({ policy: "untrusted", cmd: "rm -rf build", answers: ["deny"] })
      expect(unsafe.asked.map((r) => r.reason)).toEqual(["untrusted"])
      expect(unsafe.texts).toEqual([CommandGate.REJECTED_BY_USER])
      const approved = yield* gate({ policy: "untrusted", cmd: "npm install", answers: ["approve"] })
      expect(approved.texts).toEqual(["ran unsandboxed"])
      const escalated = yield* gate({ policy: "untrusted", escalate: true })
      expect(escalated.texts[0]).toContain("approval policy is UnlessTrusted; reject command")
    }))

  it.effect("on-failure: a sandbox-caused failure asks to rerun unsandboxed; other failures are not asked about", () =>
    Effect.gen(function*() {
      const denied = yield* gate({
        policy: "on-failure",
        fail: { exitCode: 1, output: "touch: cannot touch 'x': Read-only file system\n" },
        answers: ["approve"]
      })
      expect(denied.asked.map((r) => r.reason)).toEqual(["sandbox-failure"])
      expect(denied.texts).toEqual(["ran unsandboxed"])
      expect(denied.ran.length).toBe(2)
      const declined = yield* gate({ policy: "on-failure", fail: { exitCode: 1, output: "Permission denied" }, answers: ["deny"] })
      expect(declined.texts).toEqual(["failed 1"])
      const ordinary = yield* gate({ policy: "on-failure", fail: { exitCode: 1, output: "test failed: expected 2" } })
      expect(ordinary.asked).toEqual([])
      expect(ordinary.texts).toEqual(["failed 1"])
    }))

  it.effect("without a prompter (one-shot), nothing is approved", () =>
    Effect.gen(function*() {
      const approvals = yield* Approvals.make("on-request", undefined)
      expect(yield* approvals.request({ command: "ls", cwd: "/", reason: "escalation" })).toBe(false)
    }))

  it.effect("a sandbox that cannot be provided refuses the command (fail closed)", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(gate({ policy: "never", mode: "read-only", available: false }))
      expect(error._tag).toBe("SandboxError")
    }))

  it("parses policy names, with the older spellings", () => {
    expect(Either.getOrThrow(Approvals.parsePolicy("unless-trusted"))).toBe("untrusted")
    expect(Approvals.parsePolicy("on_request")._tag).toBe("Right")
    expect(Approvals.parsePolicy("sometimes")._tag).toBe("Left")
  })
})

describe("known-safe commands", () => {
  const safe = (argv: ReadonlyArray<string>) => SafeCommands.isKnownSafe(argv)
  it("accepts read-only commands, plain scripts of them, and Codex's argument rules", () => {
    expect(safe(["ls"])).toBe(true)
    expect(safe(["bash", "-lc", "grep -R \"Cargo.toml\" -n || true"])).toBe(true)
    expect(safe(["bash", "-lc", "sed -n '1,5p' file.txt"])).toBe(true)
    expect(safe(["zsh", "-lc", "ls | wc -l"])).toBe(true)
    expect(safe(["rg", "Cargo.toml", "-n"])).toBe(true)
    expect(safe(["find", ".", "-name", "x"])).toBe(true)
  })
  it("rejects writes, unsafe options, redirections, subshells and expansions", () => {
    expect(safe(["bash", "-lc", "ls && rm -rf /"])).toBe(false)
    expect(safe(["bash", "-lc", "ls > out.txt"])).toBe(false)
    expect(safe(["bash", "-lc", "(ls)"])).toBe(false)
    expect(safe(["bash", "-lc", "echo $HOME"])).toBe(false)
    expect(safe(["bash", "-lc", "git status"])).toBe(false)
    expect(safe(["find", ".", "-delete"])).toBe(false)
    expect(safe(["rg", "--pre=pwned", "x"])).toBe(false)
    expect(safe(["base64", "-o", "out"])).toBe(false)
    expect(safe(["sed", "-i", "s/a/b/", "f"])).toBe(false)
  })
})
