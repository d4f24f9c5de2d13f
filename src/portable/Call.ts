/** Call: `--call` — download a stored bundle once, decrypt and unpack it into a cached Codex home. */
import * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClient from "@effect/platform/HttpClient"
import { Duration, Effect, Schema } from "effect"
import * as NodePath from "node:path"
import * as CodexHome from "../config/CodexHome.js"
import * as Environment from "../config/Environment.js"
import { ENTRY_FILE } from "./Bundle.js"
import * as Crypto from "./Crypto.js"
import { parseCallSpec, PortableError, resolveServer } from "./Specs.js"
import * as Zip from "./Zip.js"

/** Folder (under the working directory) holding downloaded homes when no root is configured. */
export const CACHE_DIR_NAME = ".tscodex-storage"

const Metadata = Schema.parseJson(Schema.Struct({ call_id: Schema.String, server_address: Schema.String }))

const errorText = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))
const io = (what: string) => (cause: unknown) => new PortableError({ message: `${what}: ${errorText(cause)}`, cause })

/** The cache root: given, else `TSCODEX_STORAGE_ROOT` (or `PYCODEX_STORAGE_ROOT`), else `./.tscodex-storage`. */
export const cacheRoot = (explicit?: string) =>
  Effect.map(Environment.Environment, (env) => {
    if (explicit !== undefined && explicit.trim() !== "") return NodePath.resolve(explicit)
    const fromEnv = Environment.project(env, "STORAGE_ROOT")?.trim()
    if (fromEnv !== undefined && fromEnv !== "") return NodePath.resolve(CodexHome.expandHome(fromEnv, env))
    return NodePath.resolve(CACHE_DIR_NAME)
  })

/** Checks every archive member and writes the files under `destination`. */
const extract = (entries: ReadonlyArray<Zip.Entry>, destination: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    for (const entry of entries) {
      if (entry.name.endsWith("/")) continue
      if (entry.name.startsWith("/") || entry.name.startsWith("\\") || /^[A-Za-z]:/.test(entry.name)) {
        return yield* new PortableError({ message: "bundle member must be relative" })
      }
      if (entry.name.split(/[\\/]/).includes("..")) {
        return yield* new PortableError({ message: "bundle member contains invalid path segments" })
      }
      const target = NodePath.resolve(destination, entry.name)
      const relative = NodePath.relative(destination, target)
      if (relative === "" || relative.startsWith("..") || NodePath.isAbsolute(relative)) {
        return yield* new PortableError({ message: "bundle contains unsafe paths" })
      }
      yield* fs.makeDirectory(NodePath.dirname(target), { recursive: true }).pipe(Effect.mapError(io("cannot unpack bundle")))
      yield* fs.writeFile(target, entry.data).pipe(Effect.mapError(io("cannot unpack bundle")))
    }
  })

/** The extracted home: the root when it holds config.toml, else its one child folder that does. */
const findHome = (root: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const has = (dir: string) => fs.exists(NodePath.join(dir, ENTRY_FILE)).pipe(Effect.orElseSucceed(() => false))
    if (yield* has(root)) return root
    const children = (yield* fs.readDirectory(root).pipe(Effect.orElseSucceed(() => []))).filter((name) => name !== "__MACOSX")
    if (children.length === 1) {
      const child = NodePath.join(root, children[0]!)
      if (yield* has(child)) return child
    }
    return yield* new PortableError({ message: "bundle is missing required config file after extraction" })
  })

/** Downloads the payload for a call id and checks the server's checksum header when present. */
const download = (base: string, callId: string) =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const failed = (detail: string) => new PortableError({ message: `call download failed: ${detail}` })
    return yield* Effect.gen(function* () {
      const response = yield* client.get(`${base}/call/${encodeURIComponent(callId)}`)
      if (response.status === 404) return yield* new PortableError({ message: `call id not found: ${callId}` })
      if (response.status >= 400) return yield* new PortableError({ message: `call download failed with status ${response.status}` })
      const body = new Uint8Array(yield* response.arrayBuffer)
      const expected = response.headers["x-pycodex-sha256"]
      if (expected !== undefined && expected.trim().toLowerCase() !== Crypto.sha256Hex(body)) {
        return yield* new PortableError({ message: "downloaded bundle checksum mismatch" })
      }
      return body
    }).pipe(
      Effect.timeoutFail({ duration: Duration.seconds(120), onTimeout: () => failed("timed out after 120s") }),
      Effect.catchTag("RequestError", "ResponseError", (error) => Effect.fail(failed(errorText(error)))),
      Effect.scoped
    )
  })

/**
 * Makes the home of a call spec available locally and returns its config.toml path. A home already
 * cached for the same call id and server is reused without touching the network.
 */
export const bootstrap = (spec: string, options: { readonly cacheRoot?: string } = {}) =>
  Effect.gen(function* () {
    const env = yield* Environment.Environment
    const fs = yield* FileSystem.FileSystem
    const call = yield* parseCallSpec(spec)
    const server = yield* resolveServer(call.server, env)
    const root = yield* cacheRoot(options.cacheRoot)
    const cacheDir = NodePath.join(root, Crypto.sha256Hex(new TextEncoder().encode(spec.trim())).slice(0, 16))
    const home = NodePath.join(cacheDir, "home")
    const metadataPath = NodePath.join(cacheDir, "metadata.json")
    const config = NodePath.join(home, ENTRY_FILE)
    const cached = yield* fs.readFileString(metadataPath).pipe(
      Effect.flatMap(Schema.decodeUnknown(Metadata)),
      Effect.option
    )
    const reusable = cached._tag === "Some" && cached.value.call_id === call.callId && cached.value.server_address === server.address
    if (reusable && (yield* fs.exists(config).pipe(Effect.orElseSucceed(() => false)))) return config

    yield* fs.makeDirectory(cacheDir, { recursive: true }).pipe(Effect.mapError(io("cannot create cache folder")))
    const payload = yield* download(server.base, call.callId)
    const zip = yield* Crypto.decrypt(payload, call.secret).pipe(
      Effect.mapError((error) => new PortableError({ message: error.message, cause: error }))
    )
    const entries = yield* Zip.read(zip).pipe(Effect.mapError((error) => new PortableError({ message: error.message, cause: error })))
    const staging = yield* fs.makeTempDirectory({ directory: cacheDir, prefix: ".unpack-" }).pipe(
      Effect.mapError(io("cannot create cache folder"))
    )
    yield* Effect.gen(function* () {
      yield* extract(entries, staging)
      const extracted = yield* findHome(staging)
      yield* fs.remove(home, { recursive: true, force: true }).pipe(Effect.mapError(io("cannot replace cached home")))
      yield* fs.rename(extracted, home).pipe(Effect.mapError(io("cannot replace cached home")))
    }).pipe(Effect.ensuring(fs.remove(staging, { recursive: true, force: true }).pipe(Effect.ignore)))
    const metadata = JSON.stringify({ call_id: call.callId, server_address: server.address }, null, 2)
    yield* fs.writeFileString(metadataPath, metadata).pipe(Effect.mapError(io("cannot write cache metadata")))
    return config
  })
