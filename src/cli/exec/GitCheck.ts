/** GitCheck: whether `tscodex exec` may run in a folder — inside a git work tree, or a project marked trusted in config.toml. */
import { Effect } from "effect"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import type { Environment } from "../../config/Environment.js"

/** Codex's words when it refuses (exit status 1). */
export const UNTRUSTED_MESSAGE = "Not inside a trusted directory and --skip-git-repo-check was not specified."

/**
 * The folder holding `.git` at or above `dir`, as Codex finds it (a `.git` file or folder is
 * enough). Folders listed in `GIT_CEILING_DIRECTORIES` stop the search, as they stop git.
 */
export const gitRoot = (dir: string, ceilings: ReadonlyArray<string> = []): string | undefined => {
  let current = NodePath.resolve(dir)
  const stops = new Set(ceilings.filter((c) => c !== "").map((c) => NodePath.resolve(c)))
  while (true) {
    if (NodeFs.existsSync(NodePath.join(current, ".git"))) return current
    const parent = NodePath.dirname(current)
    if (parent === current || stops.has(parent)) return undefined
    current = parent
  }
}

/** `[projects."<dir>"] trust_level = "trusted"` for the folder or one above it. */
export const trustedProject = (dir: string, config: Readonly<Record<string, unknown>>): boolean => {
  const projects = config["projects"]
  if (typeof projects !== "object" || projects === null) return false
  const resolved = NodePath.resolve(dir)
  return Object.entries(projects as Record<string, unknown>).some(([path, entry]) => {
    const level = (entry as { trust_level?: unknown } | null)?.trust_level
    const root = NodePath.resolve(path)
    return level === "trusted" && (resolved === root || resolved.startsWith(root + NodePath.sep))
  })
}

/** True when exec may run in `dir` without `--skip-git-repo-check`. */
export const isTrusted = (dir: string, config: Readonly<Record<string, unknown>>, env: Environment): Effect.Effect<boolean> =>
  Effect.sync(() =>
    trustedProject(dir, config) || gitRoot(dir, (env.get("GIT_CEILING_DIRECTORIES") ?? "").split(":")) !== undefined
  )
