/** Tests of portable mode end to end: upload, download and refusal through a real storage server. */
import * as FileSystem from "@effect/platform/FileSystem"
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpServer from "@effect/platform/HttpServer"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { expect, it } from "@effect/vitest"
import { Context, Effect, Exit, Layer, Ref, Scope } from "effect"
import * as NodePath from "node:path"
import * as Environment from "../../src/config/Environment.js"
import * as Bundle from "../../src/portable/Bundle.js"
import * as Call from "../../src/portable/Call.js"
import * as StorageServer from "../../src/portable/StorageServer.js"
import * as Upload from "../../src/portable/Upload.js"

const deps = (env: Record<string, string> = {}) =>
  Layer.mergeAll(NodeFileSystem.layer, NodeHttpClient.layerUndici, Environment.layerValue(env))

/** Starts a storage server on a free port in its own scope; returns its address and a way to stop it. */
const startServer = (root: string) =>
  Effect.gen(function* () {
    const scope = yield* Scope.make()
    const lines = yield* Ref.make<ReadonlyArray<string>>([])
    const built = yield* Layer.buildWithScope(
      StorageServer.layer({ root, host: "127.0.0.1", port: 0, log: (line) => Ref.update(lines, (l) => [...l, line]) }).pipe(
        Layer.provide(NodeFileSystem.layer)
      ),
      scope
    )
    const address = Context.get(built, HttpServer.HttpServer).address
    if (address._tag !== "TcpAddress") throw new Error("not tcp")
    yield* Effect.addFinalizer(() => Scope.close(scope, Exit.void))
    return { address: `127.0.0.1:${address.port}`, stop: Scope.close(scope, Exit.void), lines }
  })

const makeHome = (files: Record<string, string>) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const base = yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-portable-" })
    const home = NodePath.join(base, ".codex")
    for (const [name, text] of Object.entries(files)) {
      const path = NodePath.join(home, name)
      yield* fs.makeDirectory(NodePath.dirname(path), { recursive: true })
      yield* fs.writeFileString(path, text)
    }
    return { base, home: yield* fs.realPath(home) }
  })

const HOME_FILES = {
  "config.toml": 'model = "demo"\nmodel_instructions_file = "instructions/base.md"\n[profiles.fast]\nmodel_instructions_file = "/abs/ignored.md"\n',
  ".env": "PORTABLE_API_KEY=from-storage-dotenv\n",
  "AGENTS.md": "stored agents instructions ≤ — 中文\n",
  "instructions/base.md": "base\n",
  "skills/demo/SKILL.md": "---\nname: demo\ndescription: 演示 — ≤\n---\nbody\n",
  "skills/.hidden": "hidden\n",
  ".tmp/ignored.txt": "no\n",
  "sessions/2026/04/rollout.jsonl": "{}\n"
}

const collectLog = Effect.map(Ref.make<ReadonlyArray<string>>([]), (ref) => ({
  ref,
  log: (line: string) => Ref.update(ref, (lines) => [...lines, line])
}))

