/** ExecBackend: how unified exec starts a process and talks to it; the pipe backend runs on @effect/platform Command. */
import * as CommandExecutor from "@effect/platform/CommandExecutor"
import type * as PlatformError from "@effect/platform/Error"
import { Data, Effect, Queue, Scope, Stream } from "effect"
import * as ChildProcess from "../process/ChildProcess.js"

/** What to start. */
export interface SpawnRequest {
  readonly argv: readonly [string, ...Array<string>]
  /** Absolute, existing working directory. */
  readonly cwd: string
  /** The child's complete environment. */
  readonly env: Readonly<Record<string, string>>
  /** Whether the caller asked for a terminal. */
  readonly tty: boolean
}

/** A started process. It lives as long as the Scope it was spawned in; closing that Scope kills it. */
export interface ExecProcess {
  /** Everything the process writes (standard output and error together); ends when both are closed. */
  readonly output: Stream.Stream<Uint8Array>
  /** Sends bytes to standard input. */
  readonly write: (bytes: Uint8Array) => Effect.Effect<void, ExecBackendError>
  /** Waits for the exit: the exit code, or minus the signal number when a signal ended it. */
  readonly exitCode: Effect.Effect<number>
  /** True when the backend echoes written input itself (a terminal does; pipes do not). */
  readonly echoesInput: boolean
}

export class ExecBackendError extends Data.TaggedError("ExecBackendError")<{
  readonly reason: "NotFound" | "PermissionDenied" | "Spawn" | "Write"
  readonly message: string
}> {}

/** How a backend serves `tty: true` requests. */
export type TtyMode = Data.TaggedEnum<{
  /** No terminal has been asked for yet; the pseudo-terminal support loads at the first request. */
  Unchecked: {}
  /** Each `tty: true` request gets a real pseudo-terminal. */
  Pty: {}
  /** `tty: true` requests run on pipes with echoed input; `reason` says why. */
  Pipes: { readonly reason: string }
}>
export const TtyMode = Data.taggedEnum<TtyMode>()

/** Starts processes; `tty: true` requests get a pseudo-terminal when the backend has one. */
export interface ExecBackend {
  readonly spawn: (request: SpawnRequest) => Effect.Effect<ExecProcess, ExecBackendError, Scope.Scope>
  /** How `tty: true` is served (a backend without it runs everything on pipes). */
  readonly ttyMode?: Effect.Effect<TtyMode>
}

/** How long a process may take to exit after SIGTERM before it gets SIGKILL. */
export const TERMINATE_GRACE = "2 seconds"

const spawnError = (argv: ReadonlyArray<string>, error: PlatformError.PlatformError): ExecBackendError => {
  const program = argv[0] ?? ""
  const reason = ChildProcess.spawnFailure(error)
  const message = reason === "NotFound"
    ? `no such program: ${program}`
    : reason === "PermissionDenied"
    ? `permission denied: ${program}`
    : `cannot start ${program}: ${error.message}`
  return new ExecBackendError({ reason, message })
}

/**
 * Processes on pipes (standard error joined to standard output), started through the platform
 * CommandExecutor. Each process is its own process group; closing its Scope sends SIGTERM to the
 * whole group, then SIGKILL if it is still there after the grace period, so nothing outlives the
 * session, not even background children.
 *
 * Requests with `tty: true` run on pipes too: no terminal is allocated (no line discipline, no
 * window size), and the manager echoes typed input itself. `PtyBackend.withPty` routes those
 * requests to a real pseudo-terminal instead, which echoes on its own.
 */
export const makePipeBackend = (executor: CommandExecutor.CommandExecutor): ExecBackend => ({
  spawn: (request) =>
    Effect.gen(function*() {
      const command = ChildProcess.pipedCommand(request.argv, request.cwd, request.env)
      const process = yield* executor.start(command).pipe(Effect.mapError((error) => spawnError(request.argv, error)))
      // Finalizers run uninterruptibly; the wait after SIGTERM must be interruptible for the timeout to end it.
      yield* Effect.addFinalizer(() =>
        process.kill("SIGTERM").pipe(
          Effect.interruptible,
          Effect.timeout(TERMINATE_GRACE),
          Effect.ignore,
          Effect.zipRight(Effect.ignore(process.kill("SIGKILL")))
        )
      )
      // Standard input is one long-lived writer fed by a queue, so each write does not close the pipe.
      const input = yield* Queue.unbounded<Uint8Array>()
      let lastWriteError: string | undefined
      yield* Stream.fromQueue(input).pipe(
        Stream.run(process.stdin),
        Effect.catchAll((error) =>
          Effect.sync(() => {
            lastWriteError = error.message
          })
        ),
        Effect.forkScoped
      )
      const write = (bytes: Uint8Array) =>
        Effect.suspend(() =>
          lastWriteError !== undefined
            ? Effect.fail(new ExecBackendError({ reason: "Write", message: `cannot write to the process: ${lastWriteError}` }))
            : Queue.offer(input, bytes).pipe(Effect.asVoid)
        )
      const output = Stream.merge(process.stdout, process.stderr).pipe(Stream.catchAll(() => Stream.empty))
      const exitCode = ChildProcess.exitCode(process)
      return { output, write, exitCode, echoesInput: false }
    })
})
