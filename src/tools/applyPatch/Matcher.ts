/** Matcher: applies the sections of an update to a file's text, locating each one with tolerant matching. */
import { Either } from "effect"
import type { Section } from "./Parser.js"

/** Why an update did not fit the file. */
export type MatchFailure = { readonly _tag: "NoMatch"; readonly section: Section }

/**
 * Ways of comparing two lines, strictest first: exact, ignoring trailing whitespace, ignoring
 * surrounding whitespace, and finally with typographic punctuation and spaces read as ASCII.
 */
const comparisons: ReadonlyArray<(line: string) => string> = [
  (line) => line,
  (line) => line.trimEnd(),
  (line) => line.trim(),
  (line) => normalizePunctuation(line.trim())
]

const PUNCTUATION: ReadonlyArray<readonly [RegExp, string]> = [
  [/[\u2010-\u2015\u2212]/g, "-"],
  [/[\u2018-\u201B]/g, "'"],
  [/[\u201C-\u201F]/g, "\""],
  [/[\u00A0\u2002-\u200A\u202F\u205F\u3000]/g, " "]
]

/** Dashes, curly quotes and unusual spaces replaced by their ASCII counterparts. */
export const normalizePunctuation = (line: string): string =>
  PUNCTUATION.reduce((text, [pattern, ascii]) => text.replace(pattern, ascii), line)

const matchesAt = (lines: ReadonlyArray<string>, pattern: ReadonlyArray<string>, at: number, key: (l: string) => string) => {
  for (let j = 0; j < pattern.length; j++) {
    if (key(lines[at + j]!) !== key(pattern[j]!)) return false
  }
  return true
}

/**
 * Where `pattern` occurs in `lines`: tried at positions `from` to `to` (inclusive) with each
 * comparison in turn, so an exact match anywhere in the range wins over a tolerant one.
 */
export const seek = (
  lines: ReadonlyArray<string>,
  pattern: ReadonlyArray<string>,
  from: number,
  to: number = lines.length - pattern.length
): number | undefined => {
  if (pattern.length > lines.length) return undefined
  const last = Math.min(to, lines.length - pattern.length)
  for (const key of comparisons) {
    for (let at = Math.max(0, from); at <= last; at++) {
      if (matchesAt(lines, pattern, at, key)) return at
    }
  }
  return undefined
}

/**
 * Where a section's old lines are: at the end of the file when anchored there, else at or after
 * the cursor, else (sections out of order) anywhere before it.
 */
const locate = (lines: ReadonlyArray<string>, old: ReadonlyArray<string>, cursor: number, endOfFile: boolean) => {
  if (endOfFile) {
    const at = lines.length - old.length
    return at >= 0 ? seek(lines, old, at, at) : undefined
  }
  return seek(lines, old, cursor) ?? (cursor > 0 ? seek(lines, old, 0, cursor - 1) : undefined)
}

/**
 * The file's lines after applying every section in order. Each section may first move the cursor
 * to the line after its `@@` header text (when that text is found); a section with no old lines
 * inserts at the cursor once something placed it, else at the end of the file.
 */
export const applySections = (
  original: ReadonlyArray<string>,
  sections: ReadonlyArray<Section>
): Either.Either<ReadonlyArray<string>, MatchFailure> => {
  const lines = [...original]
  let cursor = 0
  let placed = false
  for (const section of sections) {
    let old = section.oldLines
    let replacement = section.newLines
    if (old.length === 0 && replacement.length === 0) continue
    if (section.header !== undefined) {
      const at = seek(lines, [section.header], cursor)
      if (at !== undefined) {
        cursor = at + 1
        placed = true
      }
    }
    let at: number | undefined
    if (old.length === 0) {
      at = section.endOfFile || !placed ? lines.length : cursor
    } else {
      at = locate(lines, old, cursor, section.endOfFile)
      // Trailing empty context lines often stand for the file's final newline: retry without them.
      while (at === undefined && old.length > 0 && old[old.length - 1] === "") {
        old = old.slice(0, -1)
        if (replacement.length > 0 && replacement[replacement.length - 1] === "") replacement = replacement.slice(0, -1)
        at = old.length === 0 ? undefined : locate(lines, old, cursor, section.endOfFile)
      }
    }
    if (at === undefined) return Either.left({ _tag: "NoMatch", section })
    lines.splice(at, old.length, ...replacement)
    cursor = at + replacement.length
    placed = true
  }
  return Either.right(lines)
}

/**
 * A file's text as lines, with the line ending it uses (`\r\n` when its first line ends so) and
 * whether it starts with a byte order mark (kept apart so that editing the first line keeps it).
 */
export interface FileText {
  readonly lines: ReadonlyArray<string>
  readonly eol: "\n" | "\r\n"
  readonly bom: boolean
}

const BOM = "\uFEFF"

/** Splits a file's text at its line endings; a lone `\r` inside a `\n` file stays content. */
export const readText = (content: string): FileText => {
  const bom = content.startsWith(BOM)
  const text = bom ? content.slice(1) : content
  const firstNewline = text.indexOf("\n")
  const eol = firstNewline > 0 && text[firstNewline - 1] === "\r" ? "\r\n" : "\n"
  if (text === "") return { lines: [], eol, bom }
  const lines = eol === "\r\n" ? text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l)) : text.split("\n")
  if (lines[lines.length - 1] === "") lines.pop()
  return { lines, eol, bom }
}

/** The text of the lines, each ended by `eol` (the empty text when there are none). */
export const writeText = (file: FileText): string =>
  (file.bom ? BOM : "") + (file.lines.length === 0 ? "" : file.lines.join(file.eol) + file.eol)

/** Applies an update to a file's text, keeping its line ending style and ending it with a newline. */
export const updateText = (text: string, sections: ReadonlyArray<Section>): Either.Either<string, MatchFailure> => {
  const file = readText(text)
  return Either.map(applySections(file.lines, sections), (lines) => writeText({ ...file, lines }))
}
