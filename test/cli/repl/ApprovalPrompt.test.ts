/** The interactive session's approval prompt: command, cwd and justification shown; yes / no / always; one question at a time. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Option, Schema, TestClock } from "effect"
import * as ApprovalPrompt from "../../../src/cli/repl/ApprovalPrompt.js"
import * as UserPrompts from "../../../src/cli/repl/UserPrompts.js"
import * as ModelClient from "../../../src/model/ModelClient.js"
import { assistantMessage, toolCall } from "../../../src/protocol/Items.js"
import type { Prompt } from "../../../src/protocol/Prompt.js"
import * as Approvals from "../../../src/sandbox/Approvals.js"
import * as CommandGate from "../../../src/sandbox/CommandGate.js"
import * as Tool from "../../../src/tools/Tool.js"
import { fakeSandbox } from "../../support/Gates.js"
import { startRepl } from "./support.js"

/** A command tool over the real gate: says whether its command ran in the (stand-in) sandbox. */
const runTool = (approvals: Approvals.Approvals, ran: Array<string>) => {
  const gate = CommandGate.make(fakeSandbox((argv) => Effect.succeed(["sandboxed", ...argv])), approvals)
  return Tool.make({
    name: "run",
    description: "Runs a command.",
    parameters: Schema.Struct({ cmd: Schema.String, escalate: Schema.optional(Schema.Boolean) }),
    supportsParallel: true,
    handler: ({ cmd, escalate }) =>
      gate.run({
        argv: ["bash", "-lc", cmd],
        cwd: "/project",
        display: cmd,
        sandboxPermissions: escalate === true ? "require_escalated" : "use_default",
        justification: escalate === true ? `May I run ${cmd}?` : undefined
      }, (argv) =>
        Effect.sync(() => {
          const how = argv[0] === "sandboxed" ? "sandboxed" : "unsandboxed"
          ran.push(`${how}: ${cmd}`)
          return { text: `ran ${how}`, exitCode: 0, output: "" }
        })).pipe(Effect.orDie)
  })
}

/** The tool outputs the model received in `prompt`, by call id. */
const outputs = (prompt: Prompt | undefined) =>
  Object.fromEntries((prompt?.input ?? []).flatMap((item) => (item._tag === "ToolResult" ? [[item.callId, item.output]] : [])))

const start = (policy: Approvals.ApprovalPolicy, calls: ReadonlyArray<ReturnType<typeof toolCall>>, extra: { readonly questionTimeout?: string } = {}) =>
  Effect.gen(function*() {
    const seen: Array<Prompt> = []
    const ran: Array<string> = []
    const approvals = yield* Approvals.make(policy, undefined)
    const repl = yield* startRepl([
      ModelClient.items(...calls),
      (prompt: Prompt) => Effect.sync(() => (seen.push(prompt), ModelClient.items(assistantMessage("done"))))
    ], { tools: [runTool(approvals, ran)], approvals, ...extra })
    return { repl, seen, ran }
  })

const waitPrompt = (repl: Effect.Effect.Success<ReturnType<typeof startRepl>>) =>
  repl.until(Effect.map(repl.terminal.prompts, (p) => p.at(-1) === ApprovalPrompt.PROMPT), "the approval prompt")

