/** ListDirCore: list_dir's breadth-first walk of a folder and the indented listing it prints. */
import * as FileSystem from "@effect/platform/FileSystem"
import type { PlatformError } from "@effect/platform/Error"
import { Effect } from "effect"
import * as NodePath from "node:path"

/** Characters shown of an entry name (and compared of a relative path when sorting). */
export const MAX_NAME_CHARS = 500
/** The most entries one walk collects; a bigger tree is listed from its first entries. */
export const MAX_COLLECTED = 20_000

export type EntryKind = "directory" | "file" | "symlink" | "other"

export interface Entry {
  /** POSIX path relative to the listed folder. */
  readonly relative: string
  readonly name: string
  /** Depth below the listed folder: 0 for its own children. */
  readonly level: number
  readonly kind: EntryKind
}

const SUFFIX: Record<EntryKind, string> = { directory: "/", file: "", symlink: "@", other: "?" }

/** Compares by Unicode code point (not UTF-16 unit), as the listing is ordered. */
export const compareCodePoints = (a: string, b: string): number => {
  const left = a[Symbol.iterator]()
  const right = b[Symbol.iterator]()
  for (;;) {
    const x = left.next()
    const y = right.next()
    if (x.done === true) return y.done === true ? 0 : -1
    if (y.done === true) return 1
    const diff = x.value.codePointAt(0)! - y.value.codePointAt(0)!
    if (diff !== 0) return diff
  }
}

const cut = (text: string): string => Array.from(text).slice(0, MAX_NAME_CHARS).join("")

const kindOf = (info: FileSystem.File.Info): EntryKind =>
  info.type === "SymbolicLink" ? "symlink" : info.type === "Directory" ? "directory" : info.type === "File" ? "file" : "other"

/**
 * Entries below `root` down to `depth` levels, breadth first, symbolic links never followed, then
 * sorted by relative path. `truncated` tells that the walk stopped at `MAX_COLLECTED`.
 */
export const collect = (
  fs: FileSystem.FileSystem,
  root: string,
  depth: number
): Effect.Effect<{ readonly entries: ReadonlyArray<Entry>; readonly truncated: boolean }, PlatformError> =>
  Effect.gen(function*() {
    const entries: Array<Entry> = []
    const queue: Array<{ readonly path: string; readonly relative: string; readonly remaining: number }> = [
      { path: root, relative: "", remaining: depth }
    ]
    let truncated = false
    while (queue.length > 0 && !truncated) {
      const { path, relative, remaining } = queue.shift()!
      const level = relative === "" ? 0 : relative.split("/").length
      const names = yield* fs.readDirectory(path)
      for (const name of names) {
        if (entries.length >= MAX_COLLECTED) {
          truncated = true
          break
        }
        const childPath = NodePath.join(path, name)
        const childRelative = relative === "" ? name : `${relative}/${name}`
        const kind = yield* kindAt(fs, childPath)
        entries.push({ relative: childRelative, name: cut(name), level, kind })
        if (kind === "directory" && remaining > 1) queue.push({ path: childPath, relative: childRelative, remaining: remaining - 1 })
      }
    }
    const keyed = entries.map((entry) => ({ entry, key: cut(entry.relative) }))
    keyed.sort((a, b) => compareCodePoints(a.key, b.key))
    return { entries: keyed.map((k) => k.entry), truncated }
  })

/** The kind of a path without following a final symbolic link. */
const kindAt = (fs: FileSystem.FileSystem, path: string): Effect.Effect<EntryKind> =>
  fs.readLink(path).pipe(
    Effect.as<EntryKind>("symlink"),
    Effect.orElse(() => Effect.map(fs.stat(path), kindOf)),
    Effect.orElseSucceed((): EntryKind => "other")
  )

/** One listing line: two spaces per level, the name, and `/`, `@` or `?` by kind. */
export const formatEntry = (entry: Entry): string => `${"  ".repeat(entry.level)}${entry.name}${SUFFIX[entry.kind]}`

/**
 * The listing text for entries `offset … offset+limit-1` (1-based), or the error text when the
 * offset is past the end. Output stops at a whole line once `maxBytes` would be passed.
 */
export const render = (
  dir: string,
  entries: ReadonlyArray<Entry>,
  truncated: boolean,
  offset: number,
  limit: number,
  maxBytes: number
): string => {
  const header = `Absolute path: ${dir}`
  if (entries.length === 0) return header
  if (offset - 1 >= entries.length) return "Error: `offset` exceeds directory entry count."
  const lines = [header]
  let bytes = Buffer.byteLength(header, "utf8")
  const window = entries.slice(offset - 1, offset - 1 + limit)
  let shown = 0
  for (const entry of window) {
    const line = formatEntry(entry)
    const size = Buffer.byteLength(line, "utf8") + 1
    if (bytes + size > maxBytes) break
    lines.push(line)
    bytes += size
    shown += 1
  }
  if (offset - 1 + shown < entries.length || truncated) lines.push(`More than ${shown} entries found`)
  return lines.join("\n")
}
