/**
 * LocalBatch: runs a task file on this machine as @effect/workflow executions with its state in
 * `DIR/batch.db` (SQLite through @effect/sql), so a batch killed at any moment continues where it
 * stopped when started again.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as LibsqlClient from "@effect/sql-libsql/LibsqlClient"
import * as WorkflowEngine from "@effect/workflow/WorkflowEngine"
import { Data, Effect, Either, Layer } from "effect"
import * as NodePath from "node:path"
import * as BatchProgress from "./BatchProgress.js"
import * as BatchStore from "./BatchStore.js"
import * as ResultsFile from "./ResultsFile.js"
import * as TaskRunner from "./TaskRunner.js"
import * as TaskSpec from "./TaskSpec.js"
import * as TaskWorkflow from "./TaskWorkflow.js"
import * as TaskWorkspace from "./TaskWorkspace.js"

export class BatchLockError extends Data.TaggedError("BatchLockError")<{ readonly detail: string }> {
  override get message() {
    return this.detail
  }
}

/** The name of the one batch a local database holds. */
export const LOCAL_BATCH = "local"

export interface BatchOptions {
  readonly tasksPath: string
  readonly out: string
  readonly concurrency: number
  readonly settings: Omit<TaskRunner.RunnerSettings, "root" | "onTokens">
  readonly tty: boolean
  /** Raw text for stderr (progress). */
  readonly write: (text: string) => Effect.Effect<void>
}

/** The SQLite database of a batch folder. */
export const databaseLayer = (out: string) => LibsqlClient.layer({ url: `file:${NodePath.join(out, "batch.db")}` })

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as { code?: string }).code === "EPERM"
  }
}

/** Holds `DIR/batch.lock` for the Scope; a lock left by a process that is gone is taken over. */
export const lockFolder = (out: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = NodePath.join(out, "batch.lock")
    const take = fs.writeFileString(path, `${process.pid}\n`, { flag: "wx" })
    const acquire = take.pipe(
      Effect.catchAll(() =>
        Effect.gen(function* () {
          const holder = Number.parseInt(yield* fs.readFileString(path).pipe(Effect.orElseSucceed(() => "")), 10)
          if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
            return yield* new BatchLockError({ detail: `another batch (pid ${holder}) is running in ${out}` })
          }
          yield* fs.remove(path).pipe(Effect.ignore)
          yield* take.pipe(Effect.mapError((e) => new BatchLockError({ detail: `cannot lock ${out}: ${e.message}` })))
        })
      )
    )
    yield* Effect.acquireRelease(acquire, () => fs.remove(path).pipe(Effect.ignore))
  })

/** Reads and checks the task file. */
export const readTasks = (path: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const text = yield* fs.readFileString(path).pipe(
      Effect.mapError((e) => new TaskSpec.TaskFileError({ path, problems: [`cannot read: ${e.message}`] }))
    )
    return yield* Either.match(TaskSpec.parse(path, text), { onLeft: Effect.fail, onRight: Effect.succeed })
  })

/** Appends the lines of stored results that the file lacks (after a crash between the two writes). */
export const catchUp = (store: BatchStore.BatchStore, results: ResultsFile.ResultsFile) =>
  Effect.flatMap(store.results, (stored) =>
    Effect.reduce(stored, 0, (n, result) => Effect.map(results.append(result.id, result.line), (added) => (added ? n + 1 : n))))

/** Runs every pending task; returns the final counts. */
export const run = (options: BatchOptions) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const tasks = yield* readTasks(options.tasksPath)
    const out = NodePath.resolve(options.out)
    yield* fs.makeDirectory(NodePath.join(out, "rollouts"), { recursive: true })
    yield* lockFolder(out)
    return yield* runLocked(options, out, tasks).pipe(Effect.provide(databaseLayer(out)))
  }).pipe(Effect.scoped)

const runLocked = (options: BatchOptions, out: string, tasks: ReadonlyArray<TaskSpec.TaskSpec>) =>
  Effect.gen(function* () {
    const store = yield* BatchStore.make(LOCAL_BATCH)
    yield* store.register(tasks)
    yield* store.requeueRunning
    const results = yield* ResultsFile.open(NodePath.join(out, "results.jsonl"))
    yield* catchUp(store, results)

    const pending = yield* store.pending
    const before = yield* store.counts
    const progress = yield* BatchProgress.fromCounts(before, options)
    const workspaces = yield* TaskWorkspace.make({
      base: NodePath.dirname(NodePath.resolve(options.tasksPath)),
      root: out,
      cwd: process.cwd()
    })
    const runner = yield* TaskRunner.make({
      ...options.settings,
      root: out,
      onTokens: (n) => progress.update((s) => ({ ...s, tokens: s.tokens + n }))
    }, workspaces)

    // each task is the same workflow a cluster runs, on an in-memory engine: the database above,
    // not the engine, is what survives a kill
    const counted = {
      run: (task: TaskSpec.TaskSpec, number: number) =>
        progress.update((s) => ({ ...s, running: s.running + 1 })).pipe(
          Effect.zipRight(runner.run(task, number)),
          Effect.onExit(() => progress.update((s) => ({ ...s, running: s.running - 1 })))
        )
    }
    const engine = TaskWorkflow.layer({ runner: counted, concurrency: options.concurrency }).pipe(
      Layer.provideMerge(WorkflowEngine.layerMemory)
    )
    const runTask = (task: BatchStore.StoredTask) =>
      Effect.gen(function* () {
        const line = yield* TaskWorkflow.run(LOCAL_BATCH, task.spec)
        yield* results.append(task.id, line)
        const result = JSON.parse(line) as Pick<TaskRunner.TaskResult, "status" | "wall_time_seconds">
        yield* progress.update((s) => ({
          ...s,
          doneNow: s.doneNow + 1,
          failed: s.failed + (result.status === "completed" ? 0 : 1)
        }))
        yield* progress.finished(task.id, result.status, result.wall_time_seconds)
      })
    yield* Effect.forEach(pending, runTask, { concurrency: Math.max(1, options.concurrency), discard: true }).pipe(
      Effect.provide(engine)
    )
    return yield* store.counts
  })
