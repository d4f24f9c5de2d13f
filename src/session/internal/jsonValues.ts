/** Splits text holding JSON values one after another (JSON lines, pretty-printed or concatenated) into values. */

/** One step of the scan: a parsed value, or a stretch that could not be parsed and was skipped. */
export type Scanned =
  | { readonly _tag: "Value"; readonly value: unknown }
  | { readonly _tag: "Bad"; readonly message: string }

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09

/** Index just after the string whose opening quote is at `start`, or -1 when it never closes. */
const stringEnd = (text: string, start: number): number => {
  let from = start + 1
  for (;;) {
    const quote = text.indexOf('"', from)
    if (quote < 0) return -1
    let slashes = 0
    for (let i = quote - 1; i > start && text.charCodeAt(i) === BACKSLASH; i--) slashes++
    if (slashes % 2 === 0) return quote + 1
    from = quote + 1
  }
}

/** Index just after the JSON value starting at `start` (by bracket depth), or -1 when it is cut off. */
const valueEnd = (text: string, start: number): number => {
  const n = text.length
  const first = text.charCodeAt(start)
  if (first === QUOTE) return stringEnd(text, start)
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    let i = start
    while (i < n) {
      const c = text.charCodeAt(i)
      if (isSpace(c) || c === OPEN_BRACE || c === OPEN_BRACKET || c === QUOTE || c === 0x2c) break
      i++
    }
    return i
  }
  let depth = 0
  let i = start
  while (i < n) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      i = stringEnd(text, i)
      if (i < 0) return -1
      continue
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--
      if (depth === 0) return i + 1
    }
    i++
  }
  return -1
}

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/**
 * Yields every JSON value of `text` in order. A line holding exactly one value is parsed directly (the
 * common case, one record per line); anything else is delimited by bracket depth. A stretch that does not
 * parse is reported once and skipped up to the next line that starts with `{`, so one damaged record never
 * hides the ones after it.
 */
export function* scanJsonValues(text: string): Generator<Scanned> {
  const n = text.length
  let pos = 0
  while (pos < n) {
    while (pos < n && isSpace(text.charCodeAt(pos))) pos++
    if (pos >= n) return
    let lineEnd = text.indexOf("\n", pos)
    if (lineEnd < 0) lineEnd = n
    try {
      const value: unknown = JSON.parse(text.slice(pos, lineEnd))
      yield { _tag: "Value", value }
      pos = lineEnd + 1
      continue
    } catch {
      // not exactly one value on this line: delimit by depth below
    }
    const end = valueEnd(text, pos)
    let failure: string
    if (end > pos) {
      try {
        const value: unknown = JSON.parse(text.slice(pos, end))
        yield { _tag: "Value", value }
        pos = end
        continue
      } catch (error) {
        failure = errorMessage(error)
      }
    } else {
      failure = `unexpected end of data at character ${n}`
    }
    yield { _tag: "Bad", message: failure }
    const next = text.indexOf("\n{", pos)
    pos = next < 0 ? n : next + 1
  }
}