it.scopedLive("uploads a whitelisted, encrypted bundle and bootstraps it back, also after the server stopped", () =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const { base, home } = yield* makeHome(HOME_FILES)
    const server = yield* startServer(NodePath.join(base, "store"))
    const { ref, log } = yield* collectLog
    const uploaded = yield* Upload.upload(`${home}@${server.address}`, log)
    const lines = yield* Ref.get(ref)
    expect(uploaded.callSpec.endsWith(`@${server.address}`)).toBe(true)
    expect(uploaded.callSpec.split("@")[0]).toContain("-")
    expect(lines[0]).toBe(`[put] source: ${home}`)
    expect(lines).toContain("[put] mode: whitelist")
    expect(lines).toContain("[put] packing 6 files")
    expect(lines.filter((l) => l.startsWith("[put] file: "))).toEqual([
      "[put] file: .env",
      "[put] file: AGENTS.md",
      "[put] file: config.toml",
      "[put] file: instructions/base.md",
      "[put] file: skills/.hidden",
      "[put] file: skills/demo/SKILL.md"
    ])
    expect(lines.join("\n")).not.toContain("ignored.txt")
    expect(lines.join("\n")).not.toContain("rollout.jsonl")
    expect(lines.at(-1)).toBe(`[put] uploaded: ${uploaded.callSpec}`)
    expect((yield* Ref.get(server.lines)).some((l) => l.startsWith(`[server] put: client=`) && l.includes("status=stored"))).toBe(true)

    const stored = yield* fs.readFile(NodePath.join(base, "store", "objects", `${uploaded.callId}.bin`))
    expect(Buffer.from(stored.subarray(0, 2)).toString("latin1")).not.toBe("PK")
    expect(Buffer.from(stored.subarray(0, 4)).toString("latin1")).toBe("PCX1")

    const cache = NodePath.join(base, "cache")
    const first = yield* Call.bootstrap(uploaded.callSpec, { cacheRoot: cache })
    expect(yield* fs.readFileString(NodePath.join(NodePath.dirname(first), "AGENTS.md"))).toBe(HOME_FILES["AGENTS.md"])
    expect(yield* fs.readFileString(NodePath.join(NodePath.dirname(first), "skills/demo/SKILL.md"))).toBe(
      HOME_FILES["skills/demo/SKILL.md"]
    )
    expect(yield* fs.exists(NodePath.join(NodePath.dirname(first), "sessions"))).toBe(false)
    yield* server.stop
    const second = yield* Call.bootstrap(uploaded.callSpec, { cacheRoot: cache })
    expect(second).toBe(first)
    expect(NodePath.basename(first)).toBe("config.toml")
  }).pipe(Effect.provide(deps())))

it.scopedLive("a wrong secret and an unknown call id are refused", () =>
  Effect.gen(function* () {
    const { base, home } = yield* makeHome({ "config.toml": "model = \"x\"\n" })
    const server = yield* startServer(NodePath.join(base, "store"))
    const { log } = yield* collectLog
    const uploaded = yield* Upload.upload(`${home}@${server.address}`, log)
    const [, rest] = uploaded.callSpec.split("-", 2) as [string, string]
    const forged = `deadbeefdeadbeefdeadbeefdeadbeef-${rest}`
    const error = yield* Effect.flip(Call.bootstrap(forged, { cacheRoot: NodePath.join(base, "cache") }))
    expect(error.message).toBe("call secret is invalid or bundle is corrupted")
    const missing = yield* Effect.flip(Call.bootstrap(`abc-zzzzzzzz@${server.address}`, { cacheRoot: NodePath.join(base, "cache") }))
    expect(missing.message).toBe("call id not found: zzzzzzzz")
  }).pipe(Effect.provide(deps())))

it.scopedLive("preflight fails before packing when the server is unreachable", () =>
  Effect.gen(function* () {
    const { home } = yield* makeHome({ "config.toml": "model = \"x\"\n" })
    const { ref, log } = yield* collectLog
    const error = yield* Effect.flip(Upload.upload(`${home}@127.0.0.1:1`, log))
    expect(error.message).toMatch(/^storage server preflight failed for 127\.0\.0\.1:1: /)
    const lines = yield* Ref.get(ref)
    expect(lines).toEqual([`[put] source: ${home}`, "[put] checking server: 127.0.0.1:1"])
  }).pipe(Effect.provide(deps())))

it.scopedLive("the source defaults to $HOME/.codex", () =>
  Effect.gen(function* () {
    const { base, home } = yield* makeHome({ "config.toml": "model = \"x\"\n" })
    const resolved = yield* Upload.resolveSource("").pipe(Effect.provide(Environment.layerValue({ HOME: base })))
    expect(resolved).toBe(home)
    const missing = yield* Effect.flip(Upload.resolveSource(NodePath.join(base, "nowhere")))
    expect(missing.message).toContain("Codex home is not a directory: ")
  }).pipe(Effect.provide(deps())))

