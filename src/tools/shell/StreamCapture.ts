/** StreamCapture: keeps the head and the tail of a process's output stream in bounded memory and clips it for the model. */

/** Characters of one stream shown in full; a longer stream keeps its head and tail halves. */
export const CLIP_CHARS = 12_000

/** Bytes kept of each end: enough for the characters shown even when every one takes 4 bytes. */
const KEEP_BYTES = (CLIP_CHARS / 2 + 1) * 4

/** The bytes of one stream as they arrive: the first and last `KEEP_BYTES`, and how many characters passed. */
export interface Capture {
  readonly push: (bytes: Uint8Array) => void
  /** The decoded text, clipped to `CLIP_CHARS` characters (head, marker, tail). */
  readonly text: () => string
}

export const make = (): Capture => {
  const head: Array<Uint8Array> = []
  let headBytes = 0
  let tail: Array<Uint8Array> = []
  let tailBytes = 0
  let total = 0
  /** Characters seen: every byte that does not continue a UTF-8 sequence starts one. */
  let chars = 0
  const push = (bytes: Uint8Array) => {
    total += bytes.length
    for (const byte of bytes) if ((byte & 0xc0) !== 0x80) chars += 1
    let rest = bytes
    if (headBytes < KEEP_BYTES) {
      const take = rest.subarray(0, KEEP_BYTES - headBytes)
      head.push(take)
      headBytes += take.length
      rest = rest.subarray(take.length)
    }
    if (rest.length === 0) return
    tail.push(rest)
    tailBytes += rest.length
    while (tailBytes - (tail[0]?.length ?? 0) >= KEEP_BYTES) {
      tailBytes -= tail[0]!.length
      tail = tail.slice(1)
    }
  }
  const text = () => {
    const headText = new TextDecoder("utf-8", { ignoreBOM: true }).decode(Buffer.concat(head))
    if (tailBytes === 0) return clip(headText, chars)
    const tailText = new TextDecoder("utf-8", { ignoreBOM: true }).decode(Buffer.concat(tail))
    // Bytes were dropped between head and tail only when total exceeds what both keep.
    if (total <= headBytes + tailBytes) return clip(headText + tailText, chars)
    return joinClipped(Array.from(headText), Array.from(tailText), chars)
  }
  return { push, text }
}

const marker = (removed: number) => `\n...[${removed} characters truncated]...\n`

/** The whole text when it fits, else its first and last `CLIP_CHARS / 2` characters around a marker. */
export const clip = (text: string, totalChars?: number): string => {
  const chars = Array.from(text)
  if (chars.length <= CLIP_CHARS) return text
  return joinClipped(chars, chars, totalChars ?? chars.length)
}

const joinClipped = (head: ReadonlyArray<string>, tail: ReadonlyArray<string>, totalChars: number): string => {
  const half = CLIP_CHARS / 2
  return head.slice(0, half).join("") + marker(totalChars - 2 * half) + tail.slice(tail.length - half).join("")
}
