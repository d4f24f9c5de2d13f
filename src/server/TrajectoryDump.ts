/** TrajectoryDump: with `TSCODEX_DUMP` set, each downstream call's prompt and output token ids are appended to `<dir>/dump.jsonl`. */
import * as FileSystem from "@effect/platform/FileSystem"
import { Clock, Console, Effect, Option, Stream } from "effect"
import * as NodePath from "node:path"
import * as Environment from "../config/Environment.js"
import type { ChatChunk } from "../protocol/ChatChunkWire.js"

/** One downstream call's token ids and when it was sent (seconds since the epoch). */
export interface DumpRecord {
  readonly prefill: ReadonlyArray<number>
  readonly decode: ReadonlyArray<number>
  readonly sendTimestamp: number
}

export interface TrajectoryDump {
  /** The absolute dump directory. */
  readonly directory: string
  /** Appends one record; a failure is reported on stderr and otherwise ignored. */
  readonly append: (record: DumpRecord) => Effect.Effect<void>
}

/** The file records go to. */
export const FILE_NAME = "dump.jsonl"

/** A number that always reads back as a float (`12.0`, not `12`). */
const float = (n: number): string => (Number.isInteger(n) ? `${n}.0` : String(n))

/** One record as a spaced-JSON line, ending in LF. */
export const formatRecord = (record: DumpRecord): string =>
  `{"tokens": {"prefill": [${record.prefill.join(", ")}], "decode": [${record.decode.join(", ")}]}, ` +
  `"send_timestamp": ${float(record.sendTimestamp)}}\n`

/** The dump directory the environment asks for (`TSCODEX_DUMP`, else `PYCODEX_DUMP`), if any. */
export const configuredDirectory = (env: Environment.Environment): string | undefined => {
  const value = Environment.project(env, "DUMP")?.trim() ?? ""
  return value === "" ? undefined : NodePath.resolve(value)
}

/** A dump into `directory`, created now and again before every append; appends never interleave. */
export const make = (directory: string): Effect.Effect<TrajectoryDump, never, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const lock = yield* Effect.makeSemaphore(1)
    const file = NodePath.join(directory, FILE_NAME)
    const report = (error: unknown) =>
      Console.error(`tscodex responses-server: failed to append TSCODEX_DUMP trajectory: ${(error as { message?: unknown }).message ?? String(error)}`)
    const ensureDirectory = fs.makeDirectory(directory, { recursive: true })
    yield* ensureDirectory.pipe(Effect.catchAll(report))
    return {
      directory,
      append: (record) =>
        lock.withPermits(1)(
          ensureDirectory.pipe(
            Effect.zipRight(fs.writeFileString(file, formatRecord(record), { flag: "a", mode: 0o600 })),
            Effect.catchAll(report)
          )
        )
    }
  })

/** The dump the environment enables, if any. */
export const fromEnvironment: Effect.Effect<
  Option.Option<TrajectoryDump>,
  never,
  Environment.Environment | FileSystem.FileSystem
> = Effect.gen(function* () {
  const directory = configuredDirectory(yield* Environment.Environment)
  return directory === undefined ? Option.none() : Option.some(yield* make(directory))
})

/**
 * Wraps a downstream round so its token ids are recorded: the send time is taken when the round
 * starts, prefill from the first chunk carrying `prompt_token_ids`, decode from every choice's
 * `token_ids`. The record is appended however the round ends (done, failed or abandoned).
 */
export const observe = <E, R>(
  dump: TrajectoryDump,
  openRound: (request: Readonly<Record<string, unknown>>) => Stream.Stream<ChatChunk, E, R>
) =>
(request: Readonly<Record<string, unknown>>): Stream.Stream<ChatChunk, E, R> =>
  Stream.unwrap(Effect.gen(function* () {
    const sendTimestamp = (yield* Clock.currentTimeMillis) / 1000
    let prefill: ReadonlyArray<number> | undefined
    const decode: Array<number> = []
    return openRound(request).pipe(
      Stream.tap((chunk) =>
        Effect.sync(() => {
          if (prefill === undefined && chunk.prompt_token_ids !== undefined) prefill = chunk.prompt_token_ids
          for (const choice of chunk.choices ?? []) if (choice.token_ids !== undefined) decode.push(...choice.token_ids)
        })),
      Stream.ensuring(Effect.suspend(() => dump.append({ prefill: prefill ?? [], decode, sendTimestamp })))
    )
  }))
