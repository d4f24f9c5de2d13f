/**
 * ResultsFile: `results.jsonl`, one line per finished task. The ids already in the file are read
 * first, so a line is appended only for a task that has none: the file never holds two lines for a
 * task, and catching up from the store after a crash loses none.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import { Data, Effect } from "effect"

export class ResultsFileError extends Data.TaggedError("ResultsFileError")<{
  readonly path: string
  readonly detail: string
  readonly cause?: unknown
}> {
  override get message() {
    return `${this.path}: ${this.detail}`
  }
}

export interface ResultsFile {
  readonly path: string
  /** Appends the line unless the task already has one; true when it was written. */
  readonly append: (id: string, line: string) => Effect.Effect<boolean, ResultsFileError>
  /** Ids with a line in the file. */
  readonly written: Effect.Effect<ReadonlySet<string>>
}

const idOf = (line: string): string | undefined => {
  try {
    const value = JSON.parse(line) as unknown
    if (typeof value === "object" && value !== null && typeof (value as { id?: unknown }).id === "string") {
      return (value as { id: string }).id
    }
  } catch {
    // reported by the caller
  }
  return undefined
}

/**
 * Opens the file (created when missing). A last line cut short by a kill is removed, since its
 * task's result is still in the store and is written again; any other line that is not a result is
 * an error, and the file is left as it is.
 */
export const open = (path: string): Effect.Effect<ResultsFile, ResultsFileError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const fail = (detail: string) => (cause: unknown) => new ResultsFileError({ path, detail, cause })
    const text = (yield* fs.exists(path).pipe(Effect.mapError(fail("cannot read")))) ?
      yield* fs.readFileString(path).pipe(Effect.mapError(fail("cannot read"))) :
      ""
    const complete = text.endsWith("\n") || text === "" ? text : text.slice(0, text.lastIndexOf("\n") + 1)
    const written = new Set<string>()
    const lines = complete.split("\n").slice(0, -1)
    for (const [index, line] of lines.entries()) {
      const id = idOf(line)
      if (id === undefined) {
        return yield* new ResultsFileError({ path, detail: `line ${index + 1} is not a task result; move the file away or fix the line` })
      }
      written.add(id)
    }
    if (complete.length !== text.length) {
      yield* fs.truncate(path, new TextEncoder().encode(complete).length).pipe(Effect.mapError(fail("cannot remove a cut-off last line")))
    } else if (text === "") {
      yield* fs.writeFileString(path, "", { flag: "a" }).pipe(Effect.mapError(fail("cannot create")))
    }
    const lock = yield* Effect.makeSemaphore(1)
    return {
      path,
      written: Effect.sync(() => new Set(written)),
      append: (id, line) =>
        lock.withPermits(1)(
          Effect.suspend(() => {
            if (written.has(id)) return Effect.succeed(false)
            return fs.writeFileString(path, line.endsWith("\n") ? line : line + "\n", { flag: "a" }).pipe(
              Effect.mapError(fail(`cannot append the result of ${id}`)),
              Effect.tap(() => Effect.sync(() => written.add(id))),
              Effect.as(true)
            )
          })
        )
    }
  })
