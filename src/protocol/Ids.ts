/** UUIDv7 ids for sessions, turns, submissions and agents (core §6.6). */
import { randomBytes } from "node:crypto"

/** A UUIDv7 string for the given Unix time in milliseconds. */
export const uuid7At = (unixMillis: number): string => {
  const bytes = randomBytes(16)
  let ms = BigInt(Math.max(0, Math.floor(unixMillis)))
  for (let i = 5; i >= 0; i--) {
    bytes[i] = Number(ms & 0xffn)
    ms >>= 8n
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x70
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const hex = bytes.toString("hex")
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

import { Clock, Effect } from "effect"

/** A fresh UUIDv7 stamped with the Effect clock (so tests under TestClock get stable times). */
export const uuid7: Effect.Effect<string> = Effect.map(Clock.currentTimeMillis, uuid7At)
