/** Session: what each command of the interactive session does (turns, steer, queue, model, resume, compact). */
import type * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Either, Exit, Fiber, Option, Ref, type Scope } from "effect"
import { AgentRuntime, type QueueName, type SubmissionError } from "../../agent/AgentRuntime.js"
import type { CompactionResult } from "../../agent/Compactor.js"
import { ModelClient } from "../../model/ModelClient.js"
import { AgentEvent, type TurnResult, turnResultJson } from "../../protocol/AgentEvent.js"
import type { ModelEvent } from "../../protocol/ModelEvent.js"
import * as RolloutReader from "../../session/RolloutReader.js"
import { historyToTurns, type Turn } from "../../session/SessionHistory.js"
import * as SessionList from "../../session/SessionList.js"
import * as ModelChoice from "./ModelChoice.js"
import { BUSY_COMPACT, BUSY_MODEL, BUSY_RESUME, type Command, COMMANDS, COMPACT_INTERRUPTED } from "./Commands.js"
import { RolloutSwitch } from "../../session/RolloutSwitch.js"
import { Terminal } from "./Terminal.js"
import type { View } from "./View.js"

export interface SessionOptions {
  /** Print each successful turn's result as JSON. */
  readonly json: boolean
  /** Where `/resume` looks for sessions. */
  readonly codexHome: string
  /** How long a tool's question waits for an answer (default: five minutes). */
  readonly questionTimeout?: import("effect").Duration.DurationInput
  /** The models of the catalog; `/model` asks before switching to another one. Unset: no check. */
  readonly knownModels?: ReadonlyArray<string>
  /** How the session begins when it continues a recorded one. */
  readonly start?:
    /** The stack already continues this session (history loaded, rollout attached): show it. */
    { readonly _tag: "Resumed"; readonly title: string; readonly turns: ReadonlyArray<Turn> }
}

export interface Session {
  /** Runs one command; `false` when the session should end. */
  readonly run: (command: Command) => Effect.Effect<boolean>
  /** Waits until every submitted turn has reported its outcome. */
  readonly awaitSubmissions: Effect.Effect<void>
}

type Services = AgentRuntime | ModelClient | RolloutSwitch | FileSystem.FileSystem | Terminal

const messageOf = (error: unknown): string =>
  typeof error === "object" && error !== null && "message" in error ? String((error as { message: unknown }).message) : String(error)

