/** Lines: reading a text file as numbered lines, incrementally, with bounded memory per line. */
import * as FileSystem from "@effect/platform/FileSystem"
import type { PlatformError } from "@effect/platform/Error"
import { Effect, Stream } from "effect"

/** Characters shown of one line; the rest is cut. */
export const MAX_LINE_CHARS = 500
/** Columns a tab counts for when measuring indentation. */
export const TAB_WIDTH = 4

/** One line of a file as the file tools need it. */
export interface LineRecord {
  /** 1-based line number. */
  readonly number: number
  /** The first `MAX_LINE_CHARS` characters. */
  readonly display: string
  /** Leading spaces count 1, tabs `TAB_WIDTH`, up to the first other character. */
  readonly indent: number
  /** Only whitespace (or nothing). */
  readonly blank: boolean
  /** Its text after leading whitespace starts with `#`, `//` or `--`. */
  readonly comment: boolean
}

/** Line terminators: `\n`, `\r\n`, `\r`, and the other Unicode line and paragraph separators. */
const TERMINATORS = new Set(["\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"])
const WHITESPACE = /^\s$/u

/**
 * A line splitter fed with decoded text piece by piece. Each finished line is handed to `emit`;
 * memory per line is bounded (only its shown head and a few facts are kept).
 */
export const makeSplitter = (emit: (line: LineRecord) => void) => {
  let number = 0
  let display = ""
  let displayLength = 0
  let indent = 0
  let inIndent = true
  let blank = true
  let afterIndent = ""
  let started = false
  let pendingCr = false
  const finish = () => {
    number += 1
    const comment = afterIndent.startsWith("#") || afterIndent.startsWith("//") || afterIndent.startsWith("--")
    emit({ number, display, indent, blank, comment })
    display = ""
    displayLength = 0
    indent = 0
    inIndent = true
    blank = true
    afterIndent = ""
    started = false
  }
  const feed = (text: string) => {
    for (const char of text) {
      if (pendingCr) {
        pendingCr = false
        if (char === "\n") continue
      }
      if (TERMINATORS.has(char)) {
        finish()
        if (char === "\r") pendingCr = true
        continue
      }
      started = true
      if (displayLength < MAX_LINE_CHARS) {
        display += char
        displayLength += 1
      }
      if (inIndent && (char === " " || char === "\t")) {
        indent += char === "\t" ? TAB_WIDTH : 1
      } else {
        inIndent = false
      }
      if (blank && !WHITESPACE.test(char)) blank = false
      if (!blank && afterIndent.length < 2) afterIndent += char
    }
  }
  /** Ends the text: an unterminated last line counts, an empty remainder does not. */
  const end = () => {
    if (started) finish()
  }
  return { feed, end }
}

/** Splits a whole text (for tests and small inputs). */
export const splitText = (text: string): Array<LineRecord> => {
  const lines: Array<LineRecord> = []
  const splitter = makeSplitter((line) => lines.push(line))
  splitter.feed(text)
  splitter.end()
  return lines
}

/** What `readLines` found. */
export interface ReadLines {
  readonly lines: ReadonlyArray<LineRecord>
  /** True when the whole file was read (so `lines.length` is its line count). */
  readonly complete: boolean
}

/**
 * The first `maxLines` lines of a file, decoded as UTF-8 with invalid bytes replaced. Reading
 * stops as soon as one line more than asked is known, so a huge file costs only what is shown.
 */
export const readLines = (
  fs: FileSystem.FileSystem,
  path: string,
  maxLines: number
): Effect.Effect<ReadLines, PlatformError> =>
  Effect.suspend(() => {
    const lines: Array<LineRecord> = []
    const decoder = new TextDecoder("utf-8", { ignoreBOM: true })
    const splitter = makeSplitter((line) => {
      if (lines.length <= maxLines) lines.push(line)
    })
    return fs.stream(path, { chunkSize: 64 * 1024 }).pipe(
      Stream.runForEachWhile((bytes) =>
        Effect.sync(() => {
          splitter.feed(decoder.decode(bytes, { stream: true }))
          return lines.length <= maxLines
        })
      ),
      Effect.map(() => {
        if (lines.length <= maxLines) {
          splitter.feed(decoder.decode())
          splitter.end()
        }
        return { lines: lines.slice(0, maxLines), complete: lines.length <= maxLines }
      })
    )
  })