it.scopedLive("config paths leaving the home or using .. are refused", () =>
  Effect.gen(function* () {
    const outside = yield* makeHome({ "config.toml": 'model_instructions_file = "../outside.md"\n' })
    const error = yield* Effect.flip(Bundle.whitelist(outside.home))
    expect(error.message).toBe("config path points outside Codex home: ../outside.md")
    const dotted = yield* makeHome({ "config.toml": 'model_instructions_file = "a/../b.md"\n', "b.md": "b" })
    const error2 = yield* Effect.flip(Bundle.whitelist(dotted.home))
    expect(error2.message).toBe("config path contains invalid path segments")
  }).pipe(Effect.provide(deps())))

it.scopedLive("the server refuses call ids that are not base58 (no path traversal)", () =>
  Effect.gen(function* () {
    const { base } = yield* makeHome({ "config.toml": "" })
    const fs = yield* FileSystem.FileSystem
    yield* fs.makeDirectory(NodePath.join(base, "store", "objects"), { recursive: true })
    yield* fs.writeFileString(NodePath.join(base, "secret.bin"), "private")
    const server = yield* startServer(NodePath.join(base, "store"))
    const client = yield* HttpClient.HttpClient
    const get = (path: string) =>
      client.get(`http://${server.address}${path}`).pipe(
        Effect.flatMap((r) => Effect.map(r.text, (text) => ({ status: r.status, text }))),
        Effect.scoped
      )
    for (const path of ["/v1/storage/call/..%2F..%2Fsecret", "/v1/storage/call/%2E%2E%2Fx", "/v1/storage/call/a.b"]) {
      const answer = yield* get(path)
      expect(answer.status).toBe(400)
      expect(JSON.parse(answer.text)).toEqual({ error: "invalid call_id" })
    }
    expect(JSON.parse((yield* get("/v1/storage/call/%20")).text)).toEqual({ error: "missing call_id" })
    const notFound = yield* get("/v1/storage/call/abc?x=1")
    expect([notFound.status, JSON.parse(notFound.text)]).toEqual([404, { error: "not found" }])
    const health = yield* get("/healthz?probe")
    expect([health.status, JSON.parse(health.text)]).toEqual([200, { ok: true }])
    expect((yield* get("/elsewhere")).status).toBe(404)
    const empty = yield* client.post(`http://${server.address}/v1/storage/put`).pipe(
      Effect.flatMap((r) => Effect.map(r.text, (text) => [r.status, JSON.parse(text)])),
      Effect.scoped
    )
    expect(empty).toEqual([400, { error: "empty body" }])
    const mismatch = yield* client
      .post(`http://${server.address}/v1/storage/put`, {
        headers: { "x-pycodex-sha256": "00" },
        body: HttpBody.text("payload", "application/octet-stream")
      })
      .pipe(Effect.flatMap((r) => Effect.map(r.text, (text) => [r.status, JSON.parse(text)])), Effect.scoped)
    expect(mismatch).toEqual([400, { error: "checksum mismatch" }])
  }).pipe(Effect.provide(deps())))

it.effect("bad call specs get clear messages", () =>
  Effect.gen(function* () {
    const bad = yield* Effect.flip(Call.bootstrap("not-a-valid-call-spec"))
    expect(bad.message).toBe("call spec must look like <secret>-<call_id>@<host:port>")
    const noDash = yield* Effect.flip(Call.bootstrap("secret@127.0.0.1:5577"))
    expect(noDash.message).toBe("call spec must include secret and call_id")
    const empty = yield* Effect.flip(Call.bootstrap("-abc@127.0.0.1:5577"))
    expect(empty.message).toBe("call spec is missing secret or call_id")
  }).pipe(Effect.provide(deps())))
