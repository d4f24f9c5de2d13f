/** Parser: turns apply_patch text into file operations, accepting the forms models send in practice. */
import { Either } from "effect"
import * as PatchError from "./PatchError.js"

/** One `@@` section of an update: lines to find and the lines that replace them. */
export interface Section {
  /** The text after `@@ `, used to narrow where the section applies; undefined for a bare `@@` or none. */
  readonly header: string | undefined
  /** Context and removed lines, in order (their leading marker removed). */
  readonly oldLines: ReadonlyArray<string>
  /** Context and added lines, in order (their leading marker removed). */
  readonly newLines: ReadonlyArray<string>
  /** The old lines must be the last lines of the file (`*** End of File`). */
  readonly endOfFile: boolean
}

export type Operation =
  | { readonly _tag: "Add"; readonly path: string; readonly content: string }
  | { readonly _tag: "Delete"; readonly path: string }
  | {
    readonly _tag: "Update"
    readonly path: string
    readonly moveTo: string | undefined
    readonly sections: ReadonlyArray<Section>
  }

export const BEGIN = "*** Begin Patch"
export const END = "*** End Patch"
const ADD = "*** Add File: "
const DELETE = "*** Delete File: "
const UPDATE = "*** Update File: "
const MOVE = "*** Move to: "
const END_OF_FILE = "*** End of File"
const HEREDOC_OPENERS = new Set(["<<EOF", "<<'EOF'", "<<\"EOF\""])

/** Lines of a text split at `\n`, `\r\n` or `\r`; a final terminator does not add an empty line. */
export const splitLines = (text: string): Array<string> => {
  if (text === "") return []
  const lines = text.split(/\r\n|\n|\r/)
  if (lines[lines.length - 1] === "") lines.pop()
  return lines
}

/**
 * The patch lines between the markers. Surrounding whitespace is ignored, markers may carry
 * padding, and a patch wrapped in a `<<'EOF'` ... `EOF` heredoc is unwrapped.
 */
const patchBody = (text: string): Either.Either<ReadonlyArray<string>, PatchError.PatchError> => {
  let lines = splitLines(text.trim())
  if (lines.length === 0) return Either.left(PatchError.emptyPatch())
  if (
    lines[0]!.trim() !== BEGIN && lines.length >= 4 && HEREDOC_OPENERS.has(lines[0]!.trim()) &&
    lines[lines.length - 1]!.trim().endsWith("EOF")
  ) {
    lines = lines.slice(1, -1)
    while (lines.length > 0 && lines[0]!.trim() === "") lines = lines.slice(1)
    if (lines.length === 0) return Either.left(PatchError.emptyPatch())
  }
  if (lines[0]!.trim() !== BEGIN) return Either.left(PatchError.verification("missing '*** Begin Patch' header"))
  // The footer is a line that is exactly the marker (trailing spaces allowed), or, padded, the
  // last line; a context line ` *** End Patch` elsewhere stays content.
  const last = lines.length - 1
  const end = lines.findIndex((line, i) => i > 0 && (line.trimEnd() === END || (i === last && line.trim() === END)))
  if (end < 0) return Either.left(PatchError.verification("missing '*** End Patch' footer"))
  if (lines.slice(end + 1).some((line) => line.trim() !== "")) {
    return Either.left(PatchError.verification("unexpected content after '*** End Patch'"))
  }
  return Either.right(lines.slice(1, end))
}

/** A line that ends the current operation: any `*** ` marker except `*** End of File`. */
const isMarker = (line: string): boolean => line.startsWith("*** ") && line.trim() !== END_OF_FILE

const isSectionHeader = (line: string): boolean => line === "@@" || line.startsWith("@@ ")

