/** A scoped tmux server for driving the built CLI on a real pseudo-terminal, and polling its screen. */
import { Effect } from "effect"
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
    // tmux leaves its socket file behind after kill-server; it goes too.
    const socketFile = NodePath.join(process.env.TMUX_TMPDIR ?? "/tmp", `tmux-${process.getuid?.() ?? 0}`, socket)
    yield* Effect.acquireRelease(
      tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40", command),
      () => tmux("kill-server").pipe(Effect.ignore, Effect.zipRight(Effect.sync(() => NodeFs.rmSync(socketFile, { force: true }))))
    )
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
