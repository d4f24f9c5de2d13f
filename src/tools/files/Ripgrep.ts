/** Ripgrep: runs `rg --files-with-matches` for grep_files, bounded in time and output, its process group killed when done. */
import * as Command from "@effect/platform/Command"
import * as CommandExecutor from "@effect/platform/CommandExecutor"
import { Chunk, Data, Duration, Effect, Option, Stream } from "effect"

/** How long one search may run. */
export const TIMEOUT = Duration.seconds(30)
/** The most bytes of file names read from ripgrep. */
const MAX_STDOUT_BYTES = 4 * 1024 * 1024

/** ripgrep could not be started (not installed): use the built-in search. */
export class RipgrepMissing extends Data.TaggedError("RipgrepMissing")<{ readonly message: string }> {}

export interface RipgrepRequest {
  readonly program: string
  readonly pattern: string
  readonly include: string | undefined
  readonly path: string
  readonly cwd: string
  readonly limit: number
}

/** The argument list, as Codex passes it. */
export const argv = (request: RipgrepRequest): ReadonlyArray<string> => [
  "--files-with-matches",
  "--sortr=modified",
  "--regexp",
  request.pattern,
  "--no-messages",
  ...(request.include === undefined ? [] : ["--glob", request.include]),
  "--",
  request.path
]

const collect = (stream: Stream.Stream<Uint8Array, unknown>, maxBytes: number) =>
  stream.pipe(
    Stream.catchAll(() => Stream.empty),
    Stream.mapAccum(0, (seen, bytes) => [seen + bytes.length, { seen, bytes }] as const),
    Stream.takeWhile(({ seen }) => seen < maxBytes),
    Stream.map(({ bytes }) => bytes),
    Stream.runCollect,
    Effect.map((chunks) => Buffer.concat(Chunk.toArray(chunks)).toString("utf8"))
  )

/**
 * The tool's text for one search: up to `limit` file names, `No matches found.`, or an error text.
 * Fails with `RipgrepMissing` when the program cannot be started.
 */
export const run = (request: RipgrepRequest): Effect.Effect<string, RipgrepMissing, CommandExecutor.CommandExecutor> =>
  Effect.scoped(
    Effect.gen(function*() {
      const executor = yield* CommandExecutor.CommandExecutor
      const command = Command.make(request.program, ...argv(request)).pipe(
        Command.workingDirectory(request.cwd),
        Command.stdin("pipe")
      )
      const process = yield* executor.start(command).pipe(
        Effect.mapError((error) => new RipgrepMissing({ message: error.message }))
      )
      const outcome = yield* Effect.all(
        [collect(process.stdout, MAX_STDOUT_BYTES), collect(process.stderr, 64 * 1024), process.exitCode.pipe(Effect.orElseSucceed(() => -1))],
        { concurrency: "unbounded" }
      ).pipe(Effect.timeout(TIMEOUT), Effect.option)
      // Leaving the scope kills ripgrep's process group if it is still running.
      if (Option.isNone(outcome)) return "Error: rg timed out after 30 seconds."
      const [stdout, stderr, code] = outcome.value
      if (code === 1) return "No matches found."
      if (code !== 0) return `Error: rg failed: ${stderr.trim()}`
      const files = stdout.split("\n").filter((line) => line.trim() !== "").slice(0, request.limit)
      return files.length === 0 ? "No matches found." : files.join("\n")
    })
  )
