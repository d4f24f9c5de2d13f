/** SubAgents: the manager of spawned sub-agents (their runtimes, states, nicknames) behind the collaboration tools. */
import { Cause, Chunk, Context, Data, Duration, Effect, Exit, ExecutionStrategy, Layer, Option, Random, Ref, Scope, Stream, SubscriptionRef } from "effect"
import type { TurnResult } from "../protocol/AgentEvent.js"
import { uuid7 } from "../protocol/Ids.js"
import type { ConversationItem } from "../protocol/Items.js"
import type { AgentRuntime, SubmissionError } from "./AgentRuntime.js"

// -- models -----------------------------------------------------------------

/** What a sub-agent is doing; `completed` and `errored` carry the last answer or failure. */
export type AgentStatus =
  | "pending_init"
  | "running"
  | "shutdown"
  | "not_found"
  | { readonly completed: string | null }
  | { readonly errored: string }

/** Final statuses end a wait: `shutdown`, `not_found`, and any completed or errored status. */
export const isFinal = (status: AgentStatus): boolean =>
  typeof status === "object" || status === "shutdown" || status === "not_found"

export interface SpawnResult {
  readonly agent_id: string
  readonly nickname: string
}

export interface SendResult {
  readonly submission_id: string
}

export interface StatusResult {
  readonly status: AgentStatus
}

export interface WaitResult {
  /** Every requested id with its status, or empty after a timeout. */
  readonly status: Readonly<Record<string, AgentStatus>>
  readonly timed_out: boolean
}

/** What a runtime builder is asked for. */
export interface RuntimeRequest {
  readonly model?: string
  readonly reasoningEffort?: string
  readonly initialHistory: ReadonlyArray<ConversationItem>
  readonly agentId: string
}

/** A failure of a runtime builder, shown to the model as `<_tag>: <message>`. */
export interface BuildFailure {
  readonly _tag: string
  readonly message: string
}

/**
 * Builds one sub-agent's runtime. Everything it acquires belongs to the given Scope, which the
 * manager closes with the agent.
 */
export type RuntimeBuilder = (request: RuntimeRequest) => Effect.Effect<AgentRuntime, BuildFailure, Scope.Scope>

export interface SpawnRequest {
  /** The first message to the agent; empty means the agent waits for send_input. */
  readonly prompt: string
  readonly model?: string
  readonly reasoningEffort?: string
  /** History the agent starts from (the caller's, when it forks its context). */
  readonly initialHistory?: ReadonlyArray<ConversationItem>
}

// -- errors -----------------------------------------------------------------

/** A request the manager cannot carry out; tools show it to the model as a `RuntimeError`. */
export class SubAgentError extends Data.TaggedError("SubAgentError")<{
  readonly reason: "Unavailable" | "UnknownAgent" | "AgentShutdown" | "BuildFailed"
  readonly message: string
}> {}

// -- service ----------------------------------------------------------------

export interface SubAgents {
  /** Installs (or removes) the runtime builder; spawning needs one. */
  readonly setBuilder: (builder: RuntimeBuilder | undefined) => Effect.Effect<void>
  /** Builds and registers a new agent, then sends it `prompt` when that is not empty. */
  readonly spawn: (request: SpawnRequest) => Effect.Effect<SpawnResult, SubAgentError>
  /** Queues a user turn on the agent; `interrupt` steers it (the running turn stops at its next safe boundary). */
  readonly sendInput: (agentId: string, text: string, interrupt: boolean) => Effect.Effect<SendResult, SubAgentError>
  /** Restarts a closed agent with its history; reports the status afterwards. */
  readonly resume: (agentId: string) => Effect.Effect<StatusResult>
  /** Stops the agent after what is already queued; reports the status it had before. */
  readonly close: (agentId: string) => Effect.Effect<StatusResult>
  /** Waits until any of `ids` has a final status, at most `timeoutMs` (at least 1 ms) on the Effect clock. */
  readonly wait: (ids: ReadonlyArray<string>, timeoutMs: number) => Effect.Effect<WaitResult>
  readonly status: (agentId: string) => Effect.Effect<AgentStatus>
  /** Ids of every agent ever spawned, in spawn order. */
  readonly agentIds: Effect.Effect<ReadonlyArray<string>>
}
export const SubAgents = Context.GenericTag<SubAgents>("tscodex/SubAgents")

/** The text of the error spawn fails with before a builder is installed. */
export const UNAVAILABLE = "spawn_agent is unavailable before runtime initialization"

