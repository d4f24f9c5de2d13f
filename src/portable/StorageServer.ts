/** StorageServer: the HTTP store for encrypted portable bundles (`/healthz`, `/v1/storage/put`, `/v1/storage/call/<id>`). */
import * as FileSystem from "@effect/platform/FileSystem"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import { Data, Effect, Layer, Option } from "effect"
import { createHash, randomBytes } from "node:crypto"
import * as NodeFs from "node:fs"
import { createServer, type IncomingMessage } from "node:http"
import * as NodePath from "node:path"
import * as Base58 from "./Base58.js"
import * as Crypto from "./Crypto.js"
import { API_PREFIX, HEALTH_PATH } from "./Specs.js"

export interface StorageServerOptions {
  /** Folder holding `objects/<call id>.bin`. */
  readonly root: string
  readonly host: string
  /** 0 picks a free port. */
  readonly port: number
  /** Where `[server] …` lines go. */
  readonly log: (line: string) => Effect.Effect<void>
  /** Largest upload accepted (HTTP 413 above); 64 MiB by default. */
  readonly maxUploadBytes?: number
}

export const DEFAULT_MAX_UPLOAD_BYTES = 64 * 1024 * 1024

/** Why an upload was not received. */
class UploadFailed extends Data.TaggedError("UploadFailed")<{ readonly reason: "TooLarge" | "Io"; readonly cause?: unknown }> {}

/**
 * Streams a request body into `file` (created 0600), hashing it on the way, with backpressure;
 * past `limit` bytes it stops reading (so a 413 can still be sent) and removes the file.
 */
const receive = (source: IncomingMessage, file: string, limit: number) =>
  Effect.async<{ readonly bytes: number; readonly sha256: string; readonly callId: string }, UploadFailed>((resume) => {
    const out = NodeFs.createWriteStream(file, { flags: "wx", mode: 0o600 })
    const hash = createHash("sha256")
    let bytes = 0
    let done = false
    const fail = (error: UploadFailed) => {
      if (done) return
      done = true
      source.off("data", onData)
      source.pause()
      out.destroy()
      NodeFs.rm(file, { force: true }, () => resume(Effect.fail(error)))
    }
    const onData = (chunk: Buffer) => {
      bytes += chunk.length
      if (bytes > limit) return fail(new UploadFailed({ reason: "TooLarge" }))
      hash.update(chunk)
      if (!out.write(chunk)) {
        source.pause()
        out.once("drain", () => source.resume())
      }
    }
    source.on("data", onData)
    source.once("error", (cause) => fail(new UploadFailed({ reason: "Io", cause })))
    source.once("aborted", () => fail(new UploadFailed({ reason: "Io", cause: new Error("client went away") })))
    out.once("error", (cause) => fail(new UploadFailed({ reason: "Io", cause })))
    source.once("end", () => {
      if (done) return
      out.end(() => {
        if (done) return
        done = true
        const digest = hash.digest()
        resume(Effect.succeed({ bytes, sha256: digest.toString("hex"), callId: Base58.encode(new Uint8Array(digest.subarray(0, 8))) }))
      })
    })
  })

/** Call ids are base58 digests of 8 bytes; anything else (separators, dots) is refused before touching disk. */
const MAX_CALL_ID_LENGTH = 16

const json = (status: number, body: unknown) => HttpServerResponse.unsafeJson(body, { status })

const clientOf = (request: HttpServerRequest.HttpServerRequest) => Option.getOrElse(request.remoteAddress, () => "-")

/** The request handler (one app, dispatching on method and path; query strings are ignored). */
export const app = (options: StorageServerOptions) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const request = yield* HttpServerRequest.HttpServerRequest
    const path = request.url.split("?")[0] ?? ""
    const objects = NodePath.join(options.root, "objects")
    const objectPath = (id: string) => NodePath.join(objects, `${id}.bin`)

    if (request.method === "GET" && path === HEALTH_PATH) return json(200, { ok: true })

    const callPrefix = `${API_PREFIX}/call/`
    if (request.method === "GET" && path.startsWith(callPrefix)) {
      let id: string
      try {
        id = decodeURIComponent(path.slice(callPrefix.length)).trim()
      } catch {
        return json(400, { error: "invalid call_id" })
      }
      if (id === "") return json(400, { error: "missing call_id" })
      if (id.length > MAX_CALL_ID_LENGTH || !Base58.isBase58(id)) return json(400, { error: "invalid call_id" })
      const file = objectPath(id)
      const body = yield* fs.readFile(file).pipe(Effect.option)
      if (Option.isNone(body)) return json(404, { error: "not found" })
      yield* options.log(`[server] call: client=${clientOf(request)} call_id=${id} path=${file}`)
      return HttpServerResponse.uint8Array(body.value, {
        status: 200,
        contentType: "application/octet-stream",
        headers: { "x-pycodex-sha256": Crypto.sha256Hex(body.value), "x-pycodex-call-id": id }
      })
    }

    if (request.method === "POST" && path === `${API_PREFIX}/put`) {
      const limit = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES
      // the rest of the body is never read, so the connection cannot carry another request
      const tooLarge = HttpServerResponse.unsafeJson({ error: `upload larger than ${limit} bytes` }, { status: 413, headers: { connection: "close" } })
      const declared = Number(request.headers["content-length"] ?? "NaN")
      if (Number.isFinite(declared) && declared > limit) return tooLarge
      yield* fs.makeDirectory(objects, { recursive: true })
      // every upload gets its own temporary name; the finished file is renamed into place atomically
      const partial = NodePath.join(objects, `.upload-${process.pid}-${randomBytes(8).toString("hex")}.partial`)
      const received = yield* receive(NodeHttpServerRequest.toIncomingMessage(request), partial, limit).pipe(Effect.either)
      if (received._tag === "Left") {
        return received.left.reason === "TooLarge" ? tooLarge : json(400, { error: "upload interrupted" })
      }
      const { bytes, sha256, callId: id } = received.right
      const discard = fs.remove(partial).pipe(Effect.ignore)
      if (bytes === 0) return yield* Effect.as(discard, json(400, { error: "empty body" }))
      const claimed = request.headers["x-pycodex-sha256"]
      if (claimed !== undefined && claimed.trim().toLowerCase() !== sha256) return yield* Effect.as(discard, json(400, { error: "checksum mismatch" }))
      const file = objectPath(id)
      const exists = yield* fs.exists(file).pipe(Effect.orElseSucceed(() => false))
      // same id means same bytes: a concurrent upload of it that wins the rename is just as good
      if (exists) yield* discard
      else yield* fs.rename(partial, file).pipe(Effect.catchAll(() => Effect.zipRight(discard, fs.exists(file).pipe(Effect.flatMap((ok) => ok ? Effect.void : Effect.fail("rename failed"))))))
      yield* options.log(
        `[server] put: client=${clientOf(request)} call_id=${id} status=${exists ? "reused" : "stored"} path=${file}`
      )
      const host = request.headers["host"] ?? `${options.host}:${options.port}`
      return json(200, { call_id: id, call: `${id}@${host}` })
    }

    return json(404, { error: "not found" })
  }).pipe(Effect.catchAll(() => Effect.succeed(json(500, { error: "storage failure" }))))

/** Serves the store on host:port; the server stops with the layer's scope. */
export const layer = (options: StorageServerOptions) =>
  HttpServer.serve(app(options)).pipe(
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port: options.port, host: options.host }))
  )