/** Parses a patch into its operations, in patch order. */
export const parse = (text: string): Either.Either<ReadonlyArray<Operation>, PatchError.PatchError> =>
  Either.flatMap(patchBody(text), (body): Either.Either<ReadonlyArray<Operation>, PatchError.PatchError> => {
    const operations: Array<Operation> = []
    let i = 0
    while (i < body.length) {
      const header = body[i]!.trim()
      if (header.startsWith(ADD)) {
        const path = header.slice(ADD.length).trim()
        const content: Array<string> = []
        i++
        for (; i < body.length && !isMarker(body[i]!); i++) {
          const line = body[i]!
          if (!line.startsWith("+")) {
            return Either.left(PatchError.verification(`${PatchError.quote(line)} is not a valid add line`))
          }
          content.push(line.slice(1))
        }
        operations.push({ _tag: "Add", path, content: content.length === 0 ? "" : content.join("\n") + "\n" })
      } else if (header.startsWith(DELETE)) {
        operations.push({ _tag: "Delete", path: header.slice(DELETE.length).trim() })
        i++
      } else if (header.startsWith(UPDATE)) {
        const path = header.slice(UPDATE.length).trim()
        i++
        let moveTo: string | undefined
        if (i < body.length && body[i]!.trim().startsWith(MOVE)) {
          moveTo = body[i]!.trim().slice(MOVE.length).trim()
          i++
        }
        const start = i
        while (i < body.length && !isMarker(body[i]!)) i++
        const sections = parseSections(body.slice(start, i))
        if (Either.isLeft(sections)) return Either.left(sections.left)
        if (sections.right.length === 0 && moveTo === undefined) {
          return Either.left(PatchError.verification(`update for ${path} is missing a hunk`))
        }
        operations.push({ _tag: "Update", path, moveTo, sections: sections.right })
      } else {
        return Either.left(PatchError.verification(`${PatchError.quote(body[i]!)} is not a valid hunk header`))
      }
    }
    if (operations.length === 0) return Either.left(PatchError.emptyPatch())
    return Either.right(operations)
  })

/**
 * The sections of one update. The first section may start without `@@`; an empty line inside a
 * section is an empty context line; blank lines before a section are skipped.
 */
const parseSections = (lines: ReadonlyArray<string>): Either.Either<ReadonlyArray<Section>, PatchError.PatchError> => {
  const sections: Array<Section> = []
  let current:
    | { header: string | undefined; oldLines: Array<string>; newLines: Array<string>; endOfFile: boolean }
    | undefined
  const close = () => {
    if (current !== undefined) {
      const { endOfFile, header, newLines, oldLines } = current
      sections.push({ header, oldLines, newLines, endOfFile })
    }
    current = undefined
  }
  for (const line of lines) {
    if (isSectionHeader(line)) {
      close()
      const header = line === "@@" ? "" : line.slice(3).trim()
      current = { header: header === "" ? undefined : header, oldLines: [], newLines: [], endOfFile: false }
      continue
    }
    if (line.trim() === END_OF_FILE) {
      if (current === undefined) {
        return Either.left(PatchError.verification("'*** End of File' must follow a hunk"))
      }
      current.endOfFile = true
      close()
      continue
    }
    if (current === undefined) {
      // Blank lines between sections are separators, not content.
      if (line.trim() === "") continue
      if (sections.length > 0 || !isChangeLine(line)) {
        return Either.left(PatchError.verification(`${PatchError.quote(line)} is not a valid hunk header`))
      }
      current = { header: undefined, oldLines: [], newLines: [], endOfFile: false }
    }
    if (line === "") {
      current.oldLines.push("")
      current.newLines.push("")
    } else if (line.startsWith(" ")) {
      current.oldLines.push(line.slice(1))
      current.newLines.push(line.slice(1))
    } else if (line.startsWith("-")) {
      current.oldLines.push(line.slice(1))
    } else if (line.startsWith("+")) {
      current.newLines.push(line.slice(1))
    } else {
      return Either.left(PatchError.verification(`${PatchError.quote(line)} is not a valid change line`))
    }
  }
  close()
  return Either.right(sections)
}

const isChangeLine = (line: string): boolean => line.startsWith(" ") || line.startsWith("+") || line.startsWith("-")
