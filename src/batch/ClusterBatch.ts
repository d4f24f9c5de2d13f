/**
 * ClusterBatch: batches on PostgreSQL with @effect/cluster. The submitter registers the tasks and
 * starts one workflow per task; runners own shards of the workflows and run them; the submitter
 * (or `batch collect`) copies the stored results into results.jsonl.
 */
import * as ClusterWorkflowEngine from "@effect/cluster/ClusterWorkflowEngine"
import * as RunnerAddress from "@effect/cluster/RunnerAddress"
import type * as ShardingConfig from "@effect/cluster/ShardingConfig"
import * as NodeClusterSocket from "@effect/platform-node/NodeClusterSocket"
import * as FileSystem from "@effect/platform/FileSystem"
import * as PgClient from "@effect/sql-pg/PgClient"
import { Duration, Effect, Layer, Option, Redacted, Schedule } from "effect"
import { createHash } from "node:crypto"
import * as NodePath from "node:path"
import * as BatchProgress from "./BatchProgress.js"
import * as BatchStore from "./BatchStore.js"
import * as LocalBatch from "./LocalBatch.js"
import * as ResultsFile from "./ResultsFile.js"
import * as TaskSpec from "./TaskSpec.js"
import * as TaskWorkflow from "./TaskWorkflow.js"

/** Timing of the cluster; tests shorten the lock expiry so a dead runner's shards move quickly. */
export interface Timing {
  /** A runner that has not refreshed its locks for this long is gone (default 35 s). */
  readonly lockExpirationSeconds?: number
}

export const shardingConfig = (timing: Timing = {}): Partial<ShardingConfig.ShardingConfig["Type"]> => {
  const expiration = timing.lockExpirationSeconds ?? 35
  return {
    shardLockExpiration: Duration.seconds(expiration),
    // lock operations time out after this interval too: keep it generous on a loaded machine
    shardLockRefreshInterval: Duration.seconds(Math.max(1, Math.floor(expiration / 3))),
    refreshAssignmentsInterval: Duration.seconds(Math.min(3, Math.max(1, Math.floor(expiration / 4)))),
    entityMessagePollInterval: Duration.seconds(Math.min(10, Math.max(1, Math.floor(expiration / 4)))),
    entityMaxIdleTime: Duration.minutes(5)
  }
}

/** The PostgreSQL connection of `--cluster postgres://…`. */
export const database = (url: string) => PgClient.layer({ url: Redacted.make(url), applicationName: "tscodex" })

/** The workflow engine as a client that starts workflows but runs none. */
export const clientLayer = (url: string, timing?: Timing) =>
  ClusterWorkflowEngine.layer.pipe(
    Layer.provideMerge(NodeClusterSocket.layer({ clientOnly: true, storage: "sql", shardingConfig: shardingConfig(timing) })),
    Layer.provideMerge(database(url))
  )

/** A runner listening on `listen` and known to the others as `advertise`. */
export const runnerLayer = <R>(options: {
  readonly url: string
  readonly listen: { readonly host: string; readonly port: number }
  readonly advertise: { readonly host: string; readonly port: number }
  readonly workflows: Layer.Layer<never, never, R>
  readonly timing?: Timing
}) =>
  options.workflows.pipe(
    Layer.provide(ClusterWorkflowEngine.layer),
    Layer.provide(NodeClusterSocket.layer({
      storage: "sql",
      shardingConfig: {
        ...shardingConfig(options.timing),
        runnerAddress: Option.some(RunnerAddress.make(options.advertise.host, options.advertise.port)),
        runnerListenAddress: Option.some(RunnerAddress.make(options.listen.host, options.listen.port))
      }
    })),
    Layer.provideMerge(database(options.url))
  )

