/** TaskSpec: one line of a batch task file, and reading a whole file with errors that name the line. */
import { Data, Either, ParseResult, Schema } from "effect"

/** Task ids become file names (rollouts, worktrees): letters, digits and `._:@+-`, not starting with a dot. */
const ID_PATTERN = /^[A-Za-z0-9_:@+-][A-Za-z0-9._:@+-]{0,127}$/

/** A git repository to check out into a fresh worktree for each attempt. */
export const GitCheckout = Schema.Struct({
  /** A URL or a local path (relative paths are taken from the task file's folder). */
  url: Schema.String.pipe(Schema.minLength(1)),
  /** A branch, tag or commit (default `HEAD`). */
  ref: Schema.optional(Schema.String.pipe(Schema.minLength(1)))
})
export type GitCheckout = typeof GitCheckout.Type

export const TaskSpec = Schema.Struct({
  id: Schema.String.pipe(
    Schema.filter((id) => ID_PATTERN.test(id) || "ids use letters, digits and . _ : @ + - (at most 128, not starting with a dot)")
  ),
  prompt: Schema.String.pipe(Schema.filter((text) => text.trim() !== "" || "the prompt is empty")),
  /** Folder the task runs in (relative paths are taken from the task file's folder). */
  cwd: Schema.optional(Schema.String.pipe(Schema.minLength(1))),
  /** Either a bare URL/path (`repo` + optional `ref`) or `{url, ref}`. */
  repo: Schema.optional(Schema.Union(Schema.String.pipe(Schema.minLength(1)), GitCheckout)),
  ref: Schema.optional(Schema.String.pipe(Schema.minLength(1))),
  /** Config keys (dotted names reach into tables), as `-c` would set them. */
  config: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  timeout_seconds: Schema.optional(Schema.Number.pipe(Schema.positive(), Schema.finite()))
}).pipe(
  Schema.filter((task) => {
    if (task.cwd !== undefined && task.repo !== undefined) return "give either cwd or repo, not both"
    if (task.ref !== undefined && task.repo === undefined) return "ref needs a repo"
    if (task.ref !== undefined && typeof task.repo === "object") return "give ref either at the top or inside repo, not both"
    return true
  })
)
export type TaskSpec = typeof TaskSpec.Type

/** Where a task runs: the process's folder, a given folder, or a fresh checkout. */
export type Workspace =
  | { readonly _tag: "Inherit" }
  | { readonly _tag: "Folder"; readonly path: string }
  | { readonly _tag: "Git"; readonly url: string; readonly ref: string }

/** The workspace a task asks for. */
export const workspaceOf = (task: TaskSpec): Workspace => {
  if (task.cwd !== undefined) return { _tag: "Folder", path: task.cwd }
  if (task.repo === undefined) return { _tag: "Inherit" }
  if (typeof task.repo === "string") return { _tag: "Git", url: task.repo, ref: task.ref ?? "HEAD" }
  return { _tag: "Git", url: task.repo.url, ref: task.repo.ref ?? "HEAD" }
}

export class TaskFileError extends Data.TaggedError("TaskFileError")<{
  readonly path: string
  /** One message per bad line, `line N: …`. */
  readonly problems: ReadonlyArray<string>
}> {
  override get message() {
    const shown = this.problems.slice(0, 20)
    const more = this.problems.length > shown.length ? [`… and ${this.problems.length - shown.length} more`] : []
    return [`invalid task file ${this.path}:`, ...shown.map((p) => `  ${p}`), ...more].join("\n")
  }
}

const decode = Schema.decodeUnknownEither(TaskSpec, { errors: "all", onExcessProperty: "error" })

/** Compact one-line descriptions of a decoding failure. */
const describe = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ")

/**
 * Parses JSONL text: blank lines and lines starting with `#` are skipped; every other line must be a
 * task; ids must be unique. All problems are reported at once.
 */
export const parse = (path: string, text: string): Either.Either<ReadonlyArray<TaskSpec>, TaskFileError> => {
  const tasks: Array<TaskSpec> = []
  const problems: Array<string> = []
  const seen = new Map<string, number>()
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim()
    const number = index + 1
    if (line === "" || line.startsWith("#")) return
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch (cause) {
      problems.push(`line ${number}: not JSON (${cause instanceof Error ? cause.message : String(cause)})`)
      return
    }
    const result = decode(value)
    if (Either.isLeft(result)) {
      problems.push(`line ${number}: ${describe(result.left)}`)
      return
    }
    const first = seen.get(result.right.id)
    if (first !== undefined) {
      problems.push(`line ${number}: duplicate id "${result.right.id}" (first on line ${first})`)
      return
    }
    seen.set(result.right.id, number)
    tasks.push(result.right)
  })
  if (problems.length === 0 && tasks.length === 0) problems.push("no tasks")
  return problems.length > 0 ? Either.left(new TaskFileError({ path, problems })) : Either.right(tasks)
}

/** The task as stored, with keys in a fixed order, so a changed task can be told from the same one. */
export const canonical = (task: TaskSpec): string => JSON.stringify(sorted(task))

const sorted = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sorted)
  if (typeof value !== "object" || value === null) return value
  const record = value as Record<string, unknown>
  return Object.fromEntries(Object.keys(record).sort().map((key) => [key, sorted(record[key])]))
}
