/** ReadFileCore: read_file's two views of a file, a numbered slice and an indentation-aware block around a line. */
import type { LineRecord } from "./Lines.js"

/** The options of indentation mode, defaults applied. */
export interface IndentationOptions {
  readonly anchorLine: number
  readonly maxLevels: number
  readonly includeSiblings: boolean
  readonly includeHeader: boolean
  readonly maxLines: number
}

/** `L<number>: <text>`. */
export const formatLine = (line: LineRecord): string => `L${line.number}: ${line.display}`

/**
 * Lines `offset … offset+limit-1` of `lines` (the file's first lines, at least that many when the
 * file has them), or the error text when the file is shorter than `offset`.
 */
export const slice = (lines: ReadonlyArray<LineRecord>, offset: number, limit: number): string | ReadonlyArray<LineRecord> =>
  offset > lines.length ? "Error: `offset` exceeds file length." : lines.slice(offset - 1, offset - 1 + limit)

/** Each line's indent, blank lines taking the indent of the last non-blank line before them. */
const effectiveIndents = (lines: ReadonlyArray<LineRecord>): Array<number> => {
  let previous = 0
  return lines.map((line) => (line.blank ? previous : (previous = line.indent)))
}

/**
 * The block around `options.anchorLine`: lines at least as indented as `maxLevels` levels above the
 * anchor (every level when 0), stopping at the first sibling on each side unless `includeSiblings`,
 * keeping comment headers above when `includeHeader`, at most `min(limit, maxLines)` lines, with
 * blank lines trimmed from both ends. `lines` must reach at least `maxLines` past the anchor or the
 * end of the file; `lineCount` is the file's line count when known.
 */
export const indentationBlock = (
  lines: ReadonlyArray<LineRecord>,
  lineCount: number,
  limit: number,
  options: IndentationOptions
): string | ReadonlyArray<LineRecord> => {
  const { anchorLine, includeHeader, includeSiblings, maxLevels, maxLines } = options
  if (anchorLine <= 0) return "Error: `anchor_line` must be a 1-indexed line number."
  if (anchorLine > lineCount) return "Error: `anchor_line` exceeds file length."
  if (maxLines <= 0) return "Error: `max_lines` must be greater than zero."
  const anchor = anchorLine - 1
  const indents = effectiveIndents(lines)
  const anchorIndent = indents[anchor]!
  const minIndent = maxLevels === 0 ? 0 : Math.max(anchorIndent - maxLevels * 4, 0)
  const finalLimit = Math.min(limit, maxLines, lineCount)
  if (finalLimit === 1) return [lines[anchor]!]
  const window: Array<LineRecord> = [lines[anchor]!]
  let up = anchor - 1
  let down = anchor + 1
  let upAtMin = 0
  let downAtMin = 0
  const upDone = () => up < 0
  const downDone = () => down >= lines.length
  while (window.length < finalLimit) {
    let progressed = 0
    if (!upDone()) {
      const indent = indents[up]!
      if (indent >= minIndent) {
        window.unshift(lines[up]!)
        progressed += 1
        let stays = true
        if (indent === minIndent && !includeSiblings) {
          if ((includeHeader && lines[up]!.comment) || upAtMin === 0) {
            upAtMin += 1
          } else {
            window.shift()
            progressed -= 1
            up = -1
            stays = false
            if (progressed === 0 && downDone()) break
            continue
          }
        }
        if (stays) up -= 1
      } else {
        up = -1
      }
    }
    if (window.length >= finalLimit) break
    if (!downDone()) {
      const indent = indents[down]!
      if (indent >= minIndent) {
        window.push(lines[down]!)
        progressed += 1
        if (indent === minIndent && !includeSiblings) {
          if (downAtMin > 0) {
            window.pop()
            progressed -= 1
            down = lines.length
            if (progressed === 0 && upDone()) break
            continue
          }
          downAtMin += 1
        }
        down += 1
      } else {
        down = lines.length
      }
    }
    if (progressed === 0) break
  }
  while (window.length > 0 && window[0]!.blank) window.shift()
  while (window.length > 0 && window[window.length - 1]!.blank) window.pop()
  return window
}

/**
 * The numbered lines joined by newlines, cut at a whole line once `maxBytes` of UTF-8 would be
 * passed; a cut ends with a line saying where to read on.
 */
export const render = (lines: ReadonlyArray<LineRecord>, maxBytes: number): string => {
  const out: Array<string> = []
  let bytes = 0
  for (const line of lines) {
    const text = formatLine(line)
    const size = Buffer.byteLength(text, "utf8") + (out.length > 0 ? 1 : 0)
    if (bytes + size > maxBytes && out.length > 0) {
      out.push(`… output cut at ${maxBytes} bytes; read on from offset ${line.number}.`)
      break
    }
    out.push(text)
    bytes += size
  }
  return out.join("\n")
}
