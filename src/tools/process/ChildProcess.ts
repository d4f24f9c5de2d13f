/** ChildProcess: what the command tools share about a child on pipes: the command, spawn failure kinds, exit codes, process groups. */
import * as Command from "@effect/platform/Command"
import type * as CommandExecutor from "@effect/platform/CommandExecutor"
import type * as PlatformError from "@effect/platform/Error"
import { Effect } from "effect"
import { constants as osConstants } from "node:os"

/** `argv` in `cwd` with exactly `env`, standard input, output and error all on pipes. */
export const pipedCommand = (
  argv: readonly [string, ...Array<string>],
  cwd: string,
  env: Readonly<Record<string, string>>
): Command.Command => {
  const [program, ...args] = argv
  return Command.make(program, ...args).pipe(
    Command.workingDirectory(cwd),
    Command.env(env),
    Command.stdin("pipe"),
    Command.stdout("pipe"),
    Command.stderr("pipe")
  )
}

/** Why a child could not be started: its program is missing, not executable, or something else. */
export type SpawnFailure = "NotFound" | "PermissionDenied" | "Spawn"

export const spawnFailure = (error: PlatformError.PlatformError): SpawnFailure =>
  error._tag === "SystemError" && (error.reason === "NotFound" || error.reason === "PermissionDenied") ? error.reason : "Spawn"

/** The number of the signal named in `text` (`SIGTERM` → 15), if any. */
export const signalNumber = (text: string): number | undefined => {
  const name = /SIG[A-Z0-9]+/.exec(text)?.[0]
  return name === undefined ? undefined : (osConstants.signals as Record<string, number | undefined>)[name]
}

/** Exit code reported for a child whose end could not be read. */
export const UNKNOWN_EXIT = -1

/** The child's exit code, minus the signal number when a signal ended it, `UNKNOWN_EXIT` when neither is known. */
export const exitCode = (child: CommandExecutor.Process): Effect.Effect<number> =>
  child.exitCode.pipe(
    Effect.map((code): number => code),
    Effect.catchAll((error) => {
      const signal = signalNumber(error.message)
      return Effect.succeed(signal === undefined ? UNKNOWN_EXIT : -signal)
    })
  )

/** Sends `signal` to every process of the group led by `pid`; a group that is already gone is fine. */
export const signalGroup = (pid: number, signal: NodeJS.Signals): void => {
  try {
    process.kill(-pid, signal)
  } catch {
    // the group is gone
  }
}