/** Candidate nicknames, handed out in a shuffled order and reshuffled when used up. */
export const NICKNAMES: ReadonlyArray<string> = [
  "Bacon", "Descartes", "Pascal", "Fermat", "Huygens", "Leibniz", "Newton", "Halley", "Euler", "Lagrange",
  "Laplace", "Volta", "Gauss", "Ampere", "Faraday", "Darwin", "Lovelace", "Boole", "Pasteur", "Maxwell",
  "Mendel", "Curie", "Planck", "Tesla", "Poincare", "Noether", "Hilbert", "Einstein", "Raman", "Bohr",
  "Turing", "Hubble", "Feynman", "Franklin", "McClintock", "Meitner", "Herschel", "Linnaeus", "Wegener",
  "Chandrasekhar", "Sagan", "Goodall", "Carson", "Carver", "Socrates", "Plato", "Aristotle", "Epicurus",
  "Cicero", "Confucius", "Mencius", "Zeno", "Locke", "Hume", "Kant", "Hegel", "Kierkegaard", "Mill",
  "Nietzsche", "Peirce", "James", "Dewey", "Russell", "Popper", "Sartre", "Beauvoir", "Arendt", "Rawls",
  "Singer", "Anscombe", "Parfit", "Kuhn", "Boyle", "Hooke", "Harvey", "Dalton", "Helmholtz", "Gibbs",
  "Lorentz", "Schrodinger", "Heisenberg", "Pauli", "Dirac", "Bernoulli", "Godel", "Nash", "Banach",
  "Ramanujan", "Erdos"
]

/** A failure is kept in `errorMessage` (which wins over the state) until the next send_input. */
type State = "pending_init" | "running" | "completed" | "shutdown"

interface Managed {
  readonly agentId: string
  readonly nickname: string
  readonly runtime: AgentRuntime
  /** Holds the runtime and the trackers of its submissions. */
  readonly scope: Scope.CloseableScope
  /** Serializes close and resume of this agent. */
  readonly lifecycle: Effect.Semaphore
  readonly state: State
  readonly completedMessage: string | null
  readonly errorMessage: string | null
  readonly pending: ReadonlyArray<string>
}

type Registry = ReadonlyMap<string, Managed>

const statusOf = (record: Managed | undefined): AgentStatus => {
  if (record === undefined) return "not_found"
  if (record.errorMessage !== null) return { errored: record.errorMessage }
  if (record.state === "completed") return { completed: record.completedMessage }
  return record.state
}

/** `<ErrorName>: <message>` of a failed submission; an interrupted one reads as the reference reports it. */
const describeFailure = (error: SubmissionError): string =>
  error._tag === "SubmissionInterrupted" ? `RuntimeError: ${error.message}` : `${error._tag}: ${error.message}`

export interface Options {
  readonly builder?: RuntimeBuilder
}

