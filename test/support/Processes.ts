/** Checks on real processes for tests that start them: is a pid still running, and wait until it is gone. */
import { Effect, Schedule } from "effect"
import * as NodeFs from "node:fs"

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
