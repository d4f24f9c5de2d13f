/** AgentRuntime: runs submitted user turns one at a time on an AgentLoop, with steer, queue and shutdown (core §3). */
import { Context, Data, Deferred, Effect, Exit, Fiber, Layer, Option, Queue, Ref } from "effect"
import type { AgentEvent, TurnResult } from "../protocol/AgentEvent.js"
import { uuid7 } from "../protocol/Ids.js"
import { AgentEvents } from "./AgentEvents.js"
import * as AgentLoop from "./AgentLoop.js"

/** A submission that was stopped at a safe boundary (steer, or `close_agent`). */
export class SubmissionInterrupted extends Data.TaggedError("SubmissionInterrupted")<{}> {
  override get message() {
    return "submission interrupted"
  }
}

export type SubmissionError = SubmissionInterrupted | Exclude<AgentLoop.TurnError, AgentLoop.TurnInterrupted>

/** An event of the loop, with the submission it ran for (none outside submissions). */
export interface SubmissionEvent {
  readonly event: AgentEvent
  readonly submissionId?: string
  /** The turn id the submission runs with (shared by a turn and its steer continuation). */
  readonly submissionTurnId?: string
}

export type QueueName = "enqueue" | "steer"

interface Queued {
  readonly id: string
  readonly turnId: string
  /** Absent for the shutdown submission. */
  readonly texts: ReadonlyArray<string> | undefined
  readonly waiters: ReadonlyArray<Deferred.Deferred<TurnResult | undefined, SubmissionError>>
}

interface Queues {
  readonly steer: ReadonlyArray<Queued>
  readonly enqueue: ReadonlyArray<Queued>
}

export interface AgentRuntime {
  readonly loop: AgentLoop.AgentLoop
  /**
   * Queues a user turn. `steer` interrupts the running turn at its next safe boundary and runs
   * next with the same turn id; texts steered while one steer is still waiting join it.
   */
  readonly enqueue: (text: string, queue?: QueueName) => Effect.Effect<{
    readonly submissionId: string
    readonly result: Effect.Effect<TurnResult, SubmissionError>
  }>
  /** Queues a turn and waits for its result. */
  readonly submitUserTurn: (text: string) => Effect.Effect<TurnResult, SubmissionError>
  /**
   * Stops the running turn at once (fiber interruption: the model request is cancelled, running tools
   * are interrupted and get aborted outputs) and drops what was waiting. False when nothing ran.
   */
  readonly interruptTurn: Effect.Effect<boolean>
  /** True while a turn runs or submissions wait. */
  readonly busy: Effect.Effect<boolean>
  /**
   * Runs everything queued before it, then stops the runtime and waits for its worker to end.
   * Does nothing when the worker has already stopped.
   */
  readonly shutdown: Effect.Effect<void>
  /** True while the worker that runs submissions is alive (false after a shutdown). */
  readonly running: Effect.Effect<boolean>
  /**
   * Starts the worker again after a shutdown, keeping the history and anything still queued.
   * False (and nothing happens) when it is already running.
   */
  readonly restart: Effect.Effect<boolean>
}
export const AgentRuntime = Context.GenericTag<AgentRuntime>("tscodex/AgentRuntime")

export interface AgentRuntimeOptions extends AgentLoop.AgentLoopOptions {
  /** Receives every loop event with its submission. */
  readonly onEvent?: (event: SubmissionEvent) => Effect.Effect<void>
}

