/** Prompts: finds the package's prompts/ folder and reads the prompt texts kept there as data. */
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect } from "effect"
import * as NodePath from "node:path"
import { fileURLToPath } from "node:url"
import { ContextError } from "./ContextManager.js"
import { decodeLossy } from "./internal/files.js"

/** The prompt texts of one prompts/ folder. */
export interface Prompts {
  /** Absolute path of the folder. */
  readonly dir: string
  /** A prompt file (path relative to the folder), trailing whitespace removed; a missing file is an error. */
  readonly text: (name: string) => Effect.Effect<string, ContextError>
}

/** File name of the model catalog; its presence marks a prompts/ folder. */
export const CATALOG_FILE = "models.json"

/**
 * Folders that may hold the prompts: the package root sits two levels above this module in the
 * sources (src/context/), one above the bundle (dist/) and three above the library build
 * (dist/lib/context/).
 */
export const candidateDirs = (moduleUrl: string = import.meta.url): ReadonlyArray<string> => {
  const here = NodePath.dirname(fileURLToPath(moduleUrl))
  return [
    NodePath.resolve(here, "..", "..", "prompts"),
    NodePath.resolve(here, "..", "prompts"),
    NodePath.resolve(here, "..", "..", "..", "prompts")
  ]
}

/** The prompts/ folder: `dir` when given, else the first candidate holding a model catalog. */
export const locate = (dir?: string): Effect.Effect<string, ContextError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    if (dir !== undefined) return NodePath.resolve(dir)
    const fs = yield* FileSystem.FileSystem
    const candidates = candidateDirs()
    for (const candidate of candidates) {
      const found = yield* fs.exists(NodePath.join(candidate, CATALOG_FILE)).pipe(Effect.orElseSucceed(() => false))
      if (found) return candidate
    }
    return yield* new ContextError({
      reason: "Io",
      message: `prompt files not found (looked for ${CATALOG_FILE} in ${candidates.join(", ")})`
    })
  })

/** Prompt texts read from `dir` (or the located package folder). */
export const make = (dir?: string): Effect.Effect<Prompts, ContextError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const root = yield* locate(dir)
    const text = (name: string) =>
      fs.readFile(NodePath.join(root, name)).pipe(
        Effect.map((bytes) => decodeLossy(bytes).trimEnd()),
        Effect.mapError((cause) =>
          new ContextError({ reason: "Io", message: `cannot read prompt file ${NodePath.join(root, name)}: ${cause.message}` })
        )
      )
    return { dir: root, text }
  })

/** The instruction sent as the last user message of a compaction request. */
export const compactPrompt = (dir?: string): Effect.Effect<string, ContextError, FileSystem.FileSystem> =>
  Effect.flatMap(make(dir), (prompts) => prompts.text("compact_prompt.md"))

/** The first line of a summary message; the summary follows after a newline. */
export const summaryPrefix = (dir?: string): Effect.Effect<string, ContextError, FileSystem.FileSystem> =>
  Effect.flatMap(make(dir), (prompts) => prompts.text("summary_prefix.md"))
