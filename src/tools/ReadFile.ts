/** ReadFile: the `read_file` tool, numbered lines of a local file as a slice or as the indented block around a line. */
import * as FileSystem from "@effect/platform/FileSystem"
import type { PlatformError } from "@effect/platform/Error"
import { Effect, Schema } from "effect"
import * as NodePath from "node:path"
import { IntLike, TextLike, Truthy } from "./Coercion.js"
import * as Lines from "./files/Lines.js"
import * as ReadableRoots from "./files/ReadableRoots.js"
import * as ReadFileCore from "./files/ReadFileCore.js"
import * as Tool from "./Tool.js"

export const NAME = "read_file"
export const DEFAULT_LIMIT = 2000
/** The most UTF-8 bytes of numbered lines one call returns; longer reads end at a whole line. */
export const MAX_OUTPUT_BYTES = 128 * 1024

const Indentation = Schema.Struct({
  anchor_line: Tool.optionalArgument(IntLike, { type: "integer" }),
  max_levels: Tool.optionalArgument(IntLike, { type: "integer" }),
  include_siblings: Tool.optionalArgument(Truthy, { type: "boolean" }),
  include_header: Tool.optionalArgument(Truthy, { type: "boolean" }),
  max_lines: Tool.optionalArgument(IntLike, { type: "integer" })
}).annotations(Tool.openDeclaration)

/** `indentation` may also be `null`; it is declared as the object it describes. */
export const Parameters = Schema.Struct({
  file_path: Tool.requiredArgument(TextLike, { type: "string" }),
  offset: Tool.optionalArgument(IntLike, { type: "integer" }),
  limit: Tool.optionalArgument(IntLike, { type: "integer" }),
  mode: Tool.optionalArgument(TextLike, { type: "string" }),
  indentation: Tool.optionalArgument(Schema.NullOr(Indentation), Tool.parametersJsonSchema(Indentation))
}).annotations(Tool.openDeclaration)
export type Parameters = typeof Parameters.Type

/** Error names the model sees when the file system refuses. */
export const failure = (error: PlatformError): Tool.ToolFailure =>
  new Tool.ToolFailure({
    name: error._tag === "SystemError" && error.reason === "PermissionDenied" ? "PermissionError" : "OSError",
    message: error.message
  })

/** Whether a stat failure means "there is nothing at this path". */
export const isMissing = (error: PlatformError): boolean =>
  error._tag === "SystemError" && (error.reason === "NotFound" || error.reason === "BadResource")

export interface ReadFileOptions {
  /** Folders reading is allowed in (default: everywhere). */
  readonly readableRoots?: ReadableRoots.ReadableRoots
}

/** The read_file tool. */
export const make = (options: ReadFileOptions = {}): Effect.Effect<Tool.Tool<Parameters>, never, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const roots = yield* ReadableRoots.resolveRoots(fs, options.readableRoots)
    return Tool.make({
      name: NAME,
      description: "Reads a local text file and returns its lines numbered from 1: a range of lines, " +
        "or in indentation mode the code block around one line.",
      parameters: Parameters,
      supportsParallel: true,
      handler: (args) =>
        Effect.gen(function*() {
          const given = args.file_path ?? ""
          const offset = args.offset ?? 1
          const limit = args.limit ?? DEFAULT_LIMIT
          if (!NodePath.isAbsolute(given)) return "Error: `file_path` must be an absolute path."
          if (offset <= 0) return "Error: `offset` must be a 1-indexed line number."
          if (limit <= 0) return "Error: `limit` must be greater than zero."
          const path = ReadableRoots.normalize(given)
          const info = yield* fs.stat(path).pipe(Effect.either)
          if (info._tag === "Left") {
            if (isMissing(info.left)) return `Error: \`${path}\` does not exist.`
            return yield* failure(info.left)
          }
          if (info.right.type !== "File") return `Error: \`${path}\` is not a file.`
          const access = yield* ReadableRoots.check(fs, roots, path)
          if ("refused" in access) return access.refused
          if (args.mode !== "indentation") {
            const read = yield* Lines.readLines(fs, access.real, offset - 1 + limit).pipe(Effect.mapError(failure))
            const shown = ReadFileCore.slice(read.lines, offset, limit)
            return typeof shown === "string" ? shown : ReadFileCore.render(shown, MAX_OUTPUT_BYTES)
          }
          const indentation = args.indentation ?? {}
          const maxLines = indentation.max_lines ?? limit
          const anchorLine = indentation.anchor_line ?? offset
          const span = Math.max(anchorLine, 1) + Math.max(Math.min(limit, maxLines > 0 ? maxLines : limit), 1)
          const read = yield* Lines.readLines(fs, access.real, span).pipe(Effect.mapError(failure))
          const block = ReadFileCore.indentationBlock(
            read.lines,
            read.complete ? read.lines.length : Number.MAX_SAFE_INTEGER,
            limit,
            {
              anchorLine,
              maxLevels: indentation.max_levels ?? 0,
              includeSiblings: indentation.include_siblings ?? false,
              includeHeader: indentation.include_header ?? true,
              maxLines
            }
          )
          return typeof block === "string" ? block : ReadFileCore.render(block, MAX_OUTPUT_BYTES)
        })
    })
  })
