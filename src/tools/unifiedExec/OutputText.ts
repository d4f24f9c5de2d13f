/** OutputText: the pure text rules of unified exec (token counts, middle truncation, command display, result text). */

const encoder = new TextEncoder()
const decoder = new TextDecoder("utf-8", { fatal: false })

/** Bytes per token in every estimate below. */
export const BYTES_PER_TOKEN = 4

/** Token budget used when a call gives none. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 10_000

/** Decodes UTF-8, replacing invalid bytes with U+FFFD. */
export const decodeUtf8 = (bytes: Uint8Array): string => decoder.decode(bytes)

export const utf8Length = (text: string): number => {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4
      i += 1
    } else bytes += 3
  }
  return bytes
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff

/**
 * Splits off an unfinished multi-byte sequence at the end of `bytes` (at most 3 bytes), so output
 * read while a program is still writing never shows half a character.
 */
export const splitIncompleteUtf8 = (bytes: Uint8Array): readonly [Uint8Array, Uint8Array] => {
  const n = bytes.length
  for (let back = 1; back <= Math.min(3, n); back++) {
    const byte = bytes[n - back]!
    if ((byte & 0xc0) === 0x80) continue // continuation byte: keep looking for the lead byte
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1
    return needed > back ? [bytes.subarray(0, n - back), bytes.subarray(n - back)] : [bytes, new Uint8Array(0)]
  }
  return [bytes, new Uint8Array(0)]
}

/** Tokens the model would have read: 0 for no text, else the UTF-8 size / 4 rounded up (at least 1). */
export const approxTokenCount = (text: string): number =>
  text.length === 0 ? 0 : Math.max(1, Math.ceil(utf8Length(text) / BYTES_PER_TOKEN))

const LINE_BREAK = /\r\n|[\n\r\u000b\u000c\u001c\u001d\u001e\u0085\u2028\u2029]/g

/**
 * Number of lines: a line ends at any Unicode line break (CRLF counts once), and a final break
 * does not start another line.
 */
export const countLines = (text: string): number => {
  if (text.length === 0) return 0
  let breaks = 0
  let lastEnd = 0
  for (const match of text.matchAll(LINE_BREAK)) {
    breaks += 1
    lastEnd = match.index + match[0].length
  }
  return lastEnd === text.length ? breaks : breaks + 1
}

/**
 * Keeps `text` within `maxTokens` (4 bytes each) by cutting out its middle: the result starts with a
 * `Total output lines:` header and shows the cut as `…N tokens truncated…`. Text within budget is
 * returned unchanged.
 */
export const truncateMiddle = (text: string, maxTokens: number): string => {
  const budget = Math.max(0, Math.floor(maxTokens)) * BYTES_PER_TOKEN
  const bytes = encoder.encode(text)
  const total = bytes.length
  if (total <= budget) return text
  const removed = Math.ceil((total - budget) / BYTES_PER_TOKEN)
  const marker = `\u2026${removed} tokens truncated\u2026`
  const header = `Total output lines: ${countLines(text)}\n\n`
  if (budget === 0) return header + marker
  const left = Math.floor(budget / 2)
  const right = budget - left
  // Character boundaries are the bytes that are not UTF-8 continuation bytes.
  let prefixEnd = 0
  for (let i = 0; i <= total; i++) {
    if (i === total || (bytes[i]! & 0xc0) !== 0x80) {
      if (i <= left) prefixEnd = i
      else break
    }
  }
  let suffixStart = total
  for (let i = Math.max(total - right, prefixEnd); i < total; i++) {
    if ((bytes[i]! & 0xc0) !== 0x80) {
      suffixStart = i
      break
    }
  }
  return header + decodeUtf8(bytes.subarray(0, prefixEnd)) + marker + decodeUtf8(bytes.subarray(suffixStart))
}

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/

/** One argument quoted for a POSIX shell (left bare when it is plainly safe). */
export const shellQuote = (word: string): string =>
  word.length === 0 ? "''" : SAFE_WORD.test(word) ? word : "'" + word.replaceAll("'", `'"'"'`) + "'"

/** An argv shown the way a POSIX shell would accept it. */
export const shellJoin = (argv: ReadonlyArray<string>): string => argv.map(shellQuote).join(" ")

/** Where a process stands at the end of a wait. */
export type ProcessState =
  | { readonly _tag: "Running"; readonly sessionId: number }
  | { readonly _tag: "Exited"; readonly exitCode: number }

/** Everything one result text reports. */
export interface Snapshot {
  readonly command: string
  readonly chunkId: string
  readonly wallTimeMillis: number
  readonly state: ProcessState
  readonly originalTokenCount: number
  readonly output: string
}

/** The result text of exec_command and write_stdin. */
export const formatSnapshot = (snapshot: Snapshot): string =>
  [
    `Command: ${snapshot.command}`,
    `Chunk ID: ${snapshot.chunkId}`,
    `Wall time: ${(snapshot.wallTimeMillis / 1000).toFixed(4)} seconds`,
    snapshot.state._tag === "Running"
      ? `Process running with session ID ${snapshot.state.sessionId}`
      : `Process exited with code ${snapshot.state.exitCode}`,
    `Original token count: ${snapshot.originalTokenCount}`,
    "Output:",
    snapshot.output
  ].join("\n")
