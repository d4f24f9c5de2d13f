/**
 * ShellRunner: runs one command for the shell tools to completion or timeout, capturing standard
 * output and error apart, and kills its whole process group so nothing it started outlives the call.
 */
import * as CommandExecutor from "@effect/platform/CommandExecutor"
import type * as PlatformError from "@effect/platform/Error"
import { Data, Duration, Effect, Fiber, Option, Stream } from "effect"
import * as ChildProcess from "../process/ChildProcess.js"
import * as StreamCapture from "./StreamCapture.js"

/** How long output may keep coming after the command ended or was killed, before the rest of its group is killed. */
export const DRAIN_TIMEOUT = Duration.seconds(2)

export interface ShellRequest {
  readonly argv: readonly [string, ...Array<string>]
  /** Absolute, existing working directory. */
  readonly cwd: string
  /** The child's complete environment. */
  readonly env: Readonly<Record<string, string>>
  /** Milliseconds before the command (and its group) is killed; at least 1. */
  readonly timeoutMs: number
}

export interface ShellOutcome {
  /** Exit code, minus the signal number when a signal ended it; `undefined` when the timeout fired. */
  readonly exitCode: number | undefined
  readonly timedOut: boolean
  readonly stdout: string
  readonly stderr: string
  /** Process id of the command (its process group id too). */
  readonly pid: number
}

export class ShellSpawnError extends Data.TaggedError("ShellSpawnError")<{
  readonly reason: "NotFound" | "PermissionDenied" | "Spawn"
  readonly message: string
}> {}

const spawnError = (program: string, error: PlatformError.PlatformError): ShellSpawnError => {
  const reason = ChildProcess.spawnFailure(error)
  const message = reason === "NotFound"
    ? `No such file or directory: '${program}'`
    : reason === "PermissionDenied"
    ? `Permission denied: '${program}'`
    : `cannot start ${program}: ${error.message}`
  return new ShellSpawnError({ reason, message })
}

/** Kills every process of the group led by `pid`. */
const killGroup = (pid: number) => Effect.sync(() => ChildProcess.signalGroup(pid, "SIGKILL"))

/**
 * Runs the command with standard input closed. On timeout the whole process group gets SIGKILL
 * and the output produced so far is kept. After the command ends, anything it left running in its
 * group is killed once its output has drained (or after `DRAIN_TIMEOUT`).
 */
export const run = (
  request: ShellRequest
): Effect.Effect<ShellOutcome, ShellSpawnError, CommandExecutor.CommandExecutor> =>
  Effect.scoped(
    Effect.gen(function*() {
      const executor = yield* CommandExecutor.CommandExecutor
      const command = ChildProcess.pipedCommand(request.argv, request.cwd, request.env)
      const child = yield* executor.start(command).pipe(Effect.mapError((error) => spawnError(request.argv[0], error)))
      const pid = child.pid as number
      yield* Effect.addFinalizer(() => killGroup(pid))
      // Nothing to read from us: close standard input at once.
      yield* Stream.empty.pipe(Stream.run(child.stdin), Effect.ignore, Effect.forkScoped)
      const stdout = StreamCapture.make()
      const stderr = StreamCapture.make()
      const drain = (stream: Stream.Stream<Uint8Array, PlatformError.PlatformError>, capture: StreamCapture.Capture) =>
        stream.pipe(Stream.runForEach((bytes) => Effect.sync(() => capture.push(bytes))), Effect.ignore)
      const readers = yield* Effect.all([drain(child.stdout, stdout), drain(child.stderr, stderr)], {
        concurrency: 2,
        discard: true
      }).pipe(Effect.forkScoped)
      const exit = yield* ChildProcess.exitCode(child).pipe(
        Effect.timeout(Duration.millis(Math.max(request.timeoutMs, 1))),
        Effect.option
      )
      const timedOut = Option.isNone(exit)
      if (timedOut) yield* killGroup(pid)
      // Background children may still hold the pipes open: wait a little, then kill the group.
      yield* Fiber.join(readers).pipe(Effect.timeout(DRAIN_TIMEOUT), Effect.ignore)
      yield* killGroup(pid)
      yield* Fiber.join(readers).pipe(Effect.timeout(DRAIN_TIMEOUT), Effect.ignore)
      return {
        exitCode: Option.getOrUndefined(exit),
        timedOut,
        stdout: stdout.text(),
        stderr: stderr.text(),
        pid
      }
    })
  )

/** The tool text: working directory, timeout or exit code, then each non-empty stream. */
export const formatOutcome = (cwd: string, timeoutMs: number, outcome: ShellOutcome): string => {
  const lines = [`Working directory: ${cwd}`]
  lines.push(outcome.timedOut ? `Timeout: exceeded ${timeoutMs} ms` : `Exit code: ${outcome.exitCode}`)
  if (outcome.stdout !== "") lines.push("Stdout:", outcome.stdout)
  if (outcome.stderr !== "") lines.push("Stderr:", outcome.stderr)
  return lines.join("\n")
}
