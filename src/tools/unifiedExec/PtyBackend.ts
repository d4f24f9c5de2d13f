/** PtyBackend: unified exec processes on real pseudo-terminals (node-pty, loaded at first use), with pipes as the fallback. */
import { Data, Deferred, Effect, Either, Exit, Mailbox, Ref, Schedule } from "effect"
import type * as NodePty from "@lydell/node-pty"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import * as ChildProcess from "../process/ChildProcess.js"
import {
  type ExecBackend,
  ExecBackendError,
  type ExecProcess,
  type SpawnRequest,
  TERMINATE_GRACE,
  TtyMode
} from "./ExecBackend.js"

/** Terminal width given to every pseudo-terminal. */
export const COLUMNS = 80
/** Terminal height given to every pseudo-terminal. */
export const ROWS = 24
/** `TERM` of a pseudo-terminal whose environment names none. */
export const DEFAULT_TERM = "xterm-256color"

/** How often the release checks whether the terminated process group is gone. */
const GROUP_POLL = "20 millis"

/** The part of node-pty this backend uses. */
export interface PtyModule {
  readonly spawn: (file: string, args: Array<string>, options: NodePty.IPtyForkOptions) => NodePty.IPty
}

/** node-pty (or its native part) cannot be loaded on this machine. */
export class PtyUnavailable extends Data.TaggedError("PtyUnavailable")<{
  readonly message: string
}> {}

/** Produces the pseudo-terminal module; run at most once, when the first `tty: true` request arrives. */
export type PtyLoader = Effect.Effect<PtyModule, PtyUnavailable>

const describe = (cause: unknown): string => {
  const text = cause instanceof Error ? cause.message : String(cause)
  return text.split("\n")[0]?.trim() || "unknown error"
}

/** Imports node-pty. Its native module loads with it, so a missing or broken build fails here. */
export const loadNodePty: PtyLoader = Effect.tryPromise({
  try: () => import("@lydell/node-pty"),
  catch: (cause) => new PtyUnavailable({ message: `node-pty cannot be loaded: ${describe(cause)}` })
}).pipe(
  Effect.flatMap((loaded) => {
    const candidate = (loaded as { readonly default?: unknown }).default ?? loaded
    const spawn = (candidate as { readonly spawn?: unknown }).spawn
    return typeof spawn === "function"
      ? Effect.succeed(candidate as PtyModule)
      : Effect.fail(new PtyUnavailable({ message: "node-pty cannot be loaded: the module has no spawn function" }))
  })
)

/** The child's environment on a terminal: a `TERM` always set, and no inherited window size. */
export const terminalEnvironment = (env: Readonly<Record<string, string>>): Record<string, string> => {
  const result: Record<string, string> = { ...env }
  delete result["COLUMNS"]
  delete result["LINES"]
  const term = result["TERM"]?.trim()
  result["TERM"] = term === undefined || term === "" ? DEFAULT_TERM : term
  return result
}

const isExecutableFile = (path: string): "yes" | "missing" | "denied" => {
  try {
    if (!NodeFs.statSync(path).isFile()) return "denied"
  } catch {
    return "missing"
  }
  try {
    NodeFs.accessSync(path, NodeFs.constants.X_OK)
    return "yes"
  } catch {
    return "denied"
  }
}

/**
 * Finds the program the way `execvp` would, so a missing or non-executable program is reported as an
 * error instead of a terminal that prints the failure and exits 1.
 */
const checkProgram = (request: SpawnRequest): Effect.Effect<void, ExecBackendError> =>
  Effect.suspend(() => {
    const program = request.argv[0]
    if (process.platform === "win32") return Effect.void
    const candidates = program.includes("/")
      ? [NodePath.resolve(request.cwd, program)]
      : (request.env["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")
        .split(NodePath.delimiter)
        .filter((dir) => dir !== "")
        .map((dir) => NodePath.resolve(request.cwd, dir, program))
    let denied = false
    for (const candidate of candidates) {
      const state = isExecutableFile(candidate)
      if (state === "yes") return Effect.void
      if (state === "denied") denied = true
    }
    return Effect.fail(
      denied
        ? new ExecBackendError({ reason: "PermissionDenied", message: `permission denied: ${program}` })
        : new ExecBackendError({ reason: "NotFound", message: `no such program: ${program}` })
    )
  })

/** Whether a process of group `pgid` is still running (zombies waiting to be reaped do not count). */
export const groupAlive = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
  if (process.platform !== "linux") return true
  try {
    for (const entry of NodeFs.readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue
      let stat: string
      try {
        stat = NodeFs.readFileSync(`/proc/${entry}/stat`, "utf8")
      } catch {
        continue
      }
      // After the command name in parentheses: state, parent pid, process group.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
      if (Number(fields[2]) === pgid && fields[0] !== "Z") return true
    }
    return false
  } catch {
    return true
  }
}

const toBytes = (data: string | Uint8Array): Uint8Array =>
  typeof data === "string" ? new TextEncoder().encode(data) : new Uint8Array(data)

