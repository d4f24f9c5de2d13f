/** Real processes in tests: start one scoped until its ready line, check whether a pid still runs, wait until it is gone. */
import { Effect, Schedule } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import * as NodeFs from "node:fs"
import * as NodeNet from "node:net"

/** A loopback port free right now, for a server process a test or bench starts on it. */
export const freePort = Effect.async<number>((resume) => {
  const server = NodeNet.createServer()
  server.listen(0, "127.0.0.1", () => {
    const port = (server.address() as NodeNet.AddressInfo).port
    server.close(() => resume(Effect.succeed(port)))
  })
})

/** Whether a process exists and is not a zombie waiting to be reaped. */
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const stat = NodeFs.readFileSync(`/proc/${pid}/stat`, "utf8")
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z"
  } catch {
    return false
  }
}

/** Signals arrive asynchronously: true once the process is gone, false if it outlives about 3 s. */
export const awaitGone = (pid: number) =>
  Effect.suspend(() => (isAlive(pid) ? Effect.fail("alive" as const) : Effect.succeed(true))).pipe(
    Effect.retry(Schedule.spaced("20 millis").pipe(Schedule.intersect(Schedule.recurs(150)))),
    Effect.orElseSucceed(() => false)
  )

/**
 * Host pids of live processes whose command line is exactly `argv` (a pid written by the command
 * itself may be one of a sandbox's pid namespace, so tests find their processes by argv).
 */
export const pidsRunning = (argv: ReadonlyArray<string>): ReadonlyArray<number> =>
  NodeFs.readdirSync("/proc").flatMap((name) => {
    if (!/^\d+$/.test(name)) return []
    try {
      const cmdline = NodeFs.readFileSync(`/proc/${name}/cmdline`, "utf8")
      return cmdline === `${argv.join("\0")}\0` && isAlive(Number(name)) ? [Number(name)] : []
    } catch {
      return []
    }
  })

/** A child process started by `startProcess`, with what it has printed so far and its exit. */
export interface StartedProcess {
  readonly child: ChildProcess
  readonly match: RegExpMatchArray
  readonly output: () => string
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  readonly exited: Effect.Effect<number | string>
}

/**
 * Starts a process whose output (stdout and stderr) is watched until `ready` matches; it is
 * killed with SIGKILL, if still running, when the scope closes.
 */
export const startProcess = (command: string, args: ReadonlyArray<string>, ready: RegExp, env?: NodeJS.ProcessEnv) =>
  Effect.acquireRelease(
    Effect.async<StartedProcess, Error>((resume) => {
      const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...(env === undefined ? {} : { env }) })
      let seen = ""
      let status: number | string | undefined
      const waiters: Array<(code: number | string) => void> = []
      const exited = Effect.async<number | string>((done) => {
        if (status !== undefined) return done(Effect.succeed(status))
        waiters.push((code) => done(Effect.succeed(code)))
      })
      let started = false
      const onData = (b: Buffer) => {
        seen += b.toString()
        const match = started ? null : ready.exec(seen)
        if (match !== null) {
          started = true
          resume(Effect.succeed({ child, match, output: () => seen, exited }))
        }
      }
      child.stdout!.on("data", onData)
      child.stderr!.on("data", onData)
      child.on("exit", (code, signal) => {
        status = code ?? signal ?? "unknown"
        for (const wake of waiters.splice(0)) wake(status)
        if (!started) resume(Effect.fail(new Error(`${command} exited with ${status}: ${seen}`)))
      })
    }),
    ({ child }) =>
      Effect.async<void>((resume) => {
        if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
        child.once("exit", () => resume(Effect.void))
        child.kill("SIGKILL")
      })
  )
