/** The interactive session answers request_user_input and request_permissions from typed lines, and times out as cancelled. */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Exit, Option, TestClock } from "effect"
import * as UserPrompts from "../../../src/cli/repl/UserPrompts.js"
import * as ModelClient from "../../../src/model/ModelClient.js"
import { assistantMessage, toolCall } from "../../../src/protocol/Items.js"
import type { Prompt } from "../../../src/protocol/Prompt.js"
import { startRepl } from "./support.js"

const QUESTION = {
  id: "choice",
  header: "Select",
  question: "Pick one",
  options: [
    { label: "Use tool A (Recommended)", description: "Fast path" },
    { label: "Use tool B", description: "Slow path" }
  ]
}

/** The output the tool call sent back to the model in the second request. */
const toolOutput = (prompt: Prompt | undefined) =>
  prompt?.input.flatMap((item) => (item._tag === "ToolResult" ? [item] : []))[0]

const askingModel = (seen: Array<Prompt>) => [
  ModelClient.items(toolCall("call_q", "request_user_input", { questions: [QUESTION] })),
  (prompt: Prompt) => Effect.sync(() => (seen.push(prompt), ModelClient.items(assistantMessage("thanks"))))
]

describe("questions in the interactive session", () => {
  it.scoped("shows numbered options and answers with the chosen label", () =>
    Effect.gen(function*() {
      const seen: Array<Prompt> = []
      const repl = yield* startRepl(askingModel(seen), { askTool: true })
      yield* repl.type("ask me")
      yield* repl.hasLine("  0. Other")
      expect((yield* repl.terminal.lines).slice(-5)).toEqual([
        "[request_user_input] waiting for user response",
        "[Select] Pick one",
        "  1. Use tool A (Recommended) - Fast path",
        "  2. Use tool B - Slow path",
        "  0. Other"
      ])
      yield* repl.until(Effect.map(repl.terminal.prompts, (p) => p.includes("answer> ")), "the answer prompt")
      yield* repl.type("1")
      yield* repl.until(Effect.sync(() => seen.length > 0), "the next request")
      const output = toolOutput(seen[0])
      expect(output?.output).toBe("{\"answers\":{\"choice\":{\"answers\":[\"Use tool A (Recommended)\"]}}}")
      expect(output?.success).toBe(true)
      expect(Exit.isSuccess(yield* repl.finish())).toBe(true)
    }))

  it.scoped("takes free text after 0 and counts silence past the timeout as cancelled", () =>
    Effect.gen(function*() {
      const seen: Array<Prompt> = []
      const repl = yield* startRepl(askingModel(seen), { askTool: true })
      yield* repl.type("ask me")
      yield* repl.hasLine("  0. Other")
      yield* repl.type("0")
      yield* repl.until(Effect.map(repl.terminal.prompts, (p) => p.includes("other> ")), "the free-text prompt")
      yield* repl.type("my own way")
      yield* repl.until(Effect.sync(() => seen.length > 0), "the next request")
      expect(toolOutput(seen[0])?.output).toBe("{\"answers\":{\"choice\":{\"answers\":[\"my own way\"]}}}")
      yield* repl.finish()

      const late: Array<Prompt> = []
      const quiet = yield* startRepl(askingModel(late), { askTool: true, questionTimeout: "1 minute" })
      yield* quiet.type("ask me")
      yield* quiet.hasLine("  0. Other")
      yield* TestClock.adjust("61 seconds")
      yield* quiet.until(Effect.sync(() => late.length > 0), "the next request")
      expect(toolOutput(late[0])?.output).toBe("request_user_input was cancelled before receiving a response")
      expect(Exit.isSuccess(yield* quiet.finish())).toBe(true)
    }))
})

describe("prompt handlers", () => {
  it.effect("read deny, turn and session for permissions, and pass typed text through for questions", () =>
    Effect.gen(function*() {
      expect(UserPrompts.interpretPermissions({ network: { enabled: true } }, " S ")).toEqual({ permissions: { network: { enabled: true } }, scope: "session" })
      expect(UserPrompts.interpretPermissions({ a: 1 }, "yes")).toEqual({ permissions: { a: 1 }, scope: "turn" })
      expect(UserPrompts.interpretPermissions({ a: 1 }, "n")).toEqual({ permissions: {}, scope: "turn" })
      expect(UserPrompts.interpretAnswer(QUESTION, "2")).toEqual({ answer: "Use tool B" })
      expect(UserPrompts.interpretAnswer(QUESTION, "7")).toEqual({ answer: "7" })
      expect(UserPrompts.interpretAnswer(QUESTION, "0")).toEqual({ other: true })
      const broker = yield* UserPrompts.makeBroker("1 minute")
      const printed: Array<string> = []
      const handler = UserPrompts.permissionsHandler(broker, (lines) => Effect.sync(() => void printed.push(...lines)))
      const fiber = yield* Effect.fork(handler({ reason: "Need to write", permissions: { file_system: { write: ["/tmp/x"] } } }))
      yield* Effect.yieldNow()
      expect(yield* broker.pendingPrompt).toEqual(Option.some("permissions> "))
      expect(yield* broker.offer({ _tag: "Line", text: "s" })).toBe(true)
      const answer = yield* fiber
      expect(answer).toEqual(Option.some({ permissions: { file_system: { write: ["/tmp/x"] } }, scope: "session" }))
      expect(printed[0]).toBe("[request_permissions] user approval required")
      expect(printed).toContain("Reason: Need to write")
      expect(printed.at(-1)).toBe("Choose: [n] deny / [t] grant for turn / [s] grant for session")
      expect(yield* broker.offer({ _tag: "Line", text: "stray" })).toBe(false)
    }))
})

describe("question timeout setting", () => {
  it("TSCODEX_QUESTION_TIMEOUT_SECONDS takes a positive number of seconds; anything else keeps the default", () => {
    expect(UserPrompts.timeoutFromVariable("2.5")).toEqual(Duration.millis(2500))
    expect(["", "0", "-3", "soon", undefined].map(UserPrompts.timeoutFromVariable)).toEqual([undefined, undefined, undefined, undefined, undefined])
  })
})
