/** ListDir: the `list_dir` tool, an indented listing of a local folder a few levels deep. */
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Schema } from "effect"
import * as NodePath from "node:path"
import { IntLike, TextLike } from "./Coercion.js"
import * as ListDirCore from "./files/ListDirCore.js"
import * as ReadableRoots from "./files/ReadableRoots.js"
import { failure, isMissing } from "./ReadFile.js"
import * as Tool from "./Tool.js"

export const NAME = "list_dir"
/** The most UTF-8 bytes one listing returns; a longer one ends at a whole line. */
export const MAX_OUTPUT_BYTES = 64 * 1024

export const Parameters = Schema.Struct({
  dir_path: Tool.requiredArgument(TextLike, { type: "string" }),
  offset: Tool.optionalArgument(IntLike, { type: "integer" }),
  limit: Tool.optionalArgument(IntLike, { type: "integer" }),
  depth: Tool.optionalArgument(IntLike, { type: "integer" })
}).annotations(Tool.openDeclaration)
export type Parameters = typeof Parameters.Type

export interface ListDirOptions {
  /** Folders reading is allowed in (default: everywhere). */
  readonly readableRoots?: ReadableRoots.ReadableRoots
}

/** The list_dir tool. */
export const make = (options: ListDirOptions = {}): Effect.Effect<Tool.Tool<Parameters>, never, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const roots = yield* ReadableRoots.resolveRoots(fs, options.readableRoots)
    return Tool.make({
      name: NAME,
      description: "Lists a local folder, indenting the entries of sub-folders and marking folders with /, " +
        "symbolic links with @ and other special files with ?.",
      parameters: Parameters,
      supportsParallel: true,
      handler: (args) =>
        Effect.gen(function*() {
          const dir = ReadableRoots.normalize(args.dir_path ?? "")
          const offset = args.offset ?? 1
          const limit = args.limit ?? 25
          const depth = args.depth ?? 2
          if (!NodePath.isAbsolute(dir)) return "Error: `dir_path` must be an absolute path."
          if (offset <= 0) return "Error: `offset` must be a 1-indexed entry number."
          if (limit <= 0) return "Error: `limit` must be greater than zero."
          if (depth <= 0) return "Error: `depth` must be greater than zero."
          const info = yield* fs.stat(dir).pipe(Effect.either)
          if (info._tag === "Left") {
            if (isMissing(info.left)) return `Error: \`${dir}\` does not exist.`
            return yield* failure(info.left)
          }
          if (info.right.type !== "Directory") return `Error: \`${dir}\` is not a directory.`
          const access = yield* ReadableRoots.check(fs, roots, dir)
          if ("refused" in access) return access.refused
          const walk = yield* ListDirCore.collect(fs, access.real, depth).pipe(Effect.mapError(failure))
          return ListDirCore.render(dir, walk.entries, walk.truncated, offset, limit, MAX_OUTPUT_BYTES)
        })
    })
  })
