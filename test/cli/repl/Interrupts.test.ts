/** Ctrl-C, Esc and Ctrl-D in the interactive session, on a scripted terminal with the TestClock. */
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Ref, Schema, Stream, TestClock } from "effect"
import { BANNER, COMPACT_INTERRUPTED } from "../../../src/cli/repl/Commands.js"
import { INTERRUPTED, QUIT_HINT } from "../../../src/cli/repl/Repl.js"
import * as Terminal from "../../../src/cli/repl/Terminal.js"
import * as ModelClient from "../../../src/model/ModelClient.js"
import { ModelEvent } from "../../../src/protocol/ModelEvent.js"
import { TURN_ABORTED_TEXT } from "../../../src/protocol/AbortedCalls.js"
import { assistantMessage, type ConversationItem, toolCall } from "../../../src/protocol/Items.js"
import type { Prompt } from "../../../src/protocol/Prompt.js"
import * as Tool from "../../../src/tools/Tool.js"
import { startRepl } from "./support.js"

/** A tool that runs until interrupted, telling when it started and when it was stopped. */
const blockingTool = Effect.gen(function* () {
  const started = yield* Deferred.make<void>()
  const stopped = yield* Deferred.make<void>()
  const tool = Tool.make({
    name: "block",
    description: "Waits forever.",
    parameters: Schema.Struct({}),
    handler: () =>
      Deferred.succeed(started, undefined).pipe(
        Effect.zipRight(Effect.never),
        Effect.onInterrupt(() => Deferred.succeed(stopped, undefined)),
        Effect.as({})
      )
  })
  return { tool, started, stopped }
})

/** A recorder keeping every item appended to the rollout. */
const recording = Effect.gen(function* () {
  const items = yield* Ref.make<ReadonlyArray<ConversationItem>>([])
  return {
    items: Ref.get(items),
    recorder: { appendHistoryItems: (added: ReadonlyArray<ConversationItem>) => Ref.update(items, (all) => [...all, ...added]), appendCompacted: () => Effect.void }
  }
})

const outputsOf = (prompt: Prompt | undefined) =>
  (prompt?.input ?? []).flatMap((i) => (i._tag === "ToolResult" ? [{ callId: i.callId, output: i.output }] : []))

