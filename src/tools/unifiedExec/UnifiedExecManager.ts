/** UnifiedExecManager: the long-lived command sessions behind exec_command and write_stdin. */
import * as FileSystem from "@effect/platform/FileSystem"
import { Clock, Data, Deferred, Duration, Effect, ExecutionStrategy, Exit, Option, Random, Ref, Scope, Stream } from "effect"
import * as NodePath from "node:path"
import type { Environment } from "../../config/Environment.js"
import type { Attempt, GateRequest, SandboxPermissions } from "../../sandbox/CommandGate.js"
import { type ExecBackend, type ExecProcess, TtyMode } from "./ExecBackend.js"
import * as OutputBuffer from "./OutputBuffer.js"
import * as OutputText from "./OutputText.js"

/** First session id of a manager; ids then count up and are never reused. */
export const FIRST_SESSION_ID = 1000

/** Extra time given to a finished process's output pipe to close after the wait deadline. */
export const OUTPUT_CLOSE_GRACE_MILLIS = 100

/** An `exec_command` call, arguments already validated. */
export interface ExecRequest {
  readonly cmd: string
  readonly workdir?: string | undefined
  readonly shell?: string | undefined
  readonly login: boolean
  readonly tty: boolean
  readonly yieldTimeMs: number
  readonly maxOutputTokens?: number | undefined
  /** `require_escalated` asks to run without the sandbox (default `use_default`). */
  readonly sandboxPermissions?: SandboxPermissions | undefined
  /** The model's question to the user for an escalation. */
  readonly justification?: string | undefined
  /** The turn that runs it (what the user granted for that turn applies). */
  readonly turnId?: string | undefined
}

/** A `write_stdin` call, arguments already validated. */
export interface WriteRequest {
  readonly sessionId: number
  readonly chars: string
  readonly yieldTimeMs: number
  readonly maxOutputTokens?: number | undefined
}

export class UnifiedExecError extends Data.TaggedError("UnifiedExecError")<{
  readonly reason:
    | "WorkdirNotFound"
    | "NotADirectory"
    | "ProgramNotFound"
    | "PermissionDenied"
    | "Spawn"
    | "Write"
    | "Sandbox"
  readonly message: string
}> {}

export interface UnifiedExecManager {
  /** Starts a command and waits up to its yield time; the text reports output and exit or session id. */
  readonly execCommand: (request: ExecRequest) => Effect.Effect<string, UnifiedExecError>
  /** Writes to a session (or only polls it with empty `chars`) and waits up to the yield time. */
  readonly writeStdin: (request: WriteRequest) => Effect.Effect<string, UnifiedExecError>
  /** Ids of the sessions whose exit has not been reported yet. */
  readonly sessionIds: Effect.Effect<ReadonlyArray<number>>
  /** How `tty: true` sessions are served: a pseudo-terminal, or pipes with echoed input (and why). */
  readonly ttyMode: Effect.Effect<TtyMode>
}

export interface Options {
  /** Directory used when a call gives no `workdir`, and base of relative ones. */
  readonly cwd: string
  readonly backend: ExecBackend
  readonly environment: Environment
  /** Unread output kept per session (default 1 MiB: its first and last halves). */
  readonly bufferCapBytes?: number
  /**
   * Decides how each command runs (sandboxed, after approval, or not at all) and calls `launch`
   * with the argv to start. Without it commands run as given.
   */
  readonly gate?: ExecGate
}

/** Runs a command through the sandbox and approval policies; `launch` starts the (possibly wrapped) argv. */
export type ExecGate = (
  request: GateRequest,
  launch: (argv: readonly [string, ...Array<string>]) => Effect.Effect<Attempt, UnifiedExecError>
) => Effect.Effect<string, UnifiedExecError>

interface Session {
  readonly id: number
  readonly command: string
  readonly tty: boolean
  readonly process: ExecProcess
  readonly scope: Scope.CloseableScope
  readonly buffer: OutputBuffer.OutputBuffer
  /** Bytes of a character not completely read yet. */
  carry: Uint8Array
  readonly exited: Deferred.Deferred<number>
  readonly outputClosed: Deferred.Deferred<void>
}

