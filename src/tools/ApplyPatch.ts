/** ApplyPatch: the `apply_patch` tool, which adds, deletes, updates and moves files inside the workspace. */
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Either, Option } from "effect"
import * as NodePath from "node:path"
import * as Applier from "./applyPatch/Applier.js"
import * as Parser from "./applyPatch/Parser.js"
import type * as Workspace from "./applyPatch/Workspace.js"
import * as Sandbox from "../sandbox/Sandbox.js"
import * as Tool from "./Tool.js"

export const NAME = "apply_patch"

/** The Lark grammar of the patch format, as declared to the model. */
export const GRAMMAR = [
  "start: \"*** Begin Patch\" NL file_op+ \"*** End Patch\" NL?",
  "",
  "file_op: add_file | delete_file | update_file",
  "",
  "add_file: \"*** Add File: \" path NL added_line+",
  "added_line: \"+\" TEXT? NL",
  "",
  "delete_file: \"*** Delete File: \" path NL",
  "",
  "update_file: \"*** Update File: \" path NL rename? edit_block?",
  "rename: \"*** Move to: \" path NL",
  "edit_block: (hunk_header | edit_line)+ end_of_file?",
  "hunk_header: \"@@\" (\" \" TEXT)? NL",
  "edit_line: EDIT_MARK TEXT? NL",
  "end_of_file: \"*** End of File\" NL",
  "",
  "path: TEXT",
  "EDIT_MARK: /[ +-]/",
  "TEXT: /[^\\n]+/",
  "NL: \"\\n\"",
  ""
].join("\n")

export const DESCRIPTION =
  "Edits files with a patch in the apply_patch format. This is a FREEFORM tool: send the patch text itself, never JSON."

/** The text the model reads: an exit code, a fixed wall time, then the outcome. */
export const render = (exitCode: 0 | 1, body: string): string =>
  `Exit code: ${exitCode}\nWall time: 0 seconds\nOutput:\n${body}`

/** `Success:` and one ` <kind> <path>` per changed file, on one line. */
export const successBody = (changes: ReadonlyArray<Applier.Change>): string =>
  `Success:${changes.map((change) => ` ${change.kind} ${change.path}`).join("")}\n`

/**
 * Parses and applies one patch in `cwd`. Patches that do not parse or do not fit the files give
 * an exit code 1 text; a write that fails after checking is a ToolFailure (and is undone).
 */
export const run = (
  input: string,
  cwd: string,
  refuse?: Workspace.WriteRefusal
): Effect.Effect<string, Tool.ToolFailure, FileSystem.FileSystem> => {
  const operations = Parser.parse(input)
  if (Either.isLeft(operations)) return Effect.succeed(render(1, operations.left.message))
  return Applier.apply(operations.right, cwd, refuse).pipe(
    Effect.map((changes) => render(0, successBody(changes))),
    Effect.catchTags({
      PatchError: (error) => Effect.succeed(render(1, error.message)),
      PatchWriteError: (error) => Effect.fail(new Tool.ToolFailure({ name: error.name, message: error.message }))
    })
  )
}

/** Why a write is refused in a turn (what the user granted for that turn counts), or undefined. */
export type TurnWriteRefusal = Sandbox.Sandbox["writeRefusal"]

/** The apply_patch tool over `fs`, working in `cwd` (writes also checked by `refuse`), with its own declaration. */
export const tool = (fs: FileSystem.FileSystem, cwd: string, refuse?: TurnWriteRefusal): Tool.Tool<string> =>
  Tool.makeCustom({
    name: NAME,
    description: DESCRIPTION,
    format: { type: "grammar", syntax: "lark", definition: GRAMMAR },
    handler: (input, context) =>
      run(input, cwd, refuse === undefined ? undefined : (path) => refuse(path, context.turnId)).pipe(
        Effect.provideService(FileSystem.FileSystem, fs)
      )
  })

export interface ApplyPatchOptions {
  /** The workspace root: relative paths start here and nothing outside it is written (default: the process's current directory). */
  readonly cwd?: string
  /** The sandbox policy writes must also obey (default: the Sandbox service when the context has one). */
  readonly writeRefusal?: TurnWriteRefusal
}

/** The apply_patch tool of the context's file system (and Sandbox, when there is one). Not parallel. */
export const make = (
  options: ApplyPatchOptions = {}
): Effect.Effect<Tool.Tool<string>, never, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const refuse = options.writeRefusal ??
      Option.getOrUndefined(Option.map(yield* Effect.serviceOption(Sandbox.Sandbox), (sandbox) => sandbox.writeRefusal))
    return tool(fs, NodePath.resolve(options.cwd ?? process.cwd()), refuse)
  })
