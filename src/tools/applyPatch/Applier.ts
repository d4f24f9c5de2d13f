/** Applier: checks every operation of a patch against the files, then writes them all or none. */
import * as FileSystem from "@effect/platform/FileSystem"
import type { PlatformError } from "@effect/platform/Error"
import { Effect, Either, Option } from "effect"
import * as NodePath from "node:path"
import * as Matcher from "./Matcher.js"
import type { Operation } from "./Parser.js"
import * as PatchError from "./PatchError.js"
import * as Workspace from "./Workspace.js"

export type ChangeKind = "A" | "M" | "D"

/** One file the patch changed, as shown to the model. */
export interface Change {
  readonly kind: ChangeKind
  /** Relative to the workspace root, with `/` separators. */
  readonly path: string
}

/** What a path becomes: new text, or removed. */
type Planned = { readonly _tag: "Write"; readonly text: string } | { readonly _tag: "Remove" }

/** The checked outcome of a patch, before anything is written. */
export interface Plan {
  /** Real absolute path -> new state, in the order paths were first touched. */
  readonly files: ReadonlyMap<string, Planned>
  /** Real absolute path -> kind of change, in the order of the patch. */
  readonly changes: ReadonlyMap<string, ChangeKind>
  readonly workspace: Workspace.Workspace
}

const decoder = new TextDecoder("utf-8", { ignoreBOM: true })
const encoder = new TextEncoder()

/**
 * Runs every operation against an in-memory view of the files, in patch order, so later
 * operations see earlier ones. Nothing is written.
 */
export const plan = (
  operations: ReadonlyArray<Operation>,
  cwd: string,
  refuse?: Workspace.WriteRefusal
): Effect.Effect<Plan, PatchError.PatchError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const workspace = yield* Workspace.make(fs, cwd, refuse).pipe(Effect.mapError(PatchError.verification))
    const files = new Map<string, Planned>()
    const changes = new Map<string, ChangeKind>()

    const read = (path: string) =>
      Effect.gen(function*() {
        const planned = files.get(path)
        const failure = PatchError.verification(`Failed to read ${workspace.display(path)}`)
        if (planned !== undefined) {
          return planned._tag === "Write" ? planned.text : yield* Effect.fail(failure)
        }
        const info = yield* fs.stat(path).pipe(Effect.orElseFail(() => failure))
        if (info.type !== "File") return yield* Effect.fail(failure)
        const bytes = yield* fs.readFile(path).pipe(Effect.orElseFail(() => failure))
        return decoder.decode(bytes)
      })

    const refuseDirectory = (path: string) =>
      Effect.gen(function*() {
        if (files.has(path)) return
        const info = yield* fs.stat(path).pipe(Effect.option)
        if (Option.isSome(info) && info.value.type === "Directory") {
          return yield* Effect.fail(
            PatchError.verification(`Failed to write ${workspace.display(path)}: it is a directory`)
          )
        }
      })

    for (const operation of operations) {
      const path = yield* workspace.resolve(operation.path)
      switch (operation._tag) {
        case "Add": {
          yield* refuseDirectory(path)
          files.set(path, { _tag: "Write", text: operation.content })
          changes.set(path, "A")
          break
        }
        case "Delete": {
          yield* read(path)
          files.set(path, { _tag: "Remove" })
          changes.set(path, "D")
          break
        }
        case "Update": {
          const original = yield* read(path)
          const updated = Matcher.updateText(original, operation.sections)
          if (Either.isLeft(updated)) {
            return yield* Effect.fail(
              PatchError.verification(`Failed to find expected lines in ${workspace.display(path)}`)
            )
          }
          if (operation.moveTo === undefined) {
            files.set(path, { _tag: "Write", text: updated.right })
            changes.set(path, "M")
          } else {
            const destination = yield* workspace.resolve(operation.moveTo)
            yield* refuseDirectory(destination)
            files.set(path, { _tag: "Remove" })
            changes.delete(path)
            files.set(destination, { _tag: "Write", text: updated.right })
            changes.set(destination, "M")
          }
          break
        }
      }
    }
    return { files, changes, workspace }
  })

/** The error class a failed write is reported under. */
const errorName = (error: PlatformError): string => {
  if (error._tag !== "SystemError") return "OSError"
  switch (error.reason) {
    case "PermissionDenied":
      return "PermissionError"
    case "NotFound":
      return "FileNotFoundError"
    case "AlreadyExists":
      return "FileExistsError"
    default:
      return "OSError"
  }
}

/** What a path held before the patch: its bytes, or nothing. */
type Snapshot = { readonly _tag: "File"; readonly bytes: Uint8Array } | { readonly _tag: "Absent" }

/**
 * Writes a checked plan in order. If a write fails, the files already changed get back their
 * earlier content (folders created on the way stay) and the failure is reported.
 */
export const write = (checked: Plan): Effect.Effect<ReadonlyArray<Change>, PatchError.PatchWriteError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const done: Array<readonly [string, Snapshot]> = []
    const restore = () => Effect.forEach(
      [...done].reverse(),
      ([path, snapshot]) =>
        (snapshot._tag === "File" ? fs.writeFile(path, snapshot.bytes) : fs.remove(path)).pipe(Effect.ignore),
      { discard: true }
    )
    for (const [path, planned] of checked.files) {
      const snapshot: Snapshot = yield* fs.readFile(path).pipe(
        Effect.map((bytes): Snapshot => ({ _tag: "File", bytes })),
        Effect.orElseSucceed((): Snapshot => ({ _tag: "Absent" }))
      )
      const step = planned._tag === "Remove"
        ? snapshot._tag === "File" ? fs.remove(path) : Effect.void
        : fs.makeDirectory(NodePath.dirname(path), { recursive: true }).pipe(
          Effect.zipRight(fs.writeFile(path, encoder.encode(planned.text)))
        )
      const failed = yield* step.pipe(Effect.flip, Effect.option)
      done.push([path, snapshot])
      if (Option.isSome(failed)) {
        yield* restore()
        const error = failed.value
        return yield* Effect.fail(
          new PatchError.PatchWriteError({
            name: errorName(error),
            message: `cannot write ${checked.workspace.display(path)}: ${describe(error)}; no file was changed`
          })
        )
      }
    }
    return summarize(checked)
  })

const describe = (error: PlatformError): string =>
  error._tag === "SystemError" ? `${error.reason}${error.description ? ` (${error.description})` : ""}` : error.message

/** Compares texts by code point (not UTF-16 unit), so the order does not depend on the encoding. */
const byCodePoint = (a: string, b: string): number => {
  const left = [...a]
  const right = [...b]
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const d = left[i]!.codePointAt(0)! - right[i]!.codePointAt(0)!
    if (d !== 0) return d
  }
  return left.length - right.length
}

/** The changes in the order they are reported: added, then modified, then deleted, each by path. */
export const summarize = (checked: Plan): ReadonlyArray<Change> => {
  const all = [...checked.changes].map(([path, kind]) => ({ kind, path: checked.workspace.display(path) }))
  return (["A", "M", "D"] as const).flatMap((kind) =>
    all.filter((c) => c.kind === kind).sort((a, b) => byCodePoint(a.path, b.path))
  )
}

/** Checks then writes a parsed patch. */
export const apply = (operations: ReadonlyArray<Operation>, cwd: string, refuse?: Workspace.WriteRefusal) =>
  Effect.flatMap(plan(operations, cwd, refuse), write)