/** The argv that runs `cmd` in `shell`, following the conventions of the shell's family. */
export const shellArgv = (shell: string, cmd: string, login: boolean): readonly [string, ...Array<string>] => {
  const name = NodePath.basename(shell.replaceAll("\\", "/")).toLowerCase()
  if (name === "cmd" || name === "cmd.exe") return [shell, "/C", cmd]
  if (name.includes("powershell")) return [shell, "-NoProfile", "-Command", cmd]
  return [shell, login ? "-lc" : "-c", cmd]
}

const notRunning = (id: number) => `Error: session_id ${id} is not running.`

const encoder = new TextEncoder()

/**
 * A manager whose sessions all belong to the current Scope: when it closes, every process still
 * running is terminated.
 */
export const make = (
  options: Options
): Effect.Effect<UnifiedExecManager, never, Scope.Scope | FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const managerScope = yield* Scope.make(ExecutionStrategy.parallel)
    yield* Effect.addFinalizer((exit) => Scope.close(managerScope, exit))
    const nextId = yield* Ref.make(FIRST_SESSION_ID)
    const sessions = yield* Ref.make<ReadonlyMap<number, Session>>(new Map())

    const resolveWorkdir = (workdir: string | undefined) =>
      Effect.gen(function*() {
        const wanted = NodePath.resolve(options.cwd, workdir ?? "")
        const real = yield* fs.realPath(wanted).pipe(
          Effect.mapError(() =>
            new UnifiedExecError({ reason: "WorkdirNotFound", message: `working directory does not exist: ${wanted}` })
          )
        )
        const info = yield* fs.stat(real).pipe(Effect.option)
        if (Option.isSome(info) && info.value.type !== "Directory") {
          return yield* new UnifiedExecError({ reason: "NotADirectory", message: `not a directory: ${wanted}` })
        }
        return real
      })

    const closeSession = (session: Session) =>
      Ref.modify(sessions, (map) => {
        if (!map.has(session.id)) return [false, map] as const
        const next = new Map(map)
        next.delete(session.id)
        return [true, next] as const
      }).pipe(Effect.flatMap((removed) => (removed ? Scope.close(session.scope, Exit.void) : Effect.void)))

    const takeOutput = (session: Session, finished: boolean): string => {
      const drained = OutputBuffer.drain(session.buffer)
      const bytes = session.carry.length === 0 ? drained : joinBytes(session.carry, drained)
      if (finished) {
        session.carry = new Uint8Array(0)
        return OutputText.decodeUtf8(bytes)
      }
      const [complete, rest] = OutputText.splitIncompleteUtf8(bytes)
      session.carry = rest.slice()
      return OutputText.decodeUtf8(complete)
    }

    const snapshot = (session: Session, yieldTimeMs: number, maxOutputTokens: number | undefined) =>
      Effect.gen(function*() {
        const waitMillis = Math.max(yieldTimeMs, 1)
        const started = yield* Clock.currentTimeNanos
        const exitCode = yield* Deferred.await(session.exited).pipe(Effect.timeoutOption(Duration.millis(waitMillis)))
        if (Option.isSome(exitCode)) {
          // The exit can be seen before the last output is read: give the pipe until the deadline (and a little more).
          const elapsed = Number((yield* Clock.currentTimeNanos) - started) / 1e6
          const left = Math.max(waitMillis - elapsed, OUTPUT_CLOSE_GRACE_MILLIS)
          yield* Deferred.await(session.outputClosed).pipe(Effect.timeoutOption(Duration.millis(left)))
        }
        const wallTimeMillis = Number((yield* Clock.currentTimeNanos) - started) / 1e6
        const output = takeOutput(session, Option.isSome(exitCode))
        const chunkId = (yield* Random.nextIntBetween(0, 0x1000000)).toString(16).padStart(6, "0")
        const budget = Math.max(0, maxOutputTokens ?? OutputText.DEFAULT_MAX_OUTPUT_TOKENS)
        const text = OutputText.formatSnapshot({
          command: session.command,
          chunkId,
          wallTimeMillis,
          state: Option.isSome(exitCode)
            ? { _tag: "Exited", exitCode: exitCode.value }
            : { _tag: "Running", sessionId: session.id },
          originalTokenCount: OutputText.approxTokenCount(output),
          output: OutputText.truncateMiddle(output, budget)
        })
        if (Option.isSome(exitCode)) yield* closeSession(session)
        return { text, exitCode: Option.getOrUndefined(exitCode), output }
      })

    /** Starts `argv` (what runs) as a session shown as `shown` (what was asked for). */
    const start = (
      id: number,
      request: ExecRequest,
      argv: readonly [string, ...Array<string>],
      shown: ReadonlyArray<string>,
      cwd: string
    ) =>
      Effect.gen(function*() {
        const scope = yield* Scope.fork(managerScope, ExecutionStrategy.sequential)
        const process = yield* options.backend.spawn({ argv, cwd, env: options.environment.all(), tty: request.tty }).pipe(
          Scope.extend(scope),
          Effect.tapError(() => Scope.close(scope, Exit.void)),
          Effect.mapError((error) => new UnifiedExecError({ reason: backendReason[error.reason], message: error.message }))
        )
        const session: Session = {
          id,
          command: OutputText.shellJoin(shown),
          tty: request.tty,
          process,
          scope,
          buffer: OutputBuffer.make(options.bufferCapBytes),
          carry: new Uint8Array(0),
          exited: yield* Deferred.make<number>(),
          outputClosed: yield* Deferred.make<void>()
        }
        yield* process.output.pipe(
          Stream.runForEach((chunk) => Effect.sync(() => OutputBuffer.push(session.buffer, chunk))),
          Effect.zipRight(Deferred.succeed(session.outputClosed, undefined)),
          Effect.forkIn(scope)
        )
        yield* process.exitCode.pipe(Effect.flatMap((code) => Deferred.succeed(session.exited, code)), Effect.forkIn(scope))
        yield* Ref.update(sessions, (map) => new Map(map).set(id, session))
        return session
      })

    const execCommand = (request: ExecRequest) =>
      Effect.gen(function*() {
        // The id is taken first, so a call that fails (bad workdir, no such program) still uses one up.
        let reserved: number | undefined = yield* Ref.getAndUpdate(nextId, (n) => n + 1)
        const shell = request.shell ?? options.environment.get("SHELL") ?? "/bin/bash"
        const argv = shellArgv(shell === "" ? "/bin/bash" : shell, request.cmd, request.login)
        const cwd = yield* resolveWorkdir(request.workdir)
        const launch = (run: readonly [string, ...Array<string>]) =>
          Effect.gen(function*() {
            const id = reserved ?? (yield* Ref.getAndUpdate(nextId, (n) => n + 1))
            reserved = undefined
            const session = yield* start(id, request, run, argv, cwd)
            // An interrupted call stops its process: SIGTERM now, SIGKILL after the grace period, without
            // making the interrupt wait for it.
            return yield* snapshot(session, request.yieldTimeMs, request.maxOutputTokens).pipe(
              Effect.onInterrupt(() => Effect.asVoid(Effect.forkIn(closeSession(session), managerScope)))
            )
          })
        if (options.gate === undefined) return (yield* launch(argv)).text
        return yield* options.gate({
          argv,
          cwd,
          display: OutputText.shellJoin(argv),
          sandboxPermissions: request.sandboxPermissions ?? "use_default",
          justification: request.justification,
          turnId: request.turnId
        }, launch)
      })

    const writeStdin = (request: WriteRequest) =>
      Effect.gen(function*() {
        const session = (yield* Ref.get(sessions)).get(request.sessionId)
        if (session === undefined) return notRunning(request.sessionId)
        if (request.chars.length > 0) {
          if (session.tty && !session.process.echoesInput) {
            // Without a real terminal, show what was typed the way a terminal would echo it.
            OutputBuffer.push(session.buffer, encoder.encode(request.chars.replaceAll("\n", "\r\n")))
          }
          yield* session.process.write(encoder.encode(request.chars)).pipe(
            Effect.mapError((error) => new UnifiedExecError({ reason: "Write", message: error.message }))
          )
        }
        return (yield* snapshot(session, request.yieldTimeMs, request.maxOutputTokens)).text
      })

    return {
      execCommand,
      writeStdin,
      sessionIds: Effect.map(Ref.get(sessions), (map) => [...map.keys()]),
      ttyMode: options.backend.ttyMode ?? Effect.succeed(pipesOnly)
    }
  })

const pipesOnly = TtyMode.Pipes({ reason: "this exec backend has no terminal support" })

const backendReason = {
  NotFound: "ProgramNotFound",
  PermissionDenied: "PermissionDenied",
  Spawn: "Spawn",
  Write: "Write"
} as const

const joinBytes = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}
