/** StorageServer: the HTTP store for encrypted portable bundles (`/healthz`, `/v1/storage/put`, `/v1/storage/call/<id>`). */
import * as FileSystem from "@effect/platform/FileSystem"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Effect, Layer, Option } from "effect"
import { createServer } from "node:http"
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
}

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
      const body = new Uint8Array(yield* request.arrayBuffer)
      if (body.length === 0) return json(400, { error: "empty body" })
      const digest = Crypto.sha256Hex(body)
      const claimed = request.headers["x-pycodex-sha256"]
      if (claimed !== undefined && claimed.trim().toLowerCase() !== digest) return json(400, { error: "checksum mismatch" })
      const id = Crypto.callIdOf(body)
      const file = objectPath(id)
      const exists = yield* fs.exists(file)
      if (!exists) {
        yield* fs.makeDirectory(objects, { recursive: true })
        const partial = `${file}.${process.pid}.partial`
        yield* fs.writeFile(partial, body)
        yield* fs.rename(partial, file)
      }
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
