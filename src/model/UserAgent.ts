/** UserAgent: the `user-agent` header value, `<originator>/<version> (<os> <os version>; <arch>) <terminal><suffix>`. */
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect } from "effect"
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

/** The terminal token: `TERM` (also under tmux), else `unknown`. */
export const terminalName = (env: Environment): string => {
  const term = env.get("TERM")
  return term !== undefined && term.trim() !== "" ? term.trim() : "unknown"
}

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
      terminal: terminalName(env)
    })
  })
