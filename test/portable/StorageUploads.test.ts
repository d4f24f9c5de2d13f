/** Storage server uploads: a size limit answered with 413, bodies streamed to disk, and concurrent uploads of one id all succeeding. */
import * as FileSystem from "@effect/platform/FileSystem"
import * as HttpServer from "@effect/platform/HttpServer"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import * as http from "node:http"
import * as NodePath from "node:path"
import * as Crypto from "../../src/portable/Crypto.js"
import * as StorageServer from "../../src/portable/StorageServer.js"

const start = (root: string, maxUploadBytes?: number) =>
  Effect.gen(function* () {
    const built = yield* Layer.build(
      StorageServer.layer({ root, host: "127.0.0.1", port: 0, log: () => Effect.void, ...(maxUploadBytes === undefined ? {} : { maxUploadBytes }) })
        .pipe(Layer.provide(NodeFileSystem.layer))
    )
    const address = Context.get(built, HttpServer.HttpServer).address
    if (address._tag !== "TcpAddress") return yield* Effect.die("not tcp")
    return address.port
  })

/** Posts `pieces` (chunked, or with a Content-Length when `declare`) and returns status and body. */
const put = (port: number, pieces: ReadonlyArray<Uint8Array>, declare: boolean) =>
  Effect.async<{ status: number; body: string }>((resume) => {
    const length = pieces.reduce((n, p) => n + p.length, 0)
    const request = http.request(
      { host: "127.0.0.1", port, path: "/v1/storage/put", method: "POST", headers: declare ? { "content-length": String(length) } : {} },
      (response) => {
        const parts: Array<Buffer> = []
        response.on("data", (b: Buffer) => parts.push(b))
        response.on("end", () => resume(Effect.succeed({ status: response.statusCode ?? 0, body: Buffer.concat(parts).toString() })))
      }
    )
    request.on("error", (error) => resume(Effect.succeed({ status: 0, body: error.message })))
    for (const piece of pieces) request.write(piece)
    request.end()
  })

const bytes = (n: number, seed: number) => {
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff
  return out
}

describe("storage uploads", () => {
  it.scopedLive("over the limit is 413, declared or streamed; nothing is left on disk", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const root = yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-storage-" })
      const port = yield* start(root, 100_000)
      const declared = yield* put(port, [bytes(200_000, 1)], true)
      expect(declared).toEqual({ status: 413, body: JSON.stringify({ error: "upload larger than 100000 bytes" }) })
      const streamed = yield* put(port, Array.from({ length: 20 }, (_, i) => bytes(10_000, i)), false)
      expect(streamed.status).toBe(413)
      const ok = yield* put(port, [bytes(50_000, 3)], false)
      expect(ok.status).toBe(200)
      const objects = yield* fs.readDirectory(NodePath.join(root, "objects"))
      expect(objects).toEqual([`${Crypto.callIdOf(bytes(50_000, 3))}.bin`])
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scopedLive("a large upload is streamed to its file intact; concurrent uploads of the same id all succeed", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const root = yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-storage-" })
      const port = yield* start(root)
      const big = bytes(40 * 1024 * 1024, 7)
      const pieces = Array.from({ length: 640 }, (_, i) => big.subarray(i * 65536, (i + 1) * 65536))
      const stored = yield* put(port, pieces, false)
      expect(stored.status).toBe(200)
      const id = Crypto.callIdOf(big)
      expect(JSON.parse(stored.body).call_id).toBe(id)
      expect(Crypto.sha256Hex(yield* fs.readFile(NodePath.join(root, "objects", `${id}.bin`)))).toBe(Crypto.sha256Hex(big))
      const same = bytes(300_000, 9)
      const answers = yield* Effect.all(Array.from({ length: 8 }, () => put(port, [same], false)), { concurrency: "unbounded" })
      expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200))
      const names = yield* fs.readDirectory(NodePath.join(root, "objects"))
      expect(names.sort()).toEqual([`${id}.bin`, `${Crypto.callIdOf(same)}.bin`].sort())
    }).pipe(Effect.provide(NodeFileSystem.layer)))
})
