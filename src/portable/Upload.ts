/** Upload: `--put` — check the storage server, pack and encrypt a Codex home, and store it. */
import * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpBody from "@effect/platform/HttpBody"
import { Duration, Effect } from "effect"
import * as NodePath from "node:path"
import * as CodexHome from "../config/CodexHome.js"
import * as Environment from "../config/Environment.js"
import * as Bundle from "./Bundle.js"
import * as Crypto from "./Crypto.js"
import { parsePutSpec, PortableError, resolveServer, type StorageServer } from "./Specs.js"

/** Where progress lines go (stdout in the CLI). */
export type Log = (line: string) => Effect.Effect<void>

/** What an upload produced. */
export interface Uploaded {
  readonly callSpec: string
  readonly callId: string
  readonly server: StorageServer
  readonly sha256: string
}

const errorText = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

/** The source home: given path (`~` expanded) or `$HOME/.codex`, resolved, a folder holding config.toml. */
export const resolveSource = (source: string) =>
  Effect.gen(function* () {
    const env = yield* Environment.Environment
    const fs = yield* FileSystem.FileSystem
    const given = source.trim() === "" ? NodePath.join(CodexHome.userHome(env), ".codex") : CodexHome.expandHome(source.trim(), env)
    const absolute = NodePath.resolve(given)
    const home = yield* fs.realPath(absolute).pipe(Effect.orElseSucceed(() => absolute))
    const info = yield* fs.stat(home).pipe(Effect.option)
    if (info._tag === "None" || info.value.type !== "Directory") {
      return yield* new PortableError({ message: `Codex home is not a directory: ${home}` })
    }
    const config = NodePath.join(home, Bundle.ENTRY_FILE)
    const configInfo = yield* fs.stat(config).pipe(Effect.option)
    if (configInfo._tag === "None" || configInfo.value.type !== "File") {
      return yield* new PortableError({ message: `Codex home is missing required file: ${config}` })
    }
    return home
  })

/** `GET /healthz` with a 3 s limit; nothing is packed before this succeeds. */
export const preflight = (server: StorageServer) =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const failed = (detail: string) =>
      new PortableError({ message: `storage server preflight failed for ${server.address}: ${detail}` })
    const response = yield* client.get(`${server.origin}/healthz`).pipe(
      Effect.timeoutFail({ duration: Duration.seconds(3), onTimeout: () => failed("timed out after 3s") }),
      Effect.catchTag("RequestError", "ResponseError", (error) => Effect.fail(failed(errorText(error)))),
      Effect.scoped
    )
    if (response.status >= 400) return yield* failed(`status ${response.status}`)
  })

/** Uploads the home named by a `--put` value and returns the call spec. */
export const upload = (spec: string, log: Log) =>
  Effect.gen(function* () {
    const env = yield* Environment.Environment
    const client = yield* HttpClient.HttpClient
    const parts = yield* parsePutSpec(spec)
    const server = yield* resolveServer(parts.server, env)
    const home = yield* resolveSource(parts.source)
    yield* log(`[put] source: ${home}`)
    yield* log(`[put] checking server: ${server.address}`)
    yield* preflight(server)
    const files = yield* Bundle.whitelist(home)
    yield* log("[put] mode: whitelist")
    yield* log(`[put] packing ${files.length} files`)
    for (const file of files) yield* log(`[put] file: ${file}`)
    const zip = yield* Bundle.pack(home, files)
    const secret = yield* Crypto.newSecret()
    const payload = yield* Crypto.encrypt(zip, secret)
    const sha256 = Crypto.sha256Hex(payload)
    const callId = Crypto.callIdOf(payload)
    const callSpec = `${secret}-${callId}@${server.address}`
    yield* log(`[put] bundle: ${zip.length} bytes plaintext, sha256=${sha256}`)
    yield* log(`[put] uploading ciphertext to ${server.address}`)
    const uploadFailed = (detail: string) => new PortableError({ message: `storage upload failed: ${detail}` })
    const response = yield* client
      .post(`${server.base}/put`, {
        headers: { "x-pycodex-sha256": sha256 },
        body: HttpBody.uint8Array(payload, "application/octet-stream")
      })
      .pipe(
        Effect.timeoutFail({ duration: Duration.seconds(120), onTimeout: () => uploadFailed("timed out after 120s") }),
        Effect.catchTag("RequestError", "ResponseError", (error) => Effect.fail(uploadFailed(errorText(error)))),
        Effect.scoped
      )
    if (response.status >= 400) {
      return yield* new PortableError({ message: `storage upload failed with status ${response.status}` })
    }
    yield* log(`[put] uploaded: ${callSpec}`)
    return { callSpec, callId, server, sha256 } satisfies Uploaded
  })
