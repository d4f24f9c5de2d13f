/** Repl: the interactive session — banner, the input loop with its prompt, and an orderly end. */
import { Clock, Effect, Option } from "effect"
import { AgentRuntime } from "../../agent/AgentRuntime.js"
import * as Approvals from "../../sandbox/Approvals.js"
import * as ApprovalPrompt from "./ApprovalPrompt.js"
import { BANNER, parseCommand } from "./Commands.js"
import * as Session from "./Session.js"
import { type ReadResult, Terminal } from "./Terminal.js"
import * as UserPrompts from "./UserPrompts.js"
import type { View } from "./View.js"

/** How often the open prompt checks for streamed text to hand over and redraws itself. */
const POLL = "50 millis"

/** How long after a Ctrl-C a second one ends the session. */
export const QUIT_WINDOW_MILLIS = 2000
/** Shown when Ctrl-C or Esc stopped a running turn. */
export const INTERRUPTED = "■ Conversation interrupted - tell the model what to do differently."
/** Shown after a Ctrl-C that did not clear typed text. */
export const QUIT_HINT = "ctrl + c again to quit"

/**
 * Waits for the next input. No prompt opens while assistant text streams; a prompt that sees text
 * streaming into it closes (losing half-typed input) and the text continues as normal output.
 */
const readInput = (view: View, broker: UserPrompts.PromptBroker, initial: string) =>
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
        // Ctrl-C and Esc still stop the turn while its text streams with no prompt open.
        const key = yield* Effect.raceFirst(Effect.as(Effect.sleep(POLL), Option.none<ReadResult>()), Effect.map(terminal.keyPressed, Option.some))
        if (Option.isSome(key)) return key.value
        continue
      }
      yield* view.apply((m) => m.setInputActive(true))
      const prompt = yield* promptText
      const result = yield* Effect.raceFirst(Effect.map(terminal.readLine(prompt, initial), Option.some), streamStarted)
      if (Option.isNone(result)) {
        yield* view.apply((m) => m.handOff())
        continue
      }
      yield* view.apply((m) => m.setInputActive(false))
      return result.value
    }
  })

/** Shows the recorded session the stack continues, when the session starts on one. */
const begin = (view: View, start: Session.SessionOptions["start"]) =>
  start === undefined
    ? Effect.void
    : view.apply((m) => {
      m.resetSession(start.title, start.turns)
      return [...m.line(`Resumed session: ${start.title}`), ...m.history()]
    })

/**
 * Runs the session until `/exit`, `/quit`, end of input (Ctrl-D) or a second Ctrl-C within
 * QUIT_WINDOW_MILLIS, then lets queued work finish. Ctrl-C or Esc during a turn stops it at once;
 * Ctrl-C on a line with text only clears it.
 */
export const run = (view: View, options: Session.SessionOptions) =>
  Effect.scoped(
    Effect.gen(function* () {
      const runtime = yield* AgentRuntime
      const session = yield* Session.make(view, options)
      const broker = yield* UserPrompts.makeBroker(options.questionTimeout)
      const sayLines = (lines: ReadonlyArray<string>) => view.apply((m) => lines.flatMap((text) => m.line(text)))
      // Under approval policy `never` nobody is asked about commands, nor about more permissions.
      const approvals = yield* Effect.serviceOption(Approvals.Approvals)
      const askPermissions = Option.match(approvals, { onNone: () => true, onSome: (a) => a.policy !== "never" })
      yield* UserPrompts.install(broker, sayLines, { askPermissions })
      yield* ApprovalPrompt.install(broker, sayLines)
      yield* view.apply((m) => BANNER.flatMap((text) => m.line(text)))
      yield* begin(view, options.start)
      const say = (text: string, kind: "error" | "status") => view.apply((m) => m.line(text, kind))
      /** Stops the running turn (its calls get aborted outputs) and drops queued work. */
      const interrupt = Effect.gen(function* () {
        if (!(yield* runtime.busy)) return
        yield* runtime.interruptTurn
        yield* say(INTERRUPTED, "error")
      })
      let initial = ""
      let armedAt: number | undefined
      while (true) {
        const input = yield* readInput(view, broker, initial)
        initial = ""
        if (input._tag === "Escape") {
          yield* interrupt
          initial = input.typed
          continue
        }
        if (input._tag === "Interrupt") {
          if (input.typed !== "") {
            armedAt = undefined
            continue
          }
          const now = yield* Clock.currentTimeMillis
          if (armedAt !== undefined && now - armedAt <= QUIT_WINDOW_MILLIS) {
            yield* runtime.interruptTurn
            break
          }
          armedAt = now
          yield* interrupt
          yield* say(QUIT_HINT, "status")
          continue
        }
        // A line typed while a tool waits for an answer is that answer.
        if (yield* broker.offer(input)) continue
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