describe("approval prompt in the interactive session", () => {
  it.scoped("shows command, cwd and justification; yes runs the command outside the sandbox", () =>
    Effect.gen(function*() {
      const { repl, seen, ran } = yield* start("on-request", [toolCall("c1", "run", { cmd: "touch ~/x", escalate: true })])
      yield* repl.type("go")
      yield* repl.hasLine(ApprovalPrompt.CHOICES)
      expect((yield* repl.terminal.lines).slice(-5)).toEqual([
        "[approval] the model asks to run this command without the sandbox",
        "Command: touch ~/x",
        "Cwd: /project",
        "Justification: May I run touch ~/x?",
        ApprovalPrompt.CHOICES
      ])
      yield* waitPrompt(repl)
      yield* repl.type("y")
      yield* repl.until(Effect.sync(() => seen.length > 0), "the next request")
      expect(outputs(seen[0])).toEqual({ c1: "ran unsandboxed" })
      expect(ran).toEqual(["unsandboxed: touch ~/x"])
      expect(yield* repl.terminal.lines).toContain("Approved once.")
      expect(Exit.isSuccess(yield* repl.finish())).toBe(true)
    }))

  it.scoped("no: the model reads the refusal and nothing runs", () =>
    Effect.gen(function*() {
      const { repl, seen, ran } = yield* start("untrusted", [toolCall("c1", "run", { cmd: "rm -rf build" })])
      yield* repl.type("go")
      yield* waitPrompt(repl)
      expect(yield* repl.terminal.lines).toContain("Command: rm -rf build")
      yield* repl.type("n")
      yield* repl.until(Effect.sync(() => seen.length > 0), "the next request")
      expect(outputs(seen[0])).toEqual({ c1: CommandGate.REJECTED_BY_USER })
      expect(ran).toEqual([])
      expect(Exit.isSuccess(yield* repl.finish())).toBe(true)
    }))

  it.scoped("parallel commands are asked one at a time; always covers the same command for the rest of the session", () =>
    Effect.gen(function*() {
      const { repl, seen, ran } = yield* start("untrusted", [
        toolCall("c1", "run", { cmd: "make test" }),
        toolCall("c2", "run", { cmd: "make lint" }),
        toolCall("c3", "run", { cmd: "make test" })
      ])
      yield* repl.type("go")
      yield* waitPrompt(repl)
      const choicesShown = Effect.map(repl.terminal.lines, (lines) => lines.filter((line) => line === ApprovalPrompt.CHOICES).length)
      // only the first question is on screen while it waits
      expect(yield* choicesShown).toBe(1)
      const first = (yield* repl.terminal.lines).filter((line) => line.startsWith("Command: "))
      expect(first).toHaveLength(1)
      yield* repl.type(first[0] === "Command: make test" ? "a" : "y")
      yield* repl.until(Effect.map(choicesShown, (n) => n === 2), "the second question")
      yield* waitPrompt(repl)
      const second = (yield* repl.terminal.lines).filter((line) => line.startsWith("Command: "))
      yield* repl.type(second[1] === "Command: make test" ? "a" : "y")
      yield* repl.until(Effect.sync(() => seen.length > 0), "the next request")
      // two questions for three calls: the repeated "make test" was approved for the session
      expect(second.slice().sort()).toEqual(["Command: make lint", "Command: make test"])
      expect(yield* choicesShown).toBe(2)
      expect(outputs(seen[0])).toEqual({ c1: "ran unsandboxed", c2: "ran unsandboxed", c3: "ran unsandboxed" })
      expect(ran.slice().sort()).toEqual(["unsandboxed: make lint", "unsandboxed: make test", "unsandboxed: make test"])
      expect(Exit.isSuccess(yield* repl.finish())).toBe(true)
    }))

  it.scoped("no answer within the timeout is no", () =>
    Effect.gen(function*() {
      const { repl, seen, ran } = yield* start("untrusted", [toolCall("c1", "run", { cmd: "make" })], { questionTimeout: "1 minute" })
      yield* repl.type("go")
      yield* waitPrompt(repl)
      yield* TestClock.adjust("61 seconds")
      yield* repl.until(Effect.sync(() => seen.length > 0), "the next request")
      expect(outputs(seen[0])).toEqual({ c1: CommandGate.REJECTED_BY_USER })
      expect(ran).toEqual([])
      expect(yield* repl.terminal.lines).toContain("Denied.")
      expect(Exit.isSuccess(yield* repl.finish())).toBe(true)
    }))

  it.scoped("under never nobody is asked: commands run sandboxed, request_permissions answers as cancelled", () =>
    Effect.gen(function*() {
      const seen: Array<Prompt> = []
      const ran: Array<string> = []
      const approvals = yield* Approvals.make("never", undefined)
      const repl = yield* startRepl([
        ModelClient.items(
          toolCall("c1", "run", { cmd: "make" }),
          toolCall("c2", "request_permissions", { permissions: { network: { enabled: true } } })
        ),
        (prompt: Prompt) => Effect.sync(() => (seen.push(prompt), ModelClient.items(assistantMessage("done"))))
      ], { tools: [runTool(approvals, ran)], approvals, permissionsTool: true })
      yield* repl.type("go")
      yield* repl.until(Effect.sync(() => seen.length > 0), "the next request")
      expect(outputs(seen[0])).toEqual({
        c1: "ran sandboxed",
        c2: "Error: request_permissions was cancelled before receiving a response."
      })
      expect((yield* repl.terminal.lines).some((line) => line.startsWith("[approval]") || line.startsWith("[request_permissions]"))).toBe(false)
      expect(Exit.isSuccess(yield* repl.finish())).toBe(true)
    }))

  it.scoped("under on-request, request_permissions is put to the user in the same queue and answered as chosen", () =>
    Effect.gen(function*() {
      const seen: Array<Prompt> = []
      const approvals = yield* Approvals.make("on-request", undefined)
      const repl = yield* startRepl([
        ModelClient.items(toolCall("c1", "request_permissions", { reason: "fetch deps", permissions: { network: { enabled: true } } })),
        (prompt: Prompt) => Effect.sync(() => (seen.push(prompt), ModelClient.items(assistantMessage("done"))))
      ], { approvals, permissionsTool: true })
      yield* repl.type("go")
      yield* repl.until(Effect.map(repl.terminal.prompts, (p) => p.at(-1) === "permissions> "), "the permissions prompt")
      yield* repl.type("s")
      yield* repl.until(Effect.sync(() => seen.length > 0), "the next request")
      expect(outputs(seen[0])).toEqual({ c1: { permissions: { network: { enabled: true } }, scope: "session" } })
      expect(Exit.isSuccess(yield* repl.finish())).toBe(true)
    }))
})

