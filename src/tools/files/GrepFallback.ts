/**
 * GrepFallback: grep_files without ripgrep. It walks and filters files as ripgrep does by default
 * (hidden entries, ignore files, symbolic links and binary files skipped) so both give one answer.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import type { PlatformError } from "@effect/platform/Error"
import { Effect, Option } from "effect"
import * as NodePath from "node:path"
import * as Glob from "./Glob.js"

/** The rules of the ignore files of one folder. */
interface IgnoreLayer {
  readonly dir: string
  readonly rules: ReadonlyArray<Glob.GlobRule>
}

/** The files above `.gitignore` only count inside a git work tree; these always count. */
const ALWAYS_IGNORE_FILES = [".ignore", ".rgignore"]

/** A pattern as a regular expression; a leading `(?i)` means ignore case. */
export const compilePattern = (pattern: string): RegExp | string => {
  let source = pattern
  let flags = ""
  if (source.startsWith("(?i)")) {
    source = source.slice(4)
    flags = "i"
  }
  try {
    return new RegExp(source, `${flags}u`)
  } catch {
    try {
      return new RegExp(source, flags)
    } catch (error) {
      return `Error: invalid pattern: ${error instanceof Error ? error.message : String(error)}`
    }
  }
}

const readText = (fs: FileSystem.FileSystem, path: string) =>
  fs.readFileString(path).pipe(Effect.option)

const layerFor = (fs: FileSystem.FileSystem, dir: string, inGitRepo: boolean): Effect.Effect<IgnoreLayer> =>
  Effect.map(
    Effect.forEach([...(inGitRepo ? [".gitignore"] : []), ...ALWAYS_IGNORE_FILES], (name) => readText(fs, NodePath.join(dir, name))),
    (texts) => ({ dir, rules: texts.flatMap((text) => (Option.isSome(text) ? Glob.parseIgnoreFile(text.value) : [])) })
  )

/** Whether the last matching rule of the layers (outermost first) excludes `path`. */
const ignored = (layers: ReadonlyArray<IgnoreLayer>, path: string, isDirectory: boolean): boolean => {
  let result = false
  for (const layer of layers) {
    const relative = NodePath.relative(layer.dir, path)
    if (relative === "" || relative.startsWith("..")) continue
    for (const rule of layer.rules) {
      if (Glob.matches(rule, relative, isDirectory)) result = !rule.negated
    }
  }
  return result
}

const isGitRepo = (fs: FileSystem.FileSystem, dir: string): Effect.Effect<boolean> =>
  Effect.gen(function*() {
    let current = dir
    for (;;) {
      if (yield* fs.exists(NodePath.join(current, ".git")).pipe(Effect.orElseSucceed(() => false))) return true
      const parent = NodePath.dirname(current)
      if (parent === current) return false
      current = parent
    }
  })

type Kind = "file" | "directory" | "skip"
const SKIP = { kind: "skip" as Kind, mtime: 0 }
/** What an entry is (symbolic links are never followed) and when it was last modified. */
const kindOf = (fs: FileSystem.FileSystem, path: string): Effect.Effect<{ readonly kind: Kind; readonly mtime: number }> =>
  fs.readLink(path).pipe(
    Effect.as(SKIP),
    Effect.orElse(() =>
      Effect.map(fs.stat(path), (info) => ({
        kind: (info.type === "File" ? "file" : info.type === "Directory" ? "directory" : "skip") as Kind,
        mtime: Option.getOrElse(info.mtime, () => new Date(0)).getTime()
      }))
    ),
    Effect.orElseSucceed(() => SKIP)
  )

/** The files a default ripgrep run would search under `root`. */
const candidates = (
  fs: FileSystem.FileSystem,
  root: string,
  include: Glob.GlobRule | undefined
): Effect.Effect<Array<string>, PlatformError> =>
  Effect.gen(function*() {
    const git = yield* isGitRepo(fs, root)
    const ancestors: Array<string> = []
    for (let dir = root;; dir = NodePath.dirname(dir)) {
      ancestors.unshift(dir)
      if (NodePath.dirname(dir) === dir) break
    }
    const initial = yield* Effect.forEach(ancestors, (dir) => layerFor(fs, dir, git))
    const found: Array<string> = []
    const walk = (dir: string, layers: ReadonlyArray<IgnoreLayer>): Effect.Effect<void, PlatformError> =>
      Effect.gen(function*() {
        const children = yield* Effect.forEach((yield* fs.readDirectory(dir)).slice().sort(), (name) => {
          const path = NodePath.join(dir, name)
          return Effect.map(kindOf(fs, path), ({ kind, mtime }) => ({ name, path, kind, mtime }))
        })
        // Newest first at every level, like ripgrep's sorted walk.
        children.sort((a, b) => b.mtime - a.mtime)
        for (const { kind, name, path } of children) {
          if (kind === "skip") continue
          if (kind === "file" && include !== undefined) {
            if (Glob.matches(include, NodePath.relative(root, path), false)) found.push(path)
            continue
          }
          if (name.startsWith(".")) continue
          if (ignored(layers, path, kind === "directory")) continue
          if (kind === "file") found.push(path)
          else yield* walk(path, [...layers, yield* layerFor(fs, path, git)])
        }
      })
    yield* walk(root, initial)
    return found
  })

/** Whether a file has a line matching `regex`; files with a NUL byte count as binary and never match. */
const fileMatches = (fs: FileSystem.FileSystem, path: string, regex: RegExp): Effect.Effect<boolean> =>
  fs.readFile(path).pipe(
    Effect.map((bytes) => {
      if (bytes.includes(0)) return false
      const text = new TextDecoder("utf-8").decode(bytes)
      return text.split("\n").some((line) => {
        regex.lastIndex = 0
        return regex.test(line)
      })
    }),
    Effect.orElseSucceed(() => false)
  )

/**
 * Files under `path` (or `path` itself when it is a file) with a line matching `regex`, at most
 * `limit`, in the order of a walk that visits the newest entries of each folder first.
 */
export const search = (
  fs: FileSystem.FileSystem,
  options: { readonly regex: RegExp; readonly path: string; readonly include: string | undefined; readonly limit: number }
): Effect.Effect<Array<string>, PlatformError> =>
  Effect.gen(function*() {
    const info = yield* fs.stat(options.path)
    const include = options.include === undefined ? undefined : Glob.parseRule(options.include)
    const files = info.type === "File" ? [options.path] : yield* candidates(fs, options.path, include)
    const matching = yield* Effect.filter(files, (file) => fileMatches(fs, file, options.regex), { concurrency: 8 })
    return matching.slice(0, options.limit)
  })
