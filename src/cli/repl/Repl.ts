/** Repl: the interactive session — banner, the input loop with its prompt, and an orderly end. */
import { Clock, Effect, Option } from "effect"
import { AgentRuntime } from "../../agent/AgentRuntime.js"
import { BANNER, parseCommand } from "./Commands.js"
import * as Session from "./Session.js"
import { type ReadResult, Terminal } from "./Terminal.js"
import * as UserPrompts from "./UserPrompts.js"
import type { View } from "./View.js"

/** How often the open prompt checks for streamed text to hand over and redraws itself. */
const POLL = "50 millis"

/**
 * Waits for the next input. No prompt opens while assistant text streams; a prompt that sees text
 * streaming into it closes (losing half-typed input) and the text continues as normal output.
 */
const readInput = (view: View, broker: UserPrompts.PromptBroker) =>
  Effect.gen(function* () {
    const terminal = yield* Terminal
    const model = view.model
    // A pending question from a tool shows its own prompt.
    const promptText = Effect.flatMap(broker.pendingPrompt, (pending) =>
      Option.match(pending, { onSome: Effect.succeed, onNone: () => Effect.map(Clock.currentTimeMillis, (now) => model.promptText(now)) }))
    const streamStarted = Effect.gen(function* () {
      while (true) {
        yield* Effect.sleep(POLL)
        if (model.streamingInPrompt) return Option.none<ReadResult>()
        yield* terminal.updatePrompt(yield* promptText)
      }
    })
    while (true) {
      if (!model.inputActive && model.streaming) {
        yield* Effect.sleep(POLL)
        continue
      }
      yield* view.apply((m) => m.setInputActive(true))
      const prompt = yield* promptText
      const result = yield* Effect.raceFirst(Effect.map(terminal.readLine(prompt), Option.some), streamStarted)
      if (Option.isNone(result)) {
        yield* view.apply((m) => m.handOff())
        continue
      }
      yield* view.apply((m) => m.setInputActive(false))
      return result.value
    }
  })

/**
 * Runs the session until `/exit`, `/quit` or end of input, then lets queued work finish. Ctrl-C
 * interrupts the whole program.
 */
export const run = (view: View, options: Session.SessionOptions) =>
  Effect.scoped(
    Effect.gen(function* () {
      const runtime = yield* AgentRuntime
      const session = yield* Session.make(view, options)
      const broker = yield* UserPrompts.makeBroker(options.questionTimeout)
      yield* UserPrompts.install(broker, (lines) => view.apply((m) => lines.flatMap((text) => m.line(text))))
      yield* view.apply((m) => BANNER.flatMap((text) => m.line(text)))
      while (true) {
        const input = yield* readInput(view, broker)
        // A line typed while a tool waits for an answer is that answer.
        if (yield* broker.offer(input)) continue
        if (input._tag === "Interrupt") return yield* Effect.interrupt
        if (input._tag === "Eof") break
        const text = input.text.trim()
        if (text === "") continue
        if (!(yield* session.run(parseCommand(text)))) break
      }
      yield* runtime.shutdown
      yield* session.awaitSubmissions
      yield* view.apply((m) => m.close())
    })
  )
