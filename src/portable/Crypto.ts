/** Crypto: the portable bundle's envelope (`PCX1` + nonce + AES-256-GCM ciphertext + tag), hashes and secrets. */
import { Data, Effect } from "effect"
import * as NodeCrypto from "node:crypto"
import * as Base58 from "./Base58.js"

export const MAGIC = new TextEncoder().encode("PCX1")
export const NONCE_BYTES = 12
const TAG_BYTES = 16

/** The payload cannot be opened: not our format, or the wrong secret / damaged bytes. */
export class DecryptError extends Data.TaggedError("DecryptError")<{ readonly reason: "NotRecognized" | "Authentication" }> {
  override get message() {
    return this.reason === "NotRecognized"
      ? "stored bundle is not a recognized encrypted payload"
      : "call secret is invalid or bundle is corrupted"
  }
}

export const sha256 = (bytes: Uint8Array): Uint8Array => new Uint8Array(NodeCrypto.createHash("sha256").update(bytes).digest())
export const sha256Hex = (bytes: Uint8Array): string => NodeCrypto.createHash("sha256").update(bytes).digest("hex")

/** A fresh secret: base58 of 16 random bytes. */
export const newSecret = (): Effect.Effect<string> => Effect.sync(() => Base58.encode(new Uint8Array(NodeCrypto.randomBytes(16))))

/** The call id of a payload: base58 of the first 8 bytes of its SHA-256. */
export const callIdOf = (payload: Uint8Array): string => Base58.encode(sha256(payload).subarray(0, 8))

const keyOf = (secret: string) => sha256(new TextEncoder().encode(secret))

/** Encrypts with a random nonce. */
export const encrypt = (plain: Uint8Array, secret: string): Effect.Effect<Uint8Array> =>
  Effect.sync(() => {
    const nonce = NodeCrypto.randomBytes(NONCE_BYTES)
    const cipher = NodeCrypto.createCipheriv("aes-256-gcm", keyOf(secret), nonce)
    const body = Buffer.concat([cipher.update(plain), cipher.final()])
    return new Uint8Array(Buffer.concat([MAGIC, nonce, body, cipher.getAuthTag()]))
  })

/** Opens a payload made by `encrypt`. */
export const decrypt = (payload: Uint8Array, secret: string): Effect.Effect<Uint8Array, DecryptError> =>
  Effect.suspend(() => {
    const magic = payload.subarray(0, MAGIC.length)
    if (payload.length < MAGIC.length + NONCE_BYTES + TAG_BYTES || !Buffer.from(magic).equals(Buffer.from(MAGIC))) {
      return Effect.fail(new DecryptError({ reason: "NotRecognized" }))
    }
    const nonce = payload.subarray(MAGIC.length, MAGIC.length + NONCE_BYTES)
    const body = payload.subarray(MAGIC.length + NONCE_BYTES, payload.length - TAG_BYTES)
    const tag = payload.subarray(payload.length - TAG_BYTES)
    return Effect.try({
      try: () => {
        const decipher = NodeCrypto.createDecipheriv("aes-256-gcm", keyOf(secret), nonce)
        decipher.setAuthTag(tag)
        return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]))
      },
      catch: () => new DecryptError({ reason: "Authentication" })
    })
  })
