/** A scoped tmux server for driving the built CLI on a real pseudo-terminal, and polling its screen. */
import { Effect, Schedule } from "effect"
import { execFileSync, spawnSync } from "node:child_process"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"

export const hasTmux = spawnSync("tmux", ["-V"]).status === 0

export interface TmuxSession {
  readonly send: (...keys: ReadonlyArray<string>) => Effect.Effect<void>
  readonly screen: Effect.Effect<string>
  /** Polls the screen (100 ms apart, about 15 s at most) until `check` accepts it. */
  readonly until: (check: (screen: string) => boolean, what: string) => Effect.Effect<string>
}

/** Starts `command` in a detached 120x40 tmux session on a server of its own, killed with the Scope. */
export const start = (name: string, command: string) =>
  Effect.gen(function* () {
    const socket = `tscodex-${name}-${process.pid}`
    const tmux = (...args: ReadonlyArray<string>) =>
      Effect.try(() => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" })).pipe(Effect.orDie)
    const socketFile = NodePath.join(process.env.TMUX_TMPDIR ?? "/tmp", `tmux-${process.getuid?.() ?? 0}`, socket)
    const quiet = (...args: ReadonlyArray<string>) => spawnSync("tmux", ["-L", socket, ...args]).status === 0
    // The server may still be on its way out after kill-server; its socket file, which tmux leaves
    // behind, goes once the server answers no more.
    const stop = Effect.sync(() => quiet("kill-server")).pipe(
      Effect.zipRight(Effect.suspend(() => (quiet("has-session") ? Effect.fail("running") : Effect.void)).pipe(
        Effect.retry(Schedule.spaced("50 millis").pipe(Schedule.intersect(Schedule.recurs(20)))),
        Effect.ignore
      )),
      Effect.zipRight(Effect.sync(() => NodeFs.rmSync(socketFile, { force: true })))
    )
    yield* Effect.acquireRelease(tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40", command), () => stop)
    const screen = tmux("capture-pane", "-p", "-S", "-200", "-t", name)
    const until = (check: (screen: string) => boolean, what: string) =>
      Effect.gen(function* () {
        for (let i = 0; i < 150; i++) {
          const shown = yield* screen
          if (check(shown)) return shown
          yield* Effect.sleep("100 millis")
        }
        return yield* Effect.dieMessage(`timed out waiting for ${what}; screen:\n${yield* screen}`)
      })
    return {
      send: (...keys) => Effect.asVoid(tmux("send-keys", "-t", name, ...keys)),
      screen,
      until
    } satisfies TmuxSession
  })

/** The screen's non-empty lines, right-trimmed. */
export const linesOf = (screen: string): ReadonlyArray<string> =>
  screen.split("\n").map((l) => l.trimEnd()).filter((l) => l !== "")
