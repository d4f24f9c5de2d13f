/** Zip: a small DEFLATE zip writer and reader for portable bundles (UTF-8 names, no zip64). */
import { Data, Effect } from "effect"
import * as NodeZlib from "node:zlib"

/** One file in an archive: a relative POSIX name and its bytes. */
export interface Entry {
  readonly name: string
  readonly data: Uint8Array
}

/** The bytes are not a zip archive this reader understands. */
export class ZipError extends Data.TaggedError("ZipError")<{ readonly detail: string }> {
  override get message() {
    return "decrypted bundle is not a valid zip archive"
  }
}

const UTF8_FLAG = 0x0800
const DOS_TIME = 0 // 00:00:00
const DOS_DATE = (1980 - 1980) << 9 | 1 << 5 | 1 // 1980-01-01: bundles do not depend on when they were packed

/** The fields local and central headers share, from the version needed to extract to the name length, written at `at`. */
const writeSharedFields = (
  header: Buffer,
  at: number,
  fields: { readonly crc: number; readonly compressed: number; readonly size: number; readonly nameLength: number }
) => {
  header.writeUInt16LE(20, at) // version needed to extract: 2.0 (deflate)
  header.writeUInt16LE(UTF8_FLAG, at + 2)
  header.writeUInt16LE(8, at + 4) // deflate
  header.writeUInt16LE(DOS_TIME, at + 6)
  header.writeUInt16LE(DOS_DATE, at + 8)
  header.writeUInt32LE(fields.crc, at + 10)
  header.writeUInt32LE(fields.compressed, at + 14)
  header.writeUInt32LE(fields.size, at + 18)
  header.writeUInt16LE(fields.nameLength, at + 22)
}

/** Writes the entries in order, each deflated. */
export const write = (entries: ReadonlyArray<Entry>): Effect.Effect<Uint8Array> =>
  Effect.sync(() => {
    const locals: Array<Buffer> = []
    const centrals: Array<Buffer> = []
    let offset = 0
    for (const entry of entries) {
      const name = Buffer.from(entry.name, "utf8")
      const compressed = NodeZlib.deflateRawSync(entry.data)
      const crc = NodeZlib.crc32(entry.data)
      const fields = { crc, compressed: compressed.length, size: entry.data.length, nameLength: name.length }
      const local = Buffer.alloc(30) // the extra field length at 28 stays 0
      local.writeUInt32LE(0x04034b50, 0)
      writeSharedFields(local, 4, fields)
      const central = Buffer.alloc(46)
      central.writeUInt32LE(0x02014b50, 0)
      central.writeUInt16LE(20, 4) // made by: version 2.0
      writeSharedFields(central, 6, fields)
      central.writeUInt32LE(offset, 42)
      locals.push(local, name, compressed)
      centrals.push(central, name)
      offset += local.length + name.length + compressed.length
    }
    const directory = Buffer.concat(centrals)
    const end = Buffer.alloc(22)
    end.writeUInt32LE(0x06054b50, 0)
    end.writeUInt16LE(entries.length, 8)
    end.writeUInt16LE(entries.length, 10)
    end.writeUInt32LE(directory.length, 12)
    end.writeUInt32LE(offset, 16)
    return new Uint8Array(Buffer.concat([...locals, directory, end]))
  })

/** Reads every entry (directories keep their trailing `/` and empty data). */
export const read = (bytes: Uint8Array): Effect.Effect<ReadonlyArray<Entry>, ZipError> =>
  Effect.try({
    try: () => readSync(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
    catch: (cause) => new ZipError({ detail: cause instanceof Error ? cause.message : String(cause) })
  })

const readSync = (buf: Buffer): ReadonlyArray<Entry> => {
  let end = -1
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      end = i
      break
    }
  }
  if (end < 0) throw new Error("no end of central directory")
  const count = buf.readUInt16LE(end + 10)
  let at = buf.readUInt32LE(end + 16)
  const entries: Array<Entry> = []
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error("bad central directory entry")
    const method = buf.readUInt16LE(at + 10)
    const compressedSize = buf.readUInt32LE(at + 20)
    const nameLength = buf.readUInt16LE(at + 28)
    const extraLength = buf.readUInt16LE(at + 30)
    const commentLength = buf.readUInt16LE(at + 32)
    const localAt = buf.readUInt32LE(at + 42)
    const name = buf.subarray(at + 46, at + 46 + nameLength).toString("utf8")
    at += 46 + nameLength + extraLength + commentLength
    if (buf.readUInt32LE(localAt) !== 0x04034b50) throw new Error("bad local header")
    const dataAt = localAt + 30 + buf.readUInt16LE(localAt + 26) + buf.readUInt16LE(localAt + 28)
    const raw = buf.subarray(dataAt, dataAt + compressedSize)
    if (raw.length !== compressedSize) throw new Error("truncated entry")
    const data = method === 0 ? raw : method === 8 ? NodeZlib.inflateRawSync(raw) : undefined
    if (data === undefined) throw new Error(`unsupported compression method ${method}`)
    entries.push({ name, data: new Uint8Array(data) })
  }
  return entries
}