/** A manager whose agents live in the current Scope: closing it stops every agent and releases what they hold. */
export const make = (options: Options = {}): Effect.Effect<SubAgents, never, Scope.Scope> =>
  Effect.gen(function* () {
    const managerScope = yield* Effect.scope
    const builderRef = yield* Ref.make<RuntimeBuilder | undefined>(options.builder)
    const registry = yield* SubscriptionRef.make<Registry>(new Map())
    const order = yield* Ref.make<ReadonlyArray<string>>([])
    const pool = yield* Ref.make<ReadonlyArray<string>>([])

    /** Applies `f` to the agent's record, if it still exists; every change wakes the waiters. */
    const update = (agentId: string, f: (record: Managed) => Managed) =>
      SubscriptionRef.update(registry, (all) => {
        const record = all.get(agentId)
        return record === undefined ? all : new Map(all).set(agentId, f(record))
      })

    const lookup = (agentId: string) => Effect.map(SubscriptionRef.get(registry), (all) => all.get(agentId))

    const nextNickname = Effect.gen(function* () {
      let names = yield* Ref.get(pool)
      if (names.length === 0) names = Chunk.toReadonlyArray(yield* Random.shuffle(NICKNAMES))
      yield* Ref.set(pool, names.slice(0, -1))
      return names.at(-1)!
    })

    /** Records the outcome of one submission when it settles. */
    const track = (agentId: string, submissionId: string, result: Effect.Effect<TurnResult, SubmissionError>) =>
      Effect.flatMap(Effect.exit(result), (exit) => {
        if (Exit.isInterrupted(exit)) return Effect.void
        return update(agentId, (record) => {
          // a result that arrives after close_agent (which forgets pending submissions) changes nothing
          if (!record.pending.includes(submissionId)) return record
          const settled: Managed = Exit.isSuccess(exit)
            ? { ...record, state: "completed", completedMessage: exit.value.outputText ?? null }
            : Option.match(Cause.failureOption(exit.cause), {
              onNone: () => ({ ...record, errorMessage: "RuntimeError: the submission failed" }),
              onSome: (error) => ({ ...record, errorMessage: describeFailure(error) })
            })
          const pending = settled.pending.filter((id) => id !== submissionId)
          return pending.length > 0 && settled.errorMessage === null
            ? { ...settled, pending, state: "running", completedMessage: null }
            : { ...settled, pending }
        })
      })

    const sendInput = (agentId: string, text: string, interrupt: boolean) =>
      Effect.gen(function* () {
        const record = yield* lookup(agentId)
        if (record === undefined) {
          return yield* new SubAgentError({ reason: "UnknownAgent", message: `unknown agent: ${agentId}` })
        }
        if (record.state === "shutdown") {
          return yield* new SubAgentError({ reason: "AgentShutdown", message: `agent is shutdown: ${agentId}` })
        }
        const submission = yield* record.runtime.enqueue(text, interrupt ? "steer" : "enqueue")
        yield* update(agentId, (r) => ({
          ...r,
          state: "running",
          completedMessage: null,
          errorMessage: null,
          pending: r.pending.includes(submission.submissionId) ? r.pending : [...r.pending, submission.submissionId]
        }))
        yield* Effect.forkIn(Effect.interruptible(track(agentId, submission.submissionId, submission.result)), record.scope)
        const sent: SendResult = { submission_id: submission.submissionId }
        return sent
      }).pipe(Effect.uninterruptible)

    const spawn = (request: SpawnRequest) =>
      Effect.gen(function* () {
        const builder = yield* Ref.get(builderRef)
        if (builder === undefined) return yield* new SubAgentError({ reason: "Unavailable", message: UNAVAILABLE })
        const agentId = yield* uuid7
        const scope = yield* Scope.fork(managerScope, ExecutionStrategy.sequential)
        const runtime = yield* builder({
          ...(request.model !== undefined ? { model: request.model } : {}),
          ...(request.reasoningEffort !== undefined ? { reasoningEffort: request.reasoningEffort } : {}),
          initialHistory: request.initialHistory ?? [],
          agentId
        }).pipe(
          Scope.extend(scope),
          Effect.tapErrorCause((cause) => Scope.close(scope, Exit.failCause(cause))),
          Effect.mapError((failure) =>
            new SubAgentError({ reason: "BuildFailed", message: `cannot start agent: ${failure._tag}: ${failure.message}` })
          )
        )
        const nickname = yield* nextNickname
        const record: Managed = {
          agentId,
          nickname,
          runtime,
          scope,
          lifecycle: yield* Effect.makeSemaphore(1),
          state: "pending_init",
          completedMessage: null,
          errorMessage: null,
          pending: []
        }
        yield* Ref.update(order, (ids) => [...ids, agentId])
        yield* SubscriptionRef.update(registry, (all) => new Map(all).set(agentId, record))
        if (request.prompt !== "") yield* sendInput(agentId, request.prompt, false)
        const spawned: SpawnResult = { agent_id: agentId, nickname }
        return spawned
      })

    const resume = (agentId: string) =>
      Effect.gen(function* () {
        const record = yield* lookup(agentId)
        if (record === undefined) return { status: "not_found" } satisfies StatusResult
        return yield* record.lifecycle.withPermits(1)(
          Effect.gen(function* () {
            if (yield* record.runtime.restart) {
              yield* update(agentId, (r) => ({ ...r, state: "pending_init", completedMessage: null, errorMessage: null }))
            } else {
              yield* update(agentId, (r) => r)
            }
            const result: StatusResult = { status: statusOf(yield* lookup(agentId)) }
            return result
          })
        )
      })

    const close = (agentId: string) =>
      Effect.gen(function* () {
        const record = yield* lookup(agentId)
        if (record === undefined) return { status: "not_found" } satisfies StatusResult
        return yield* record.lifecycle.withPermits(1)(
          Effect.gen(function* () {
            const before = statusOf(yield* lookup(agentId))
            if (yield* record.runtime.running) {
              yield* record.runtime.loop.interrupt
              yield* record.runtime.shutdown
            }
            yield* update(agentId, (r) => ({ ...r, state: "shutdown", pending: [] }))
            const result: StatusResult = { status: before }
            return result
          })
        )
      })

    const wait = (ids: ReadonlyArray<string>, timeoutMs: number) => {
      const unique = [...new Set(ids)]
      const timedOut: WaitResult = { status: {}, timed_out: true }
      return registry.changes.pipe(
        Stream.map((all) => unique.map((id) => [id, statusOf(all.get(id))] as const)),
        Stream.filter((entries) => entries.some(([, status]) => isFinal(status))),
        Stream.runHead,
        Effect.timeoutTo({
          duration: Duration.millis(Math.max(timeoutMs, 1)),
          onTimeout: () => timedOut,
          onSuccess: Option.match({
            onNone: () => timedOut,
            onSome: (entries): WaitResult => ({ status: Object.fromEntries(entries), timed_out: false })
          })
        })
      )
    }

    return SubAgents.of({
      setBuilder: (builder) => Ref.set(builderRef, builder),
      spawn,
      sendInput,
      resume,
      close,
      wait,
      status: (agentId) => Effect.map(lookup(agentId), statusOf),
      agentIds: Ref.get(order)
    })
  })

/** The manager as a scoped layer: its agents stop when the layer's scope closes. */
export const layer = (options: Options = {}): Layer.Layer<SubAgents> => Layer.scoped(SubAgents, make(options))