/** `DIR/cluster.json`: which batch in the database this folder collects. */
const batchNameOf = (out: string, tasksPath: string | undefined) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = NodePath.join(out, "cluster.json")
    if (yield* fs.exists(path)) {
      const text = yield* fs.readFileString(path)
      const name = (JSON.parse(text) as { batch?: unknown }).batch
      if (typeof name === "string" && name !== "") return name
    }
    if (tasksPath === undefined) {
      return yield* new LocalBatch.BatchLockError({ detail: `no cluster batch in ${out} (cluster.json is missing)` })
    }
    const hash = createHash("sha256").update(`${out}\n${NodePath.resolve(tasksPath)}\n${Date.now()}`).digest("hex").slice(0, 12)
    const name = `${NodePath.basename(out)}-${hash}`
    yield* fs.writeFileString(path, JSON.stringify({ batch: name }) + "\n")
    return name
  })

/** The batch folder's name for its batch, read from `DIR/cluster.json`. */
export const existingBatch = (out: string) => batchNameOf(NodePath.resolve(out), undefined)

/** Relative folders and repository paths become absolute, since runners may start anywhere. */
const absolute = (task: TaskSpec.TaskSpec, base: string): TaskSpec.TaskSpec => {
  const local = (path: string) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(path) || /^[^/]+@[^/]+:/.test(path) ? path : NodePath.resolve(base, path))
  if (task.cwd !== undefined) return { ...task, cwd: NodePath.resolve(base, task.cwd) }
  if (typeof task.repo === "string") return { ...task, repo: local(task.repo) }
  if (task.repo !== undefined) return { ...task, repo: { ...task.repo, url: local(task.repo.url) } }
  return task
}

/** Submits the task file and collects results until every task has one. */
export const submitAndCollect = (options: {
  readonly url: string
  readonly tasksPath: string
  readonly out: string
  readonly tty: boolean
  readonly write: (text: string) => Effect.Effect<void>
  /** Config keys for every task (`-c`), stored into each task's `config` (the task's own keys win). */
  readonly overrides?: Readonly<Record<string, unknown>>
  readonly timing?: Timing
}) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const base = NodePath.dirname(NodePath.resolve(options.tasksPath))
    const shared = options.overrides ?? {}
    const tasks = (yield* LocalBatch.readTasks(options.tasksPath)).map((task) => {
      const placed = absolute(task, base)
      return Object.keys(shared).length === 0 ? placed : { ...placed, config: { ...shared, ...task.config } }
    })
    const out = NodePath.resolve(options.out)
    yield* fs.makeDirectory(out, { recursive: true })
    yield* LocalBatch.lockFolder(out)
    const batch = yield* batchNameOf(out, options.tasksPath)
    const store = yield* BatchStore.make(batch)
    yield* store.register(tasks)
    const results = yield* ResultsFile.open(NodePath.join(out, "results.jsonl"))
    const done = new Set((yield* store.results).map((r) => r.id))
    for (const task of tasks) {
      if (!done.has(task.id)) yield* TaskWorkflow.submit(batch, task, TaskSpec.canonical(task))
    }
    const before = yield* store.counts
    const progress = yield* BatchProgress.fromCounts(before, options)
    const poll = Effect.gen(function* () {
      // counts first: every result counted as done is then among the results read
      const counts = yield* store.counts
      const stored = yield* store.results
      for (const result of stored) {
        if (yield* results.append(result.id, result.line)) {
          yield* progress.update((s) => ({ ...s, doneNow: s.doneNow + 1, failed: s.failed + (result.status === "completed" ? 0 : 1) }))
          const parsed = JSON.parse(result.line) as { wall_time_seconds?: number }
          yield* progress.finished(result.id, result.status, parsed.wall_time_seconds ?? 0)
        }
      }
      yield* progress.update((s) => ({ ...s, running: counts.running }))
      return counts
    })
    const untilAllDone = Schedule.identity<BatchStore.Counts>().pipe(
      Schedule.whileInput((c: BatchStore.Counts) => c.done < c.total),
      Schedule.addDelay(() => Duration.millis(500))
    )
    return yield* Effect.repeat(poll, untilAllDone)
  }).pipe(Effect.scoped, Effect.provide(clientLayer(options.url, options.timing)))

/** The stored state of a folder's cluster batch. */
export const withStore = <A, E, R>(url: string, out: string, f: (store: BatchStore.BatchStore) => Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const batch = yield* existingBatch(out)
    return yield* Effect.flatMap(BatchStore.make(batch), f)
  }).pipe(Effect.provide(database(url)))
