/** OutputBuffer: a session's unread output bytes, keeping the first and the last bytes when it overflows. */

/** Default cap: 1 MiB, half for the head and half for the tail. */
export const DEFAULT_CAP_BYTES = 1024 * 1024

/** Chunk lists longer than this are joined into one chunk, so many tiny writes stay cheap. */
const MAX_PARTS = 64

/**
 * A mutable head/tail byte buffer, owned by one session (the session serializes access through
 * its effects).
 */
export interface OutputBuffer {
  readonly headBudget: number
  readonly tailBudget: number
  head: Array<Uint8Array>
  headBytes: number
  tail: Array<Uint8Array>
  tailBytes: number
}

/** An empty buffer holding at most `capBytes` (split evenly between head and tail). */
export const make = (capBytes: number = DEFAULT_CAP_BYTES): OutputBuffer => {
  const headBudget = Math.floor(capBytes / 2)
  return { headBudget, tailBudget: capBytes - headBudget, head: [], headBytes: 0, tail: [], tailBytes: 0 }
}

const concat = (parts: ReadonlyArray<Uint8Array>, total: number): Uint8Array => {
  if (parts.length === 1) return parts[0]!
  const out = new Uint8Array(total)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/**
 * Adds a chunk: it first fills the head up to its budget; the rest goes to the tail, which then
 * drops its oldest bytes until it fits its budget.
 */
export const push = (buffer: OutputBuffer, chunk: Uint8Array): void => {
  if (chunk.length === 0) return
  const toHead = Math.min(buffer.headBudget - buffer.headBytes, chunk.length)
  if (toHead > 0) {
    buffer.head.push(chunk.slice(0, toHead))
    buffer.headBytes += toHead
    if (buffer.head.length > MAX_PARTS) buffer.head = [concat(buffer.head, buffer.headBytes)]
  }
  const rest = chunk.subarray(Math.max(toHead, 0))
  if (rest.length === 0) return
  if (rest.length >= buffer.tailBudget) {
    buffer.tail = buffer.tailBudget > 0 ? [rest.slice(rest.length - buffer.tailBudget)] : []
    buffer.tailBytes = Math.min(rest.length, buffer.tailBudget)
    return
  }
  buffer.tail.push(rest.slice())
  buffer.tailBytes += rest.length
  let excess = buffer.tailBytes - buffer.tailBudget
  let drop = 0
  while (excess > 0) {
    const first = buffer.tail[drop]!
    if (first.length <= excess) {
      excess -= first.length
      buffer.tailBytes -= first.length
      drop += 1
    } else {
      buffer.tail[drop] = first.subarray(excess)
      buffer.tailBytes -= excess
      excess = 0
    }
  }
  if (drop > 0) buffer.tail.splice(0, drop)
  if (buffer.tail.length > MAX_PARTS) buffer.tail = [concat(buffer.tail, buffer.tailBytes)]
}

/** Number of unread bytes. */
export const size = (buffer: OutputBuffer): number => buffer.headBytes + buffer.tailBytes

/** Takes everything: head and tail joined (nothing marks dropped bytes); the buffer is left empty. */
export const drain = (buffer: OutputBuffer): Uint8Array => {
  const out = concat([...buffer.head, ...buffer.tail], size(buffer))
  buffer.head = []
  buffer.headBytes = 0
  buffer.tail = []
  buffer.tailBytes = 0
  return out.length === 0 ? new Uint8Array(0) : out
}