describe("approval prompt pieces", () => {
  it("reads y / yes once, a / always for the session, anything else no", () => {
    expect(["y", " YES ", "a", "Always", "n", "", "maybe"].map(ApprovalPrompt.interpretDecision)).toEqual([
      "approve",
      "approve",
      "approve-for-session",
      "approve-for-session",
      "deny",
      "deny",
      "deny"
    ])
    expect(ApprovalPrompt.formatRequest({ command: "ls", cwd: "/w", reason: "sandbox-failure" })).toEqual([
      "[approval] the command failed in the sandbox; run it again without the sandbox?",
      "Command: ls",
      "Cwd: /w",
      ApprovalPrompt.CHOICES
    ])
  })

  it.effect("a session's prompter is removed when the session ends, and end of input counts as no", () =>
    Effect.gen(function*() {
      const approvals = yield* Approvals.make("untrusted", undefined)
      const broker = yield* UserPrompts.makeBroker("1 minute")
      const printed: Array<string> = []
      const say = (lines: ReadonlyArray<string>) => Effect.sync(() => void printed.push(...lines))
      yield* Effect.scoped(Effect.gen(function*() {
        yield* ApprovalPrompt.install(broker, say).pipe(Effect.provideService(Approvals.Approvals, approvals))
        const asked = yield* Effect.fork(approvals.request({ command: "make", cwd: "/w", reason: "untrusted" }))
        yield* Effect.yieldNow()
        expect(yield* broker.pendingPrompt).toEqual(Option.some(ApprovalPrompt.PROMPT))
        expect(yield* broker.offer({ _tag: "Eof" })).toBe(true)
        expect(yield* asked).toBe(false)
      }))
      // nobody left to ask: denied without a question
      expect(yield* approvals.request({ command: "make", cwd: "/w", reason: "untrusted" })).toBe(false)
      expect(printed.filter((line) => line === ApprovalPrompt.CHOICES)).toHaveLength(1)
    }))
})
