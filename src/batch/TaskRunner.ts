/**
 * TaskRunner: one attempt of one task as a full agent turn on the same stack as the one-shot
 * command, in its own workspace, with its own rollout, turned into a result line whatever happens.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import { Cause, Clock, Duration, Effect, Layer, Option } from "effect"
import * as NodePath from "node:path"
import * as AgentEvents from "../agent/AgentEvents.js"
import { AgentLoop } from "../agent/AgentLoop.js"
import * as AgentStack from "../stack/AgentStack.js"
import * as Environment from "../config/Environment.js"
import type { AgentEvent } from "../protocol/AgentEvent.js"
import * as RolloutStore from "../session/RolloutStore.js"
import * as TaskSpec from "./TaskSpec.js"
import type * as TaskWorkspace from "./TaskWorkspace.js"

export type TaskStatus = "completed" | "failed" | "timeout"

/** One line of results.jsonl. */
export interface TaskResult {
  readonly id: string
  readonly status: TaskStatus
  readonly final_answer: string | null
  /** Token counts summed over the turn's responses. */
  readonly usage: Readonly<Record<string, number>>
  readonly wall_time_seconds: number
  readonly rollout_path: string | null
  readonly error: string | null
  readonly attempt: number
}

/** Settings shared by every task of a batch. */
export interface RunnerSettings {
  /** The batch folder: rollouts go to `rollouts/`. */
  readonly root: string
  readonly stack: Pick<AgentStack.StackOptions, "configPath" | "profile" | "systemPrompt" | "compat" | "timeoutSeconds">
  /** Config keys for every task; a task's own `config` wins. */
  readonly overrides?: Readonly<Record<string, unknown>>
  /** Write trajectory dumps (compatibility server sessions) next to the rollouts. */
  readonly dump?: boolean
  /** Told each time a response reports its token usage. */
  readonly onTokens?: (tokens: number) => Effect.Effect<void>
}

/** Where an attempt's rollout goes. */
export const rolloutPathOf = (root: string, id: string, attempt: number): string =>
  NodePath.join(root, "rollouts", `${id}.attempt-${attempt}.jsonl`)

/** Adds the numeric top-level counts of one usage report. */
const addUsage = (total: Record<string, number>, usage: Readonly<Record<string, unknown>> | null): number => {
  if (usage === null) return 0
  for (const [key, value] of Object.entries(usage)) {
    if (typeof value === "number" && Number.isFinite(value)) total[key] = (total[key] ?? 0) + value
  }
  const reported = usage.total_tokens
  return typeof reported === "number" ? reported : 0
}

const messageOf = (error: unknown): string =>
  typeof error === "object" && error !== null && "message" in error ? String((error as { message: unknown }).message) : String(error)

export const make = (settings: RunnerSettings, workspaces: TaskWorkspace.Workspaces) =>
  Effect.gen(function* () {
    const env = yield* Environment.Environment

    const run = (task: TaskSpec.TaskSpec, attempt: number): Effect.Effect<TaskResult, never, FileSystem.FileSystem> =>
      Effect.gen(function* () {
        const started = yield* Clock.currentTimeMillis
        const usage: Record<string, number> = {}
        const rolloutPath = rolloutPathOf(settings.root, task.id, attempt)
        let rolloutStarted = false
        const events = AgentEvents.make((event: AgentEvent) =>
          event._tag === "token_count"
            ? Effect.suspend(() => {
              const tokens = addUsage(usage, event.usage)
              return settings.onTokens === undefined || tokens === 0 ? Effect.void : settings.onTokens(tokens)
            })
            : Effect.void
        )
        const variables = settings.dump === true
          ? { ...env.all(), TSCODEX_DUMP: NodePath.join(settings.root, "rollouts", `${task.id}.attempt-${attempt}.dump`) }
          : { ...env.all() }
        const turn = Effect.gen(function* () {
          const cwd = yield* workspaces.prepare(task.id, attempt, TaskSpec.workspaceOf(task))
          const stack = AgentStack.layer({
            ...settings.stack,
            cwd,
            overrides: { ...settings.overrides, ...task.config },
            rollouts: RolloutStore.layer(settings.root, () => {
              rolloutStarted = true
              return rolloutPath
            }),
            environment: Layer.succeed(Environment.Environment, Environment.fromRecord(variables)),
            onWarning: () => Effect.void,
            events
          })
          return yield* Effect.flatMap(AgentLoop, (loop) => loop.runTurn([task.prompt])).pipe(Effect.provide(stack))
        })
        const limited = task.timeout_seconds === undefined
          ? Effect.map(turn, Option.some)
          : Effect.timeout(turn, Duration.seconds(task.timeout_seconds)).pipe(
            Effect.map(Option.some),
            Effect.catchTag("TimeoutException", () => Effect.succeed(Option.none()))
          )
        const exit = yield* Effect.exit(limited)
        const finished = yield* Clock.currentTimeMillis
        const base = {
          usage: { ...usage },
          wall_time_seconds: Math.round(finished - started) / 1000,
          rollout_path: rolloutStarted ? NodePath.relative(settings.root, rolloutPath) : null
        }
        // keys in the documented order
        const line = (status: TaskStatus, finalAnswer: string | null, error: string | null): TaskResult => ({
          id: task.id,
          status,
          final_answer: finalAnswer,
          usage: base.usage,
          wall_time_seconds: base.wall_time_seconds,
          rollout_path: base.rollout_path,
          error,
          attempt
        })
        if (exit._tag === "Failure") {
          if (Cause.isInterruptedOnly(exit.cause)) return yield* Effect.interrupt
          const failure = Cause.failureOption(exit.cause)
          return line("failed", null, Option.isSome(failure) ? messageOf(failure.value) : Cause.pretty(exit.cause))
        }
        return Option.match(exit.value, {
          onNone: () => line("timeout", null, `timed out after ${task.timeout_seconds} s`),
          onSome: (result) => line("completed", result.outputText, null)
        })
      })
    return { run }
  })
