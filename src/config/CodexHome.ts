/** CodexHome: where the Codex home folder (config.toml, .env, sessions/, AGENTS.md, skills/) is. */
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect } from "effect"
import * as NodeOs from "node:os"
import * as NodePath from "node:path"
import { Environment } from "./Environment.js"

/** The resolved home and config file. */
export interface Location {
  /** Absolute folder holding config.toml, `.env`, sessions/ and the home AGENTS.md. */
  readonly codexHome: string
  /** Absolute path of the config file (it may not exist). */
  readonly configPath: string
  /** Whether the config file was named explicitly (`--config`). */
  readonly explicit: boolean
}

/** The user's home folder: `$HOME`, else what the operating system reports. */
export const userHome = (env: Environment): string => {
  const home = env.get("HOME")?.trim()
  return home !== undefined && home !== "" ? home : NodeOs.homedir()
}

/** Expands a leading `~` (alone or followed by a slash) to the user's home folder. */
export const expandHome = (path: string, env: Environment): string =>
  path === "~" ? userHome(env) : path.startsWith("~/") ? NodePath.join(userHome(env), path.slice(2)) : path

/** An absolute path with symbolic links resolved when the target exists. */
const canonical = (path: string) =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => fs.realPath(path).pipe(Effect.orElseSucceed(() => path)))

/**
 * Resolves the home: `configPath` (then the home is its folder), else `$CODEX_HOME` (trimmed, `~`
 * expanded, relative to the working directory), else `~/.codex`.
 */
export const resolve = (options: { readonly configPath?: string | undefined } = {}) =>
  Effect.gen(function* () {
    const env = yield* Environment
    const given = options.configPath?.trim()
    if (given !== undefined && given !== "") {
      const absolute = NodePath.resolve(expandHome(given, env))
      const codexHome = yield* canonical(NodePath.dirname(absolute))
      return { codexHome, configPath: NodePath.join(codexHome, NodePath.basename(absolute)), explicit: true } satisfies Location
    }
    const fromEnv = env.get("CODEX_HOME")?.trim()
    const folder = fromEnv !== undefined && fromEnv !== "" ? expandHome(fromEnv, env) : NodePath.join(userHome(env), ".codex")
    const codexHome = yield* canonical(NodePath.resolve(folder))
    return { codexHome, configPath: NodePath.join(codexHome, "config.toml"), explicit: false } satisfies Location
  })
