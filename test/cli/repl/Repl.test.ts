/** Tests of Repl: interactive session. */
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Ref, TestClock } from "effect"
import { BANNER } from "../../../src/cli/repl/Commands.js"
import * as Terminal from "../../../src/cli/repl/Terminal.js"
import { ApiError } from "../../../src/model/ModelError.js"
import * as ModelClient from "../../../src/model/ModelClient.js"
import { assistantMessage, toolCall } from "../../../src/protocol/Items.js"
import type { Prompt } from "../../../src/protocol/Prompt.js"
import { startRepl } from "./support.js"

const userTexts = (prompt: Prompt) => prompt.input.flatMap((i) => (i._tag === "UserMessage" ? [i.text] : []))

/** A model whose first answer waits for `release`. */
const blockedFirst = Effect.gen(function* () {
  const started = yield* Deferred.make<void>()
  const release = yield* Deferred.make<void>()
  const replies = [
    () =>
      Deferred.succeed(started, undefined).pipe(
        Effect.zipRight(Deferred.await(release)),
        Effect.as(ModelClient.items(assistantMessage("first")))
      ),
    ModelClient.items(assistantMessage("second"))
  ]
  return { started, release, replies }
})

describe("interactive session", () => {
  it.scoped("prints the banner and ends on /exit, /quit and end of input", () =>
    Effect.gen(function* () {
      for (const ending of ["/exit", "/quit", Terminal.eof] as const) {
        const repl = yield* startRepl([ModelClient.items(assistantMessage("done"))])
        const exit = yield* repl.finish(ending)
        expect(Exit.isSuccess(exit)).toBe(true)
        expect(yield* repl.terminal.lines).toEqual([...BANNER])
        expect((yield* repl.scripted.prompts).length).toBe(0)
      }
    }))

  it.scoped("typing while a turn runs steers it at the next boundary", () =>
    Effect.gen(function* () {
      const { release, replies, started } = yield* blockedFirst
      const repl = yield* startRepl(replies)
      yield* repl.type("hello")
      yield* Deferred.await(started)
      yield* repl.type("again")
      yield* repl.type("/exit")
      yield* repl.until(Effect.map(repl.terminal.waiting, (w) => !w), "/exit to be read")
      yield* Deferred.succeed(release, undefined)
      expect(Exit.isSuccess(yield* repl.ended)).toBe(true)
      const lines = yield* repl.terminal.lines
      expect(lines.slice(0, 2)).toEqual([...BANNER])
      expect(lines).toContain("Session: hello")
      expect(lines).toContain("[steer] inserted: again")
      expect(lines.some((l) => l.includes("submission interrupted"))).toBe(false)
      expect(yield* repl.terminal.raw).toEqual(["assistant> ", "first", "\n", "assistant> ", "second", "\n"])
      const prompts = yield* repl.scripted.prompts
      expect(prompts.length).toBe(2)
      expect(userTexts(prompts[1]!)).toEqual(["hello", "again"])
    }))
})

