/** Retries in the interactive session, against the scripted Responses server in memory and the TestClock. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, TestClock } from "effect"
import { options, scriptedClient } from "../../model/support.js"
import type { FakeScriptInput } from "../../support/FakeResponsesServer.js"
import { startRepl } from "./support.js"

const withServer = (script: FakeScriptInput) =>
  Effect.gen(function* () {
    const server = yield* scriptedClient(script, options())
    const repl = yield* startRepl([], { wrapClient: () => server.client })
    return { ...repl, requests: server.requests }
  })

/** Everything the session wrote, lines and raw chunks in one text. */
const shown = (repl: { readonly terminal: { readonly lines: Effect.Effect<ReadonlyArray<string>>; readonly raw: Effect.Effect<ReadonlyArray<string>> } }) =>
  Effect.map(Effect.zip(repl.terminal.lines, repl.terminal.raw), ([lines, raw]) => [...lines, ...raw].join("\n"))

describe("retries in the interactive session", () => {
  it.scoped("a 429 is announced with its wait, and nothing is sent again before it", () =>
    Effect.gen(function* () {
      const repl = yield* withServer({
        turns: [{
          type: "http_error",
          status: 429,
          headers: { "retry-after": "2" },
          body: { error: { message: "Rate limit reached. Please try again in 2s.", type: "tokens", code: "rate_limit_exceeded" } }
        }],
        exhausted: { type: "message", text: "after the wait" }
      })
      yield* repl.type("hello")
      const notice = "[status] Reconnecting... 1/5 in 2s (responses request failed with status 429: Rate limit reached. Please try again in 2s.)"
      yield* repl.hasLine(notice)
      expect((yield* repl.requests).length).toBe(1)
      yield* TestClock.adjust("1900 millis")
      expect((yield* repl.requests).length).toBe(1)
      yield* repl.hasLine("assistant> after the wait")
      expect((yield* repl.requests).length).toBe(2)
      expect(Exit.isSuccess(yield* repl.finish())).toBe(true)
    }))

  it.scoped("a stream dropped after some text is retried; the answer is shown once", () =>
    Effect.gen(function* () {
      const repl = yield* withServer([
        { type: "disconnect", after_events: 3, text: "Hello" },
        { type: "message", text: "Hello world", deltas: 4 }
      ])
      yield* repl.type("hello")
      yield* repl.until(Effect.map(shown(repl), (text) => text.includes("Hello world")), "the answer")
      yield* repl.atPrompt
      expect(Exit.isSuccess(yield* repl.finish())).toBe(true)
      const text = yield* shown(repl)
      expect(text.split("Hello world").length - 1).toBe(1)
      expect(yield* repl.terminal.lines).toContain("[status] Reconnecting... 1/5 in 0.2s (responses request failed while reading the HTTP stream)")
      expect((yield* repl.requests).length).toBe(2)
    }))
})
