/** ToolDeclarations: the fixed wire declarations of the exec-mode tools, read from prompts/exec_tools.json. */
import * as FileSystem from "@effect/platform/FileSystem"
import { Data, Effect, ParseResult, Schema } from "effect"
import * as NodePath from "node:path"
import { fileURLToPath } from "node:url"
import type * as Tool from "./Tool.js"

/** File name of the declarations inside the prompts folder. */
export const DECLARATIONS_FILE = "exec_tools.json"

export class ToolDeclarationError extends Data.TaggedError("ToolDeclarationError")<{
  readonly reason: "NotFound" | "Io" | "Decode"
  readonly message: string
}> {}

/** The declarations in file order, and indexed by tool name (`web_search` entries by their type). */
export interface ToolDeclarations {
  readonly path: string
  readonly entries: ReadonlyArray<Readonly<Record<string, unknown>>>
  readonly byName: ReadonlyMap<string, Readonly<Record<string, unknown>>>
}

const DeclarationFile = Schema.parseJson(Schema.Array(Schema.Record({ key: Schema.String, value: Schema.Unknown })))
const decodeFile = Schema.decodeUnknownEither(DeclarationFile)

/** Builds the index: named entries by name, an unnamed `web_search` entry as `web_search`, others skipped. */
export const index = (
  path: string,
  entries: ReadonlyArray<Readonly<Record<string, unknown>>>
): ToolDeclarations => {
  const byName = new Map<string, Readonly<Record<string, unknown>>>()
  for (const entry of entries) {
    if (typeof entry.name === "string") byName.set(entry.name, entry)
    else if (entry.type === "web_search") byName.set("web_search", entry)
  }
  return { path, entries, byName }
}

/** Parses the text of a declarations file. */
export const parse = (path: string, text: string): Effect.Effect<ToolDeclarations, ToolDeclarationError> =>
  decodeFile(text).pipe(
    Effect.mapError((error) =>
      new ToolDeclarationError({
        reason: "Decode",
        message: `invalid tool declarations in ${path}: ${ParseResult.TreeFormatter.formatErrorSync(error)}`
      })
    ),
    Effect.map((entries) => index(path, entries))
  )

/**
 * Folders that may hold the declarations: the package's prompts/ folder sits two levels above this
 * module in the sources (src/tools/) and one level above the bundle (dist/).
 */
export const candidateDirs = (moduleUrl: string = import.meta.url): ReadonlyArray<string> => {
  const here = NodePath.dirname(fileURLToPath(moduleUrl))
  return [NodePath.resolve(here, "..", "..", "prompts"), NodePath.resolve(here, "..", "prompts")]
}

/** The declarations file: inside `dir` when given, else in the first candidate folder that has one. */
export const locate = (dir?: string): Effect.Effect<string, ToolDeclarationError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    if (dir !== undefined) return NodePath.resolve(dir, DECLARATIONS_FILE)
    const fs = yield* FileSystem.FileSystem
    const candidates = candidateDirs().map((candidate) => NodePath.join(candidate, DECLARATIONS_FILE))
    for (const candidate of candidates) {
      if (yield* fs.exists(candidate).pipe(Effect.orElseSucceed(() => false))) return candidate
    }
    return yield* new ToolDeclarationError({
      reason: "NotFound",
      message: `tool declarations not found (looked for ${candidates.join(", ")})`
    })
  })

/** Reads and indexes the declarations of `dir` (or of the package's prompts folder). */
export const load = (dir?: string): Effect.Effect<ToolDeclarations, ToolDeclarationError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* locate(dir)
    const text = yield* fs.readFileString(path).pipe(
      Effect.mapError((cause) => new ToolDeclarationError({ reason: "Io", message: `cannot read ${path}: ${cause.message}` }))
    )
    return yield* parse(path, text)
  })

/** The tool with its fixed declaration attached as `rawPayload`, when the file has one for its name. */
export const attach = <A>(declarations: ToolDeclarations, tool: Tool.Tool<A>): Tool.Tool<A> => {
  const entry = declarations.byName.get(tool.name)
  return entry === undefined ? tool : { ...tool, rawPayload: structuredClone(entry) as Record<string, unknown> }
}
