/** AgentsMd: the AGENTS.md chain (user and home instructions, then project docs from repo root to cwd). */
import type * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Option } from "effect"
import * as NodePath from "node:path"
import { isRegularFile, normalizeText, readTextIfReadable, realPathOr } from "./internal/files.js"

/** File names looked for in each folder, the override first. */
export const DOC_NAMES = ["AGENTS.override.md", "AGENTS.md"] as const

/** Separates user and home instructions from the project docs. */
export const PROJECT_DOC_SEPARATOR = "\n\n--- project-doc ---\n\n"

/** `$CODEX_HOME/AGENTS.override.md`, else `$CODEX_HOME/AGENTS.md`: the first that is not blank, stripped. */
export const homeInstructions = (fs: FileSystem.FileSystem, codexHome: string): Effect.Effect<Option.Option<string>> =>
  Effect.gen(function* () {
    for (const name of DOC_NAMES) {
      const text = normalizeText(Option.getOrUndefined(yield* readTextIfReadable(fs, NodePath.join(codexHome, name))))
      if (text !== undefined) return Option.some(text)
    }
    return Option.none()
  })

/** The nearest folder among `cwd` and its parents that holds a `.git` entry, else `cwd`. */
export const projectRoot = (fs: FileSystem.FileSystem, cwd: string): Effect.Effect<string> =>
  Effect.gen(function* () {
    let dir = cwd
    for (;;) {
      const found = yield* fs.exists(NodePath.join(dir, ".git")).pipe(Effect.orElseSucceed(() => false))
      if (found) return dir
      const parent = NodePath.dirname(dir)
      if (parent === dir) return cwd
      dir = parent
    }
  })

/** Folders from `root` down to `cwd`, root first. */
const chain = (root: string, cwd: string): ReadonlyArray<string> => {
  const relative = NodePath.relative(root, cwd)
  if (relative === "" || relative.startsWith("..")) return [cwd]
  const dirs = [root]
  for (const part of relative.split(NodePath.sep)) dirs.push(NodePath.join(dirs[dirs.length - 1]!, part))
  return dirs
}

/** Cuts `text` to at most `maxBytes` of UTF-8, dropping a character that would be split. */
export const truncateUtf8 = (text: string, maxBytes: number): string => {
  const bytes = new TextEncoder().encode(text)
  if (bytes.length <= maxBytes) return text
  let end = Math.max(maxBytes, 0)
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--
  return new TextDecoder().decode(bytes.subarray(0, end))
}

/**
 * Project docs from the project root down to `cwd`: per folder the override, else AGENTS.md (each
 * file once); blank or unreadable files are skipped; `maxBytes` caps their total UTF-8 size.
 */
export const projectDocs = (
  fs: FileSystem.FileSystem,
  cwd: string,
  maxBytes: number | undefined
): Effect.Effect<Option.Option<string>> =>
  Effect.gen(function* () {
    const root = yield* projectRoot(fs, cwd)
    const taken = new Set<string>()
    const docs: Array<string> = []
    let remaining = maxBytes
    for (const dir of chain(root, cwd)) {
      let chosen: string | undefined
      for (const name of DOC_NAMES) {
        const path = NodePath.join(dir, name)
        if (!(yield* isRegularFile(fs, path))) continue
        const resolved = yield* realPathOr(fs, path)
        if (taken.has(resolved)) continue
        taken.add(resolved)
        chosen = path
        break
      }
      if (chosen === undefined) continue
      const text = yield* readTextIfReadable(fs, chosen)
      if (Option.isNone(text)) {
        yield* Effect.logDebug(`skipping unreadable ${chosen}`)
        continue
      }
      if (text.value.trim() === "") continue
      if (remaining === undefined) {
        docs.push(text.value)
        continue
      }
      if (remaining <= 0) break
      docs.push(truncateUtf8(text.value, remaining))
      remaining -= Math.min(new TextEncoder().encode(text.value).length, remaining)
    }
    return docs.length === 0 ? Option.none() : Option.some(docs.join("\n\n"))
  })

/** User instructions, home instructions and project docs merged into one text; `None` when all are absent. */
export const mergeInstructions = (parts: {
  readonly userInstructions: string | undefined
  readonly homeInstructions: string | undefined
  readonly projectDocs: string | undefined
}): Option.Option<string> => {
  const prefix = [parts.userInstructions, parts.homeInstructions].filter((p): p is string => p !== undefined).join("\n\n")
  if (parts.projectDocs !== undefined) {
    return Option.some(prefix === "" ? parts.projectDocs : prefix + PROJECT_DOC_SEPARATOR + parts.projectDocs)
  }
  return prefix === "" ? Option.none() : Option.some(prefix)
}

/** The AGENTS block of the contextual user message. */
export const block = (cwd: string, instructions: string): string =>
  `# AGENTS.md instructions for ${cwd}\n\n<INSTRUCTIONS>\n${instructions}\n</INSTRUCTIONS>`