describe("interactive commands", () => {
  it.scoped("/queue waits for the running turn and announces itself twice", () =>
    Effect.gen(function* () {
      const { release, replies, started } = yield* blockedFirst
      const repl = yield* startRepl(replies)
      yield* repl.type("hello")
      yield* Deferred.await(started)
      yield* repl.type("/queue again")
      yield* repl.hasLine("[steer] queued: again")
      yield* repl.type("/exit")
      yield* repl.until(Effect.map(repl.terminal.waiting, (w) => !w), "/exit to be read")
      yield* Deferred.succeed(release, undefined)
      expect(Exit.isSuccess(yield* repl.ended)).toBe(true)
      const lines = yield* repl.terminal.lines
      expect(lines.indexOf("[steer] queued: again")).toBeLessThan(lines.indexOf("[steer] inserted: again"))
      expect(yield* repl.terminal.raw).toEqual(["assistant> ", "first", "\n", "assistant> ", "second", "\n"])
      const prompts = yield* repl.scripted.prompts
      expect(prompts.length).toBe(2)
      expect(userTexts(prompts[1]!)).toEqual(["hello", "first", "again"].filter((t) => t !== "first"))
    }))

  it.scoped("the spinner is paused whenever the prompt waits for input", () =>
    Effect.gen(function* () {
      const { release, replies, started } = yield* blockedFirst
      const repl = yield* startRepl(replies)
      const pausedAtPrompt = Effect.map(repl.terminal.waiting, (w) => !w || !repl.view.model.spinner.active || repl.view.model.spinner.paused)
      yield* repl.type("hello")
      yield* Deferred.await(started)
      yield* repl.atPrompt
      yield* TestClock.adjust("50 millis")
      expect(repl.view.model.spinner.active).toBe(true)
      expect(yield* pausedAtPrompt).toBe(true)
      expect((yield* repl.terminal.prompts).at(-1)).toMatch(/^. waiting model\ntscodex> $/)
      yield* Deferred.succeed(release, undefined)
      yield* repl.hasLine("assistant> first")
      yield* repl.atPrompt
      expect(yield* pausedAtPrompt).toBe(true)
      yield* repl.finish()
      expect(yield* repl.terminal.raw).toEqual([])
    }))

  it.scoped("/title and /history show the session", () =>
    Effect.gen(function* () {
      const repl = yield* startRepl([ModelClient.items(assistantMessage("done"))])
      yield* repl.type("hello there")
      yield* repl.hasLine("assistant> done")
      yield* repl.type("/title")
      yield* repl.type("/history")
      yield* repl.finish()
      expect(yield* repl.terminal.lines).toEqual([
        ...BANNER,
        "Session: hello there",
        "user> hello there",
        "assistant> done",
        "Session: hello there",
        "Session: hello there",
        "[1] user> hello there",
        "    assistant> done"
      ])
    }))

  it.scoped("an unknown /command is an error listing the commands, never a prompt; /help lists them", () =>
    Effect.gen(function* () {
      const repl = yield* startRepl([ModelClient.items(assistantMessage("done"))])
      yield* repl.type("/hepl")
      yield* repl.type("/help")
      yield* repl.type("/usr/bin is where it lives")
      yield* repl.hasLine("assistant> done")
      yield* repl.finish()
      const lines = (yield* repl.terminal.lines).slice(BANNER.length)
      expect(lines[0]).toBe("Error: unknown command /hepl; commands: /help, /history, /title, /model, /resume, /compact, /queue, /exit, /quit")
      expect(lines.slice(1, 9).map((l) => l.split(/\s+/)[0])).toEqual(["/help", "/history", "/title", "/model", "/resume", "/compact", "/queue", "/exit,"])
      expect(lines).toContain("user> /usr/bin is where it lives")
      expect((yield* repl.scripted.prompts).length).toBe(1)
    }))

  it.scoped("/title <text> sets the title", () =>
    Effect.gen(function* () {
      const repl = yield* startRepl([ModelClient.items(assistantMessage("done"))])
      yield* repl.type("/title Fixing the parser")
      yield* repl.type("hello there")
      yield* repl.hasLine("assistant> done")
      yield* repl.type("/title")
      yield* repl.type("/history")
      yield* repl.finish()
      const lines = (yield* repl.terminal.lines).slice(BANNER.length)
      expect(lines[0]).toBe("Session: Fixing the parser")
      expect(lines).not.toContain("Session: hello there")
      expect(lines.filter((l) => l === "Session: Fixing the parser").length).toBe(3)
    }))

  it.scoped("/history and /title before any turn", () =>
    Effect.gen(function* () {
      const repl = yield* startRepl([ModelClient.items(assistantMessage("done"))])
      yield* repl.type("/history")
      yield* repl.type("/title")
      yield* repl.finish()
      expect((yield* repl.terminal.lines).slice(2)).toEqual(["No history yet.", "Session: untitled"])
    }))

  it.scoped("/model switches between turns and lists the provider's models", () =>
    Effect.gen(function* () {
      const holder: { client?: ModelClient.ModelClient } = {}
      const reply = () => Effect.map(Ref.get(holder.client!.model), (m) => ModelClient.items(assistantMessage(m)))
      const repl = yield* startRepl([reply], { models: ["demo-model", "alt-model", "third-model"] })
      holder.client = repl.client
      yield* repl.type("hello")
      yield* repl.hasLine("assistant> demo-model")
      yield* repl.type("/model alt-model")
      yield* repl.type("again")
      yield* repl.hasLine("assistant> alt-model")
      yield* repl.type("/model")
      yield* repl.finish()
      expect(yield* repl.terminal.lines).toEqual([
        ...BANNER,
        "Session: hello",
        "user> hello",
        "assistant> demo-model",
        "Switched model to alt-model.",
        "user> again",
        "assistant> alt-model",
        "Current model: alt-model",
        "Available models: demo-model, alt-model, third-model"
      ])
      expect(yield* repl.terminal.raw).toEqual([])
    }))

  it.scoped("/model refuses to switch while a turn runs", () =>
    Effect.gen(function* () {
      const holder: { client?: ModelClient.ModelClient } = {}
      const release = yield* Deferred.make<void>()
      const started = yield* Deferred.make<void>()
      const reply = () =>
        Deferred.succeed(started, undefined).pipe(
          Effect.zipRight(Deferred.await(release)),
          Effect.zipRight(Ref.get(holder.client!.model)),
          Effect.map((m) => ModelClient.items(assistantMessage(m)))
        )
      const repl = yield* startRepl([reply])
      holder.client = repl.client
      yield* repl.type("hello")
      yield* Deferred.await(started)
      yield* repl.type("/model alt-model")
      yield* repl.hasLine("Cannot change model while work is running or queued in steer mode.")
      expect(yield* Ref.get(repl.client.model)).toBe("demo-model")
      yield* repl.type("/exit")
      yield* repl.until(Effect.map(repl.terminal.waiting, (w) => !w), "/exit to be read")
      yield* Deferred.succeed(release, undefined)
      expect(Exit.isSuccess(yield* repl.ended)).toBe(true)
      expect(yield* repl.terminal.raw).toEqual(["assistant> ", "demo-model", "\n"])
    }))

  it.scoped("a failed /model listing is shown and the session goes on", () =>
    Effect.gen(function* () {
      const repl = yield* startRepl([ModelClient.items(assistantMessage("done"))], {
        listModels: Effect.fail(new ApiError({ message: "models request failed: 503" }))
      })
      yield* repl.type("/model")
      yield* repl.type("hello")
      yield* repl.hasLine("assistant> done")
      yield* repl.finish()
      expect((yield* repl.terminal.lines).slice(2)).toEqual([
        "Current model: demo-model",
        "Error: models request failed: 503",
        "Session: hello",
        "user> hello",
        "assistant> done"
      ])
    }))

  it.scoped("a failed turn prints its error and the next input still works", () =>
    Effect.gen(function* () {
      const repl = yield* startRepl([
        ModelClient.fail(new ApiError({ message: "synthetic client error" })),
        ModelClient.items(assistantMessage("done"))
      ])
      yield* repl.type("hello")
      yield* repl.hasLine("Error: synthetic client error")
      yield* repl.type("again")
      yield* repl.hasLine("assistant> done")
      yield* repl.finish()
      expect(yield* repl.terminal.lines).toEqual([
        ...BANNER,
        "Session: hello",
        "user> hello",
        "Error: synthetic client error",
        "user> again",
        "assistant> done"
      ])
    }))

  it.scoped("multi-line errors are indented under their first line", () =>
    Effect.gen(function* () {
      const repl = yield* startRepl([ModelClient.fail(new ApiError({ message: "request failed\n- provider: neo\n- model: gpt-5.4" }))])
      yield* repl.type("hello")
      yield* repl.hasLine("  - model: gpt-5.4")
      yield* repl.finish()
      expect((yield* repl.terminal.lines).slice(-3)).toEqual(["Error: request failed", "  - provider: neo", "  - model: gpt-5.4"])
    }))

  it.scoped("a tool round trip shows the tool line and spinner frames while no prompt is open", () =>
    Effect.gen(function* () {
      const repl = yield* startRepl([
        ModelClient.items(toolCall("call_1", "echo", { text: "hello" })),
        ModelClient.items(assistantMessage("done"))
      ])
      yield* repl.type("use a tool")
      yield* repl.type("/exit")
      expect(Exit.isSuccess(yield* repl.ended)).toBe(true)
      expect(yield* repl.terminal.lines).toEqual([...BANNER, "Session: use a tool", "user> use a tool", '[tool] echo: {"echo":"hello"}'])
      const raw = yield* repl.terminal.raw
      expect(raw[0]).toMatch(/running echo\(\{"text":"hello"\}\)$/)
      expect(raw[2]).toMatch(/thinking$/)
      expect(raw.slice(-3)).toEqual(["assistant> ", "done", "\n"])
    }))

  it.scoped("--json prints each successful turn's result", () =>
    Effect.gen(function* () {
      const repl = yield* startRepl([ModelClient.items(assistantMessage("done"))], { json: true })
      yield* repl.type("hello")
      yield* repl.until(Effect.map(repl.terminal.lines, (l) => l.some((x) => x.startsWith("{"))), "the JSON result")
      yield* repl.finish()
      const json = JSON.parse((yield* repl.terminal.lines).find((l) => l.startsWith("{"))!)
      expect(Object.keys(json)).toEqual(["turn_id", "output_text", "iterations", "response_items", "history"])
      expect(json.output_text).toBe("done")
    }))
})