describe("interrupting a turn", () => {
  it.scoped("Ctrl-C during a tool call stops it, keeps the history and the next request carries the aborted output", () =>
    Effect.gen(function* () {
      const { started, stopped, tool } = yield* blockingTool
      const rollout = yield* recording
      const repl = yield* startRepl(
        [ModelClient.items(toolCall("call_block", "block", {})), ModelClient.items(assistantMessage("after"))],
        { tools: [tool], recorder: rollout.recorder }
      )
      yield* repl.type("start")
      yield* Deferred.await(started)
      yield* TestClock.adjust("1500 millis")
      yield* repl.type(Terminal.interrupt)
      yield* repl.hasLine(INTERRUPTED)
      expect(yield* Deferred.isDone(stopped)).toBe(true)
      // Well after the quit window, the next line is a new turn.
      yield* TestClock.adjust("3 seconds")
      yield* repl.type("next")
      yield* repl.hasLine("assistant> after")
      expect(Exit.isSuccess(yield* repl.finish())).toBe(true)
      const prompts = yield* repl.scripted.prompts
      expect(prompts.length).toBe(2)
      expect(outputsOf(prompts[1])).toEqual([{ callId: "call_block", output: "aborted by user after 1.5s" }])
      const texts = prompts[1]!.input.flatMap((i) => (i._tag === "UserMessage" ? [i.text] : []))
      expect(texts).toEqual(["start", TURN_ABORTED_TEXT, "next"])
      const recorded = yield* rollout.items
      expect(recorded.map((i) => i._tag)).toEqual([
        "UserMessage",
        "ToolCall",
        "ToolResult",
        "UserMessage",
        "UserMessage",
        "AssistantMessage"
      ])
      const lines = yield* repl.terminal.lines
      expect(lines).toEqual([
        ...BANNER,
        "Session: start",
        "user> start",
        INTERRUPTED,
        QUIT_HINT,
        "user> next",
        "assistant> after"
      ])
    }))

  it.scoped("Esc while assistant text streams (no prompt open) stops the request and keeps what was typed", () =>
    Effect.gen(function* () {
      const cancelled = yield* Deferred.make<void>()
      const calls = yield* Ref.make(0)
      const repl = yield* startRepl([ModelClient.items(assistantMessage("second"))], {
        wrapClient: (client) => ({
          ...client,
          stream: (prompt) =>
            Stream.unwrap(Effect.map(Ref.getAndUpdate(calls, (n) => n + 1), (n) =>
              n === 0
                ? Stream.concat(
                  Stream.make(ModelEvent.AssistantDelta({ delta: "partial" })),
                  Stream.never.pipe(Stream.ensuring(Deferred.succeed(cancelled, undefined)))
                )
                : client.stream(prompt)))
        })
      })
      yield* repl.type("hello")
      yield* repl.until(Effect.sync(() => repl.view.model.streaming && !repl.view.model.inputActive), "the text to stream")
      yield* repl.terminal.press({ _tag: "Escape", typed: "half" })
      yield* repl.hasLine(INTERRUPTED)
      expect(yield* Deferred.isDone(cancelled)).toBe(true)
      yield* repl.atPrompt
      expect((yield* repl.terminal.initials).at(-1)).toBe("half")
      yield* repl.type("more")
      yield* repl.hasLine("assistant> second")
      expect(Exit.isSuccess(yield* repl.finish())).toBe(true)
      expect(yield* repl.terminal.raw).toEqual(["assistant> ", "partial", "\n"])
      const prompts = yield* repl.scripted.prompts
      // The cancelled request is not among the scripted client's prompts; the next one has no reply in it.
      expect(prompts.length).toBe(1)
      const texts = prompts[0]!.input.flatMap((i) => (i._tag === "UserMessage" ? [i.text] : []))
      expect(texts).toEqual(["hello", TURN_ABORTED_TEXT, "more"])
      expect(prompts[0]!.input.some((i) => i._tag === "AssistantMessage")).toBe(false)
    }))

  it.scoped("Ctrl-C while a tool waits for an answer stops the turn; the question's call gets an aborted output", () =>
    Effect.gen(function* () {
      const question = { id: "choice", header: "Pick", question: "Which one?", options: [{ label: "A", description: "first" }] }
      const repl = yield* startRepl(
        [ModelClient.items(toolCall("call_q", "request_user_input", { questions: [question] })), ModelClient.items(assistantMessage("after"))],
        { askTool: true }
      )
      yield* repl.type("ask me")
      yield* repl.until(Effect.map(repl.terminal.prompts, (p) => p.includes("answer> ")), "the answer prompt")
      yield* repl.type(Terminal.interrupt)
      yield* repl.hasLine(INTERRUPTED)
      yield* TestClock.adjust("3 seconds")
      yield* repl.type("next")
      yield* repl.hasLine("assistant> after")
      expect(Exit.isSuccess(yield* repl.finish())).toBe(true)
      const prompts = yield* repl.scripted.prompts
      expect(outputsOf(prompts[1])).toEqual([{ callId: "call_q", output: expect.stringMatching(/^aborted by user after \d+\.\ds$/) }])
    }))

  it.scoped("Esc at an idle prompt does nothing; the typed text stays", () =>
    Effect.gen(function* () {
      const repl = yield* startRepl([ModelClient.items(assistantMessage("done"))])
      yield* repl.type({ _tag: "Escape", typed: "draft" })
      yield* repl.until(Effect.map(repl.terminal.initials, (all) => all.length === 2), "the prompt to open again")
      expect(yield* repl.terminal.initials).toEqual(["", "draft"])
      expect(Exit.isSuccess(yield* repl.finish())).toBe(true)
      expect(yield* repl.terminal.lines).toEqual([...BANNER])
      expect((yield* repl.scripted.prompts).length).toBe(0)
    }))
})

