/** UserAgent: the `user-agent` header value, `<originator>/<version> (<os> <os version>; <arch>) <terminal><suffix>`. */
import * as Command from "@effect/platform/Command"
import * as CommandExecutor from "@effect/platform/CommandExecutor"
import * as FileSystem from "@effect/platform/FileSystem"
import { Duration, Effect, Option } from "effect"
import * as os from "node:os"
import { Environment } from "../config/Environment.js"

/** The parts a user agent is built from. */
export interface UserAgentParts {
  readonly originator: string
  readonly version: string
  readonly osName: string
  readonly osVersion: string
  readonly arch: string
  readonly terminal: string
}

/** Every character outside letters, digits and `-_./` becomes `_`. */
export const sanitizeToken = (token: string): string => token.replace(/[^A-Za-z0-9\-_./]/g, "_")

/** ` (codex-tui; <version>)` / ` (codex-exec; <version>)` for the two known originators. */
const suffix = (originator: string, version: string): string =>
  originator === "codex-tui" ? ` (codex-tui; ${version})` : originator === "codex_exec" ? ` (codex-exec; ${version})` : ""

export const format = (parts: UserAgentParts): string =>
  `${parts.originator}/${parts.version} (${parts.osName} ${parts.osVersion}; ${parts.arch}) ${sanitizeToken(parts.terminal)}${suffix(parts.originator, parts.version)}`

/** `NAME` and `VERSION_ID` of an os-release file (quotes removed); `A.B` versions read as `A.B.0`. */
export const parseOsRelease = (text: string): { readonly name: string; readonly version: string } | undefined => {
  const fields = new Map<string, string>()
  for (const line of text.split("\n")) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim())
    if (match !== null) fields.set(match[1]!, match[2]!.trim().replace(/^["']|["']$/g, ""))
  }
  const name = fields.get("NAME")
  let version = fields.get("VERSION_ID")
  if (name === undefined || name === "" || version === undefined || version === "") return undefined
  const twoPart = /^(\d+)\.(\d+)$/.exec(version)
  if (twoPart !== null) version = `${Number(twoPart[1])}.${Number(twoPart[2])}.0`
  return { name, version }
}

/** Node's architecture names, spelled the way `uname -m` does. */
export const machineName = (arch: string): string =>
  ({ x64: "x86_64", arm64: "aarch64", ia32: "i686", arm: "armv7l" } as Record<string, string>)[arch] ?? (arch === "" ? "unknown" : arch)

/** The terminal token outside tmux: `TERM`, else `unknown`. */
export const terminalName = (env: Environment): string => {
  const term = env.get("TERM")
  return term !== undefined && term.trim() !== "" ? term.trim() : "unknown"
}

/** How long `tmux display-message` may take before the token falls back to `TERM`. */
export const tmuxTimeout = Duration.seconds(2)

/**
 * The terminal of the tmux client, `tmux display-message -p "#{client_termname}"`, or undefined
 * when tmux is missing, fails, prints nothing or takes longer than `tmuxTimeout`. Without a
 * CommandExecutor in context tmux is not asked.
 */
export const tmuxTerminal = (env: Environment): Effect.Effect<string | undefined> =>
  Effect.flatMap(Effect.serviceOption(CommandExecutor.CommandExecutor), (executor) =>
    Option.match(executor, {
      onNone: () => Effect.succeed(undefined),
      onSome: (executor) =>
        Command.make("tmux", "display-message", "-p", "#{client_termname}").pipe(
          Command.env(env.all()),
          Command.string,
          Effect.provideService(CommandExecutor.CommandExecutor, executor),
          Effect.timeout(tmuxTimeout),
          Effect.map((output) => (output.trim() === "" ? undefined : output.trim())),
          Effect.orElseSucceed(() => undefined)
        )
    })
  )

/** The terminal token: under tmux (`TERM_PROGRAM=tmux`, any case) the tmux client's terminal, else `terminalName`. */
export const terminalToken = (env: Environment): Effect.Effect<string> =>
  Effect.gen(function* () {
    const program = env.get("TERM_PROGRAM")
    if (program !== undefined && program.trim().toLowerCase() === "tmux") {
      const tmux = yield* tmuxTerminal(env)
      if (tmux !== undefined) return tmux
    }
    return terminalName(env)
  })

/** Builds the user agent of this machine for an originator and a program version. */
export const detect = (originator: string, version: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const env = yield* Environment
    const release = yield* fs.readFileString("/etc/os-release").pipe(
      Effect.map(parseOsRelease),
      Effect.orElseSucceed(() => undefined)
    )
    return format({
      originator,
      version,
      osName: release?.name ?? os.type(),
      osVersion: release?.version ?? os.release(),
      arch: machineName(os.arch()),
      terminal: yield* terminalToken(env)
    })
  })
