/** GrepFiles: the `grep_files` tool, the files whose contents match a pattern, newest first. */
import * as CommandExecutor from "@effect/platform/CommandExecutor"
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Schema } from "effect"
import * as NodePath from "node:path"
import { IntLike, TextLike } from "./Coercion.js"
import * as GrepFallback from "./files/GrepFallback.js"
import * as ReadableRoots from "./files/ReadableRoots.js"
import * as Ripgrep from "./files/Ripgrep.js"
import { failure } from "./ReadFile.js"
import * as Tool from "./Tool.js"

export const NAME = "grep_files"
export const DEFAULT_LIMIT = 100
export const MAX_LIMIT = 2000

export const Parameters = Schema.Struct({
  pattern: Tool.requiredArgument(TextLike, { type: "string" }),
  include: Tool.optionalArgument(TextLike, { type: "string" }),
  path: Tool.optionalArgument(TextLike, { type: "string" }),
  limit: Tool.optionalArgument(IntLike, { type: "integer" })
}).annotations(Tool.openDeclaration)
export type Parameters = typeof Parameters.Type

export interface GrepFilesOptions {
  /** Folder relative paths start from, and where ripgrep runs (default: the current directory). */
  readonly cwd?: string
  /** Folders reading is allowed in (default: everywhere). */
  readonly readableRoots?: ReadableRoots.ReadableRoots
  /** The ripgrep program, or `false` to always use the built-in search (default: `rg` from PATH). */
  readonly ripgrep?: string | false
}

/** The grep_files tool. */
export const make = (
  options: GrepFilesOptions = {}
): Effect.Effect<Tool.Tool<Parameters>, never, FileSystem.FileSystem | CommandExecutor.CommandExecutor> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const executor = yield* CommandExecutor.CommandExecutor
    const cwd = options.cwd ?? process.cwd()
    const roots = yield* ReadableRoots.resolveRoots(fs, options.readableRoots)
    const program = options.ripgrep ?? "rg"
    const builtIn = (pattern: string, include: string | undefined, path: string, limit: number) =>
      Effect.gen(function*() {
        const regex = GrepFallback.compilePattern(pattern)
        if (typeof regex === "string") return regex
        const files = yield* GrepFallback.search(fs, { regex, path, include, limit }).pipe(Effect.mapError(failure))
        return files.length === 0 ? "No matches found." : files.join("\n")
      })
    return Tool.make({
      name: NAME,
      description: "Lists the files whose contents match a regular expression, most recently modified first.",
      parameters: Parameters,
      supportsParallel: true,
      handler: (args) =>
        Effect.gen(function*() {
          const pattern = (args.pattern ?? "").trim()
          const include = (args.include ?? "").trim() || undefined
          const limit = Math.min(args.limit ?? DEFAULT_LIMIT, MAX_LIMIT)
          const given = args.path ?? ""
          const path = given === "" ? cwd : NodePath.resolve(cwd, given)
          if (pattern === "") return "Error: `pattern` must not be empty."
          if (limit <= 0) return "Error: `limit` must be greater than zero."
          const resolved = yield* fs.realPath(path).pipe(Effect.option)
          if (resolved._tag === "None") return `Error: unable to access \`${path}\`.`
          if (!ReadableRoots.allows(roots, resolved.value)) return ReadableRoots.refusal(path)
          if (program === false) return yield* builtIn(pattern, include, resolved.value, limit)
          return yield* Ripgrep.run({ program, pattern, include, path: resolved.value, cwd, limit }).pipe(
            Effect.provideService(CommandExecutor.CommandExecutor, executor),
            Effect.catchTag("RipgrepMissing", () => builtIn(pattern, include, resolved.value, limit))
          )
        })
    })
  })
