/**
 * TaskWorkflow: a batch task as an @effect/workflow durable execution. Its one activity runs the
 * agent turn and stores the result; a runner that dies mid-turn leaves the activity unfinished, and
 * the runner that takes the shard over runs it again (a new attempt). The first stored result wins.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Activity from "@effect/workflow/Activity"
import * as Workflow from "@effect/workflow/Workflow"
import { Effect, Schedule, Schema } from "effect"
import * as BatchStore from "./BatchStore.js"
import type * as TaskRunner from "./TaskRunner.js"
import * as TaskSpec from "./TaskSpec.js"

export const TaskWorkflow = Workflow.make({
  name: "tscodex/BatchTask",
  payload: {
    batch: Schema.String,
    id: Schema.String,
    /** The task as stored (canonical JSON). */
    spec: Schema.String
  },
  success: Schema.String,
  idempotencyKey: ({ batch, id }) => `${batch}/${id}`
})

/** Runs the task's workflow (or joins the execution of the same batch and id) and returns its result line. */
export const run = (batch: string, task: TaskSpec.TaskSpec) =>
  TaskWorkflow.execute({ batch, id: task.id, spec: TaskSpec.canonical(task) })

/** Starts the task's execution unless it exists (same batch and id); returns its execution id. */
export const submit = (batch: string, task: TaskSpec.TaskSpec, spec: string) =>
  TaskWorkflow.execute({ batch, id: task.id, spec }, { discard: true })

/**
 * The executing side (a cluster runner, or local mode's in-memory engine): each task waits for one
 * of `concurrency` slots, then runs as one activity. `runner` runs an attempt; `name`, when given,
 * is written into the result as `runner` so it shows where the task ran.
 */
export const layer = (options: {
  readonly runner: { readonly run: (task: TaskSpec.TaskSpec, attempt: number) => Effect.Effect<TaskRunner.TaskResult, never, FileSystem.FileSystem> }
  readonly concurrency: number
  readonly name?: string
}) => {
  const slots = Effect.unsafeMakeSemaphore(Math.max(1, options.concurrency))
  return TaskWorkflow.toLayer((payload) =>
    Activity.make({
      name: "run-turn",
      success: Schema.String,
      execute: slots.withPermits(1)(
        Effect.gen(function* () {
          const store = yield* BatchStore.make(payload.batch)
          const stored = yield* store.resultOf(payload.id)
          if (stored !== undefined) return stored.line
          const attempt = yield* store.startAttempt(payload.id)
          const result = yield* options.runner.run(JSON.parse(payload.spec) as TaskSpec.TaskSpec, attempt)
          const line = JSON.stringify(options.name === undefined ? result : { ...result, runner: options.name })
          yield* store.finish({ id: payload.id, status: result.status, line })
          // another attempt may have stored its result first: that one is the result
          return (yield* store.resultOf(payload.id))?.line ?? line
        }).pipe(Effect.retry(Schedule.spaced("1 second").pipe(Schedule.intersect(Schedule.recurs(10)))), Effect.orDie)
      )
    })
  )
}