export const make = (view: View, options: SessionOptions): Effect.Effect<Session, never, Services | Scope.Scope> =>
  Effect.gen(function* () {
    const runtime = yield* AgentRuntime
    const client = yield* ModelClient
    const rollouts = yield* RolloutSwitch
    const terminal = yield* Terminal
    const context = yield* Effect.context<FileSystem.FileSystem>()
    const scope = yield* Effect.scope
    /** Submitted turns whose outcome has not arrived yet ("work running or queued"). */
    const outstanding = yield* Ref.make(0)
    const waiters = yield* Ref.make<ReadonlyArray<Fiber.RuntimeFiber<void>>>([])
    /** The last model named by `/model` that the catalog does not know. */
    const unconfirmedModel = yield* Ref.make<string | undefined>(undefined)

    const say = (text: string) => view.apply((m) => m.line(text))
    const fail = (message: string) => view.apply((m) => m.error(message))
    const busy = Effect.map(Ref.get(outstanding), (n) => n > 0)

    /** Reports a submission's outcome: nothing when a steer replaced it, the error otherwise, JSON on request. */
    const report = (result: Effect.Effect<TurnResult, SubmissionError>) =>
      result.pipe(
        Effect.matchEffect({
          onFailure: (error) => (error._tag === "SubmissionInterrupted" ? Effect.void : fail(error.message)),
          onSuccess: (value) => (options.json ? say(JSON.stringify(turnResultJson(value), null, 2)) : Effect.void)
        }),
        Effect.ensuring(Ref.update(outstanding, (n) => n - 1))
      )

    const submit = (text: string, queue: QueueName) =>
      Effect.gen(function* () {
        const steered = yield* busy
        yield* Ref.update(outstanding, (n) => n + 1)
        const submission = yield* view.exclusive((write) =>
          Effect.tap(runtime.enqueue(text, queue), ({ submissionId }) =>
            queue === "enqueue"
              ? write((m) => m.showSteerQueued(submissionId, text))
              : steered
              ? write((m) => (m.recordSteerInserted(submissionId, text), []))
              : Effect.void
          )
        )
        const fiber = yield* Effect.forkIn(report(submission.result), scope)
        yield* Ref.update(waiters, (all) => [...all, fiber])
      })

    const showModels = Effect.gen(function* () {
      const current = yield* Ref.get(client.model)
      yield* say(`Current model: ${current === "" ? "unavailable" : current}`)
      const listed = yield* Effect.either(client.listModels)
      yield* Either.match(listed, {
        onLeft: (error) => fail(error.message),
        onRight: (ids) => say(`Available models: ${ids.join(", ")}`)
      })
    })

    const listSessions = Effect.gen(function* () {
      const { entries } = yield* SessionList.listSessions(options.codexHome)
      yield* view.apply((m) => SessionList.formatResumeChoices(entries).flatMap((text) => m.line(text)))
    }).pipe(Effect.provide(context))

    /** Loads a rollout into the runtime, records into it from now on, and shows its history. */
    const resumeFrom = (rolloutPath: string, threadId: string) =>
      Effect.gen(function* () {
        const names = yield* RolloutReader.readSessionIndex(options.codexHome)
        const session = yield* RolloutReader.loadSession(rolloutPath, { threadName: names.get(threadId) })
        yield* runtime.loop.replaceHistory(session.history)
        yield* Ref.set(client.sessionId, session.sessionId)
        yield* rollouts.continueRollout(session.rolloutPath)
        yield* view.apply((m) => {
          m.resetSession(session.title, session.turns)
          return [...m.line(`Resumed session: ${session.title}`), ...m.history()]
        })
      }).pipe(Effect.provide(context))

    const resume = (arg: string) =>
      Effect.gen(function* () {
        if (yield* busy) return yield* say(BUSY_RESUME)
        const { entries } = yield* SessionList.listSessions(options.codexHome)
        const entry = yield* SessionList.selectByIndex(entries, arg)
        yield* resumeFrom(entry.rolloutPath, entry.threadId)
      }).pipe(
        Effect.catchAll((error) => fail(error.message)),
        Effect.provide(context)
      )

    /** Usage and retries of the summary request show like a turn's; its text is never streamed. */
    const compactEvent = (event: ModelEvent) => {
      const turnId = "compact"
      switch (event._tag) {
        case "TokenCount":
          return view.onEvent({ event: AgentEvent.token_count({ turnId, usage: event.usage }) })
        case "StreamError":
          return view.onEvent({ event: AgentEvent.stream_error({ turnId, ...event }) })
        default:
          return Effect.void
      }
    }

    const compact = Effect.gen(function* () {
      if (yield* busy) return yield* say(BUSY_COMPACT)
      if ((yield* runtime.loop.history).length === 0) return yield* say("Nothing to compact.")
      yield* say("Compacting conversation history...")
      // Ctrl-C or Esc stops the summary request; once the summary is back it is recorded whole,
      // and `committed` tells whether that happened before the interrupt took effect.
      const committed = yield* Ref.make(Option.none<CompactionResult>())
      const compacting = yield* Effect.fork(runtime.loop.compact(compactEvent, (result) => Ref.set(committed, Option.some(result))))
      const exit = yield* Effect.raceFirst(Fiber.await(compacting), Effect.zipRight(terminal.keyPressed, Fiber.interrupt(compacting)))
      const taken = yield* Ref.get(committed)
      if (Option.isNone(taken)) {
        if (Exit.isFailure(exit) && Exit.isInterrupted(exit)) return yield* view.apply((m) => m.line(COMPACT_INTERRUPTED, "error"))
        yield* exit
        return yield* say("Nothing to compact.")
      }
      const done = taken.value
      yield* view.apply((m) => (m.resetTurns(historyToTurns(done.history)), m.line(done.summary)))
    }).pipe(Effect.catchAll((error) => fail(messageOf(error))))

    /** A model outside the catalog is switched to only when the same `/model` is typed twice in a row. */
    const setModel = (name: string) =>
      Effect.gen(function* () {
        if (yield* busy) return yield* say(BUSY_MODEL)
        const known = options.knownModels
        const confirmed = (yield* Ref.getAndSet(unconfirmedModel, name)) === name
        if (known !== undefined && !known.includes(name) && !confirmed) {
          const close = ModelChoice.closeMatches(name, known)
          yield* fail(ModelChoice.notInCatalog(name, close))
          return
        }
        yield* Ref.set(unconfirmedModel, undefined)
        yield* Ref.set(client.model, name)
        yield* say(`Switched model to ${name}.`)
      })

    const run = (command: Command): Effect.Effect<boolean> => {
      const next = (effect: Effect.Effect<void>) => Effect.as(effect, true)
      switch (command._tag) {
        case "Exit":
          return Effect.succeed(false)
        case "History":
          return next(view.apply((m) => m.history()))
        case "Title":
          return next(say(`Session: ${view.model.title ?? "untitled"}`))
        case "SetTitle":
          return next(Effect.zipRight(view.apply((m) => (m.setTitle(command.text), [])), say(`Session: ${command.text}`)))
        case "Help":
          return next(view.apply((m) => COMMANDS.flatMap(([name, text]) => m.line(`${name.padEnd(16)}${text}`))))
        case "Unknown":
          return next(fail(`unknown command ${command.name}; commands: ${COMMANDS.map(([name]) => name.split(" ")[0]!.replace(",", "")).join(", ")}, /quit`))
        case "ListSessions":
          return next(listSessions)
        case "Resume":
          return next(resume(command.arg))
        case "Compact":
          return next(compact)
        case "Queue":
          return next(submit(command.text, "enqueue"))
        case "ShowModels":
          return next(showModels)
        case "SetModel":
          return next(setModel(command.name))
        case "Say":
          return next(submit(command.text, "steer"))
      }
    }

    return {
      run,
      awaitSubmissions: Effect.flatMap(Ref.get(waiters), (all) => Effect.forEach(all, (f) => f.await, { discard: true }))
    }
  })