/**
 * Processes on pseudo-terminals of 80x24. The process leads its own session and process group; its
 * terminal output arrives as one byte stream, and the terminal's line discipline echoes what is
 * written (so `echoesInput` is true). Closing the Scope sends SIGTERM to the whole group, waits up
 * to the same grace as the pipe backend for the process and its children to go, then sends SIGKILL.
 */
export const makePtyBackend = (pty: PtyModule): ExecBackend => ({
  ttyMode: Effect.succeed(TtyMode.Pty()),
  spawn: (request) =>
    Effect.gen(function*() {
      const [program, ...args] = request.argv
      yield* checkProgram(request)
      const output = yield* Mailbox.make<Uint8Array>()
      const exited = yield* Deferred.make<number>()
      const env = terminalEnvironment(request.env)
      let finished = false
      const terminal = yield* Effect.acquireRelease(
        Effect.try({
          try: () => {
            const started = pty.spawn(program, args, {
              name: env["TERM"] ?? DEFAULT_TERM,
              cols: COLUMNS,
              rows: ROWS,
              cwd: request.cwd,
              env,
              // Raw bytes: decoding happens once, in the manager, so split characters survive.
              encoding: null
            } as NodePty.IPtyForkOptions)
            // Subscribed right away, so nothing written before the first read is lost.
            const onData = started.onData((data: string | Uint8Array) => void output.unsafeOffer(toBytes(data)))
            // node-pty reports the exit once the terminal has been read to its end.
            const onExit = started.onExit(({ exitCode, signal }) => {
              finished = true
              output.unsafeDone(Exit.void)
              Deferred.unsafeDone(exited, Effect.succeed(signal !== undefined && signal > 0 ? -signal : exitCode))
            })
            return { started, listeners: [onData, onExit] }
          },
          catch: (cause) => new ExecBackendError({ reason: "Spawn", message: `cannot start ${program}: ${describe(cause)}` })
        }),
        ({ listeners, started }) =>
          terminate(started, exited).pipe(
            Effect.ensuring(
              Effect.sync(() => {
                for (const listener of listeners) listener.dispose()
                output.unsafeDone(Exit.void)
              })
            )
          )
      ).pipe(Effect.map(({ started }) => started))
      const write = (bytes: Uint8Array) =>
        Effect.suspend(() =>
          finished
            ? Effect.fail(new ExecBackendError({ reason: "Write", message: "cannot write to the process: it has exited" }))
            : Effect.try({
              // the declarations say string, but the Unix terminal writes a Buffer to its socket as it is
              try: () => terminal.write(Buffer.from(bytes) as unknown as string),
              catch: (cause) =>
                new ExecBackendError({ reason: "Write", message: `cannot write to the process: ${describe(cause)}` })
            })
        )
      const execProcess: ExecProcess = {
        output: Mailbox.toStream(output),
        write,
        exitCode: Deferred.await(exited),
        echoesInput: true
      }
      return execProcess
    })
})

/** SIGTERM to the group, a grace period for the process and its children to exit, then SIGKILL. */
const terminate = (terminal: NodePty.IPty, exited: Deferred.Deferred<number>): Effect.Effect<void> =>
  Effect.gen(function*() {
    const pid = terminal.pid
    if (process.platform === "win32") {
      yield* Effect.sync(() => terminal.kill())
      return
    }
    yield* Effect.sync(() => ChildProcess.signalGroup(pid, "SIGTERM"))
    const groupGone = Effect.sync(() => groupAlive(pid)).pipe(
      Effect.repeat({ schedule: Schedule.spaced(GROUP_POLL), while: (alive) => alive })
    )
    // Finalizers are uninterruptible; the wait must not be, for the timeout to cut it short.
    yield* Deferred.await(exited).pipe(
      Effect.zipRight(groupGone),
      Effect.interruptible,
      Effect.timeout(TERMINATE_GRACE),
      Effect.ignore
    )
    const done = yield* Deferred.isDone(exited)
    if (!done || groupAlive(pid)) yield* Effect.sync(() => ChildProcess.signalGroup(pid, "SIGKILL"))
  })

/**
 * A backend that sends `tty: true` requests to a pseudo-terminal and everything else to `pipes`.
 * The pseudo-terminal module is loaded when the first terminal is asked for; when it cannot be, the
 * terminal requests run on `pipes` (where the manager echoes input) and `ttyMode` keeps the reason.
 */
export const withPty = (pipes: ExecBackend, load: PtyLoader = loadNodePty): Effect.Effect<ExecBackend> =>
  Effect.gen(function*() {
    const mode = yield* Ref.make<TtyMode>(TtyMode.Unchecked())
    const terminals = yield* Effect.cached(
      load.pipe(
        Effect.map(makePtyBackend),
        Effect.either,
        Effect.tap((loaded) =>
          Ref.set(mode, Either.isRight(loaded) ? TtyMode.Pty() : TtyMode.Pipes({ reason: loaded.left.message }))
        )
      )
    )
    return {
      ttyMode: Ref.get(mode),
      spawn: (request) =>
        request.tty
          ? Effect.flatMap(terminals, (loaded) => (Either.isRight(loaded) ? loaded.right : pipes).spawn(request))
          : pipes.spawn(request)
    }
  })
