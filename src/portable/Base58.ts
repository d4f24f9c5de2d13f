/** Base58: the Bitcoin-style alphabet used for portable-mode secrets and call ids. */

export const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

/** Big-endian integer of the bytes in base 58, with one leading `1` per leading zero byte. */
export const encode = (bytes: Uint8Array): string => {
  let value = 0n
  for (const byte of bytes) value = (value << 8n) | BigInt(byte)
  let digits = ""
  while (value > 0n) {
    digits = ALPHABET[Number(value % 58n)] + digits
    value /= 58n
  }
  let zeros = 0
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++
  const text = "1".repeat(zeros) + digits
  return text === "" ? "1" : text
}

/** Whether a text uses only base58 digits (and is not empty). */
export const isBase58 = (text: string): boolean => text.length > 0 && [...text].every((c) => ALPHABET.includes(c))