describe("interrupting /compact", () => {
  it.scoped("Ctrl-C while the summary is requested cancels the request and leaves the conversation as it was", () =>
    Effect.gen(function* () {
      const cancelled = yield* Deferred.make<void>()
      const calls = yield* Ref.make(0)
      const repl = yield* startRepl([ModelClient.items(assistantMessage("first")), ModelClient.items(assistantMessage("second"))], {
        wrapClient: (client) => ({
          ...client,
          stream: (prompt) =>
            Stream.unwrap(Effect.map(Ref.getAndUpdate(calls, (n) => n + 1), (n) =>
              n === 1 ? Stream.never.pipe(Stream.ensuring(Deferred.succeed(cancelled, undefined))) : client.stream(prompt)))
        })
      })
      yield* repl.type("hello")
      yield* repl.hasLine("assistant> first")
      yield* repl.type("/compact")
      yield* repl.hasLine("Compacting conversation history...")
      yield* repl.until(Effect.map(Ref.get(calls), (n) => n === 2), "the summary request")
      yield* repl.terminal.press({ _tag: "Interrupt", typed: "" })
      yield* repl.hasLine(COMPACT_INTERRUPTED)
      expect(yield* Deferred.isDone(cancelled)).toBe(true)
      yield* repl.type("more")
      yield* repl.hasLine("assistant> second")
      expect(Exit.isSuccess(yield* repl.finish())).toBe(true)
      // the next request carries the whole conversation, not a summary
      const last = (yield* repl.scripted.prompts).at(-1)!
      expect(last.input.map((i) => (i._tag === "UserMessage" ? i.text : i._tag === "AssistantMessage" ? `> ${i.text}` : i._tag)))
        .toEqual(["hello", "> first", "more"])
    }))
})

describe("leaving the session", () => {
  it.scoped("Ctrl-C on a typed line only clears it; on an empty line it arms, and a second within 2 s exits", () =>
    Effect.gen(function* () {
      const repl = yield* startRepl([ModelClient.items(assistantMessage("done"))])
      yield* repl.type({ _tag: "Interrupt", typed: "some text" })
      yield* repl.type(Terminal.interrupt)
      yield* repl.hasLine(QUIT_HINT)
      // Too late for the first one to count: this one arms again.
      yield* TestClock.adjust("2500 millis")
      yield* repl.type(Terminal.interrupt)
      yield* repl.until(Effect.map(repl.terminal.lines, (all) => all.filter((l) => l === QUIT_HINT).length === 2), "the second hint")
      yield* TestClock.adjust("1 second")
      const exit = yield* repl.finish(Terminal.interrupt)
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(yield* repl.terminal.lines).toEqual([...BANNER, QUIT_HINT, QUIT_HINT])
      expect((yield* repl.scripted.prompts).length).toBe(0)
    }))

  it.scoped("a second Ctrl-C during a turn interrupts it and exits", () =>
    Effect.gen(function* () {
      const { started, stopped, tool } = yield* blockingTool
      const repl = yield* startRepl([ModelClient.items(toolCall("call_block", "block", {}))], { tools: [tool] })
      yield* repl.type("start")
      yield* Deferred.await(started)
      yield* repl.type(Terminal.interrupt)
      yield* repl.hasLine(INTERRUPTED)
      const exit = yield* repl.finish(Terminal.interrupt)
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(yield* Deferred.isDone(stopped)).toBe(true)
    }))

  it.scoped("Ctrl-D (end of input) exits at once", () =>
    Effect.gen(function* () {
      const repl = yield* startRepl([ModelClient.items(assistantMessage("done"))])
      expect(Exit.isSuccess(yield* repl.finish(Terminal.eof))).toBe(true)
      expect(yield* repl.terminal.lines).toEqual([...BANNER])
    }))
})
