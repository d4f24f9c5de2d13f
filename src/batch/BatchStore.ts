/**
 * BatchStore: the durable state of a batch in SQL (SQLite file or PostgreSQL): the registered tasks,
 * their attempts, and each task's one result. A result is inserted at most once per task.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Context, Data, Effect, Layer } from "effect"
import * as TaskSpec from "./TaskSpec.js"

export class BatchStoreError extends Data.TaggedError("BatchStoreError")<{
  readonly reason: "Sql" | "TaskChanged"
  readonly detail: string
  readonly cause?: unknown
}> {
  override get message() {
    return this.detail
  }
}

/** A task as stored: its spec and how often it was started. */
export interface StoredTask {
  readonly id: string
  readonly spec: TaskSpec.TaskSpec
  readonly attempts: number
}

/** A finished task: its status and its line for results.jsonl. */
export interface StoredResult {
  readonly id: string
  readonly status: string
  readonly line: string
}

export interface Counts {
  readonly total: number
  readonly pending: number
  readonly running: number
  readonly done: number
  readonly failed: number
}

export interface BatchStore {
  /** Adds tasks not yet known; fails when a known id now has a different spec. */
  readonly register: (tasks: ReadonlyArray<TaskSpec.TaskSpec>) => Effect.Effect<void, BatchStoreError>
  /** Marks tasks left running by a process that is gone as pending again; returns how many. */
  readonly requeueRunning: Effect.Effect<number, BatchStoreError>
  /** Pending tasks in file order. */
  readonly pending: Effect.Effect<ReadonlyArray<StoredTask>, BatchStoreError>
  /** Marks the task running and returns the number of this attempt (1 for the first). */
  readonly startAttempt: (id: string) => Effect.Effect<number, BatchStoreError>
  /** Stores the result (first one wins) and marks the task done. */
  readonly finish: (result: StoredResult) => Effect.Effect<void, BatchStoreError>
  /** The stored result of one task, if any. */
  readonly resultOf: (id: string) => Effect.Effect<StoredResult | undefined, BatchStoreError>
  /** Every stored result, in the order they were stored. */
  readonly results: Effect.Effect<ReadonlyArray<StoredResult>, BatchStoreError>
  readonly counts: Effect.Effect<Counts, BatchStoreError>
}
export const BatchStore = Context.GenericTag<BatchStore>("tscodex/batch/BatchStore")

const sqlError = (detail: string) => (cause: SqlError) =>
  new BatchStoreError({ reason: "Sql", detail: `${detail}: ${cause.message}`, cause })