/** Builds a loop and starts the runtime's worker fiber in the current scope. */
export const make = (options: AgentRuntimeOptions = {}) =>
  Effect.gen(function* () {
    const current = yield* Ref.make<Option.Option<Queued>>(Option.none())
    const onEvent = options.onEvent ?? (() => Effect.void)
    const decorated = AgentEvents.of({
      publish: (event) =>
        Effect.flatMap(Ref.get(current), (running) =>
          onEvent(
            Option.match(running, {
              onNone: () => ({ event }),
              onSome: (q) => ({ event, submissionId: q.id, submissionTurnId: q.turnId })
            })
          )
        )
    })
    const loop = yield* AgentLoop.make(options).pipe(Effect.provideService(AgentEvents, decorated))
    const queues = yield* Ref.make<Queues>({ steer: [], enqueue: [] })
    const wakeUp = yield* Queue.sliding<void>(1)
    const turnFiber = yield* Ref.make<Option.Option<Fiber.RuntimeFiber<TurnResult, AgentLoop.TurnError>>>(Option.none())

    const awaitResult = (waiter: Deferred.Deferred<TurnResult | undefined, SubmissionError>) =>
      Effect.flatMap(Deferred.await(waiter), (result) =>
        result === undefined ? Effect.dieMessage("a user turn resolved without a result") : Effect.succeed(result)
      )

    const push = (name: QueueName, entry: Queued) =>
      Ref.update(queues, (q) => ({ ...q, [name]: [...q[name], entry] })).pipe(Effect.zipRight(Queue.offer(wakeUp, undefined)))

    const enqueue = (text: string, queue: QueueName = "enqueue") =>
      Effect.gen(function* () {
        const running = yield* Ref.get(current)
        const active = Option.isSome(running)
        if (queue === "steer" && active) yield* loop.interrupt
        const waiter = yield* Deferred.make<TurnResult | undefined, SubmissionError>()
        const joined = yield* Ref.modify(queues, (q): readonly [string | undefined, Queues] => {
          const last = q.steer.at(-1)
          if (queue !== "steer" || last === undefined || last.texts === undefined) return [undefined, q]
          const merged: Queued = { ...last, texts: [...last.texts, text], waiters: [...last.waiters, waiter] }
          return [last.id, { ...q, steer: [...q.steer.slice(0, -1), merged] }]
        })
        if (joined !== undefined) return { submissionId: joined, result: awaitResult(waiter) }
        const id = yield* uuid7
        const turnId = queue === "steer" && active ? running.value.turnId : id
        yield* push(queue, { id, turnId, texts: [text], waiters: [waiter] })
        return { submissionId: id, result: awaitResult(waiter) }
      })

    /** The next submission: steer first, then the plain queue; waits when both are empty. */
    const next: Effect.Effect<Queued> = Effect.gen(function* () {
      while (true) {
        const taken = yield* Ref.modify(queues, (q): readonly [Queued | undefined, Queues] => {
          const [head, ...rest] = q.steer.length > 0 ? q.steer : q.enqueue
          if (head === undefined) return [undefined, q]
          return [head, q.steer.length > 0 ? { ...q, steer: rest } : { ...q, enqueue: rest }]
        })
        if (taken !== undefined) return taken
        yield* Queue.take(wakeUp)
      }
    })

    const settle = (entry: Queued, exit: Exit.Exit<TurnResult | undefined, SubmissionError>) =>
      Effect.forEach(entry.waiters, (waiter) => Deferred.done(waiter, exit), { discard: true })

    const worker = Effect.gen(function* () {
      while (true) {
        const entry = yield* next
        if (entry.texts === undefined) {
          yield* settle(entry, Exit.succeed(undefined))
          return
        }
        yield* Ref.set(current, Option.some(entry))
        const fiber = yield* Effect.fork(loop.runTurn(entry.texts, entry.turnId))
        yield* Ref.set(turnFiber, Option.some(fiber))
        const turnExit = yield* Fiber.await(fiber)
        const exit = Exit.isInterrupted(turnExit)
          ? Exit.fail(new SubmissionInterrupted())
          : yield* turnExit.pipe(
            Effect.catchTag("TurnInterrupted", () => Effect.fail(new SubmissionInterrupted())),
            Effect.exit
          )
        yield* Ref.set(turnFiber, Option.none())
        yield* Ref.set(current, Option.none())
        yield* settle(entry, exit)
      }
    })
    // The worker lives in the scope the runtime was made in, also when restarted.
    const scope = yield* Effect.scope
    const workerFiber = yield* Ref.make(yield* Effect.forkIn(worker, scope))
    const running = Effect.map(Effect.flatMap(Ref.get(workerFiber), Fiber.poll), Option.isNone)

    const shutdown = Effect.gen(function* () {
      if (!(yield* running)) return
      const fiber = yield* Ref.get(workerFiber)
      const waiter = yield* Deferred.make<TurnResult | undefined, SubmissionError>()
      const id = yield* uuid7
      yield* push("enqueue", { id, turnId: id, texts: undefined, waiters: [waiter] })
      yield* Deferred.await(waiter).pipe(Effect.ignore)
      yield* Fiber.await(fiber)
    })

    const restart = Effect.gen(function* () {
      if (yield* running) return false
      yield* Ref.set(workerFiber, yield* Effect.forkIn(Effect.interruptible(worker), scope))
      return true
    }).pipe(Effect.uninterruptible)

    const interruptTurn = Effect.gen(function* () {
      const dropped = yield* Ref.getAndSet(queues, { steer: [], enqueue: [] })
      const waiting = [...dropped.steer, ...dropped.enqueue]
      // A shutdown request is kept: it must still end the worker.
      const shutdowns = waiting.filter((entry) => entry.texts === undefined)
      if (shutdowns.length > 0) yield* Ref.update(queues, (q) => ({ ...q, enqueue: [...shutdowns, ...q.enqueue] }))
      yield* Effect.forEach(
        waiting.filter((entry) => entry.texts !== undefined),
        (entry) => settle(entry, Exit.fail(new SubmissionInterrupted())),
        { discard: true }
      )
      const fiber = yield* Ref.get(turnFiber)
      if (Option.isNone(fiber)) return false
      yield* Fiber.interrupt(fiber.value)
      return true
    }).pipe(Effect.uninterruptible)

    const runtime: AgentRuntime = {
      loop,
      enqueue,
      interruptTurn,
      submitUserTurn: (text) => Effect.flatMap(enqueue(text), (s) => s.result),
      busy: Effect.zipWith(Ref.get(current), Ref.get(queues), (c, q) => Option.isSome(c) || q.steer.length + q.enqueue.length > 0),
      shutdown,
      running,
      restart
    }
    return runtime
  })

/** The runtime as a scoped layer (the worker stops when the layer's scope closes). */
export const layer = (options: AgentRuntimeOptions = {}) => Layer.scoped(AgentRuntime, make(options))