/** Creates the tables when missing. `batch` names the batch, so one database can hold several. */
export const make = (batch: string): Effect.Effect<BatchStore, BatchStoreError, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`CREATE TABLE IF NOT EXISTS tscodex_batch_tasks (
      batch TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, spec TEXT NOT NULL,
      state TEXT NOT NULL, attempts INTEGER NOT NULL, PRIMARY KEY (batch, id))`.pipe(
      Effect.zipRight(sql`CREATE TABLE IF NOT EXISTS tscodex_batch_results (
      batch TEXT NOT NULL, id TEXT NOT NULL, status TEXT NOT NULL, line TEXT NOT NULL,
      finished_at BIGINT NOT NULL, PRIMARY KEY (batch, id))`),
      Effect.mapError(sqlError("cannot create the batch tables"))
    )

    const register = (tasks: ReadonlyArray<TaskSpec.TaskSpec>) =>
      Effect.gen(function* () {
        const rows = yield* sql<{ id: string; spec: string }>`SELECT id, spec FROM tscodex_batch_tasks WHERE batch = ${batch}`
        const known = new Map(rows.map((row) => [row.id, row.spec]))
        const changed = tasks.filter((task) => known.has(task.id) && known.get(task.id) !== TaskSpec.canonical(task))
        if (changed.length > 0) {
          return yield* new BatchStoreError({
            reason: "TaskChanged",
            detail: `tasks changed since the batch started: ${changed.slice(0, 10).map((t) => t.id).join(", ")}` +
              `${changed.length > 10 ? ", …" : ""} (use a new --out folder for a different task set)`
          })
        }
        const fresh = tasks.map((task, seq) => ({ task, seq })).filter(({ task }) => !known.has(task.id))
        for (let start = 0; start < fresh.length; start += 200) {
          const rows = fresh.slice(start, start + 200).map(({ seq, task }) => ({
            batch, id: task.id, seq, spec: TaskSpec.canonical(task), state: "pending", attempts: 0
          }))
          yield* sql`INSERT INTO tscodex_batch_tasks ${sql.insert(rows)} ON CONFLICT DO NOTHING`
        }
      }).pipe(
        sql.withTransaction,
        Effect.catchTag("SqlError", (e) => Effect.fail(sqlError("cannot register the tasks")(e)))
      )

    const decodeSpec = (text: string): TaskSpec.TaskSpec => JSON.parse(text) as TaskSpec.TaskSpec

    return BatchStore.of({
      register,
      requeueRunning: sql<{ id: string }>`UPDATE tscodex_batch_tasks SET state = 'pending'
        WHERE batch = ${batch} AND state = 'running' RETURNING id`.pipe(
        Effect.map((rows) => rows.length),
        Effect.mapError(sqlError("cannot requeue interrupted tasks"))
      ),
      pending: sql<{ id: string; spec: string; attempts: number }>`SELECT id, spec, attempts FROM tscodex_batch_tasks
        WHERE batch = ${batch} AND state = 'pending' ORDER BY seq`.pipe(
        Effect.map((rows) => rows.map((row) => ({ id: row.id, spec: decodeSpec(row.spec), attempts: Number(row.attempts) }))),
        Effect.mapError(sqlError("cannot read pending tasks"))
      ),
      startAttempt: (id) =>
        sql<{ attempts: number }>`UPDATE tscodex_batch_tasks SET state = 'running', attempts = attempts + 1
          WHERE batch = ${batch} AND id = ${id} RETURNING attempts`.pipe(
          Effect.map((rows) => Number(rows[0]?.attempts ?? 1)),
          Effect.mapError(sqlError(`cannot start task ${id}`))
        ),
      finish: (result) =>
        Effect.gen(function* () {
          const row = { batch, id: result.id, status: result.status, line: result.line, finished_at: Date.now() }
          yield* sql`INSERT INTO tscodex_batch_results ${sql.insert(row)} ON CONFLICT DO NOTHING`
          yield* sql`UPDATE tscodex_batch_tasks SET state = 'done' WHERE batch = ${batch} AND id = ${result.id}`
        }).pipe(sql.withTransaction, Effect.mapError(sqlError(`cannot store the result of ${result.id}`))),
      resultOf: (id) =>
        sql<StoredResult>`SELECT id, status, line FROM tscodex_batch_results WHERE batch = ${batch} AND id = ${id}`.pipe(
          Effect.map((rows) => rows[0]),
          Effect.mapError(sqlError(`cannot read the result of ${id}`))
        ),
      results: sql<StoredResult>`SELECT id, status, line FROM tscodex_batch_results WHERE batch = ${batch}
        ORDER BY finished_at, id`.pipe(Effect.mapError(sqlError("cannot read results"))),
      counts: Effect.gen(function* () {
        const states = yield* sql<{ state: string; n: number }>`SELECT state, COUNT(*) AS n FROM tscodex_batch_tasks
          WHERE batch = ${batch} GROUP BY state`
        const failed = yield* sql<{ n: number }>`SELECT COUNT(*) AS n FROM tscodex_batch_results
          WHERE batch = ${batch} AND status <> 'completed'`
        const of = (state: string) => Number(states.find((row) => row.state === state)?.n ?? 0)
        return {
          total: states.reduce((sum, row) => sum + Number(row.n), 0),
          pending: of("pending"),
          running: of("running"),
          done: of("done"),
          failed: Number(failed[0]?.n ?? 0)
        }
      }).pipe(Effect.mapError(sqlError("cannot count tasks")))
    })
  })

export const layer = (batch: string): Layer.Layer<BatchStore, BatchStoreError, SqlClient.SqlClient> =>
  Layer.effect(BatchStore, make(batch))
