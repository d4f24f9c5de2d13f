/** `tscodex --put` and `tscodex --call` through the built CLI, against an in-process storage server. */
import * as Command from "@effect/platform/Command"
import * as FileSystem from "@effect/platform/FileSystem"
import * as HttpServer from "@effect/platform/HttpServer"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Context, Effect, Layer, Stream } from "effect"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import * as StorageServer from "../../src/portable/StorageServer.js"
import { CLI_PATH, runCli } from "../support/Cli.js"
import * as FakeResponsesServer from "../support/FakeResponsesServer.js"

const startStorage = (root: string) =>
  Effect.gen(function* () {
    const built = yield* Layer.build(StorageServer.layer({ root, host: "127.0.0.1", port: 0, log: () => Effect.void }))
    const address = Context.get(built, HttpServer.HttpServer).address
    return address._tag === "TcpAddress" ? `127.0.0.1:${address.port}` : ""
  })

const writeTree = (base: string, files: Record<string, string>) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    for (const [name, text] of Object.entries(files)) {
      yield* fs.makeDirectory(NodePath.dirname(NodePath.join(base, name)), { recursive: true })
      yield* fs.writeFileString(NodePath.join(base, name), text)
    }
  })

describe("tscodex --put / --call", () => {
  it.scopedLive("uploads a home, then runs a turn on the downloaded home with its .env key", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const tmp = NodeFs.realpathSync(yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-portable-cli-" }))
      const server = yield* FakeResponsesServer.make([{ type: "message", text: "OK" }])
      const storage = yield* startStorage(NodePath.join(tmp, "store"))
      const home = NodePath.join(tmp, "src", ".codex")
      yield* writeTree(home, {
        "config.toml": [
          'model = "gpt-5.5"',
          'model_provider = "portable"',
          "[model_providers.portable]",
          'name = "Portable"',
          `base_url = "${server.url}"`,
          'env_key = "PORTABLE_API_KEY"',
          ""
        ].join("\n"),
        ".env": "PORTABLE_API_KEY=from-storage-dotenv\n",
        "AGENTS.md": "Keep answers short ≤ 3 words — 保持简短\n",
        "skills/demo/SKILL.md": "---\nname: demo\ndescription: 演示技能 — ≤ one line\n---\nUse it.\n",
        "sessions/old.jsonl": "{}\n"
      })
      const workspace = NodePath.join(tmp, "ws")
      yield* fs.makeDirectory(workspace)

      const put = yield* runCli(["--put", `${home}@${storage}`], { cwd: workspace, env: { HOME: tmp } })
      expect(put.stderr).toBe("")
      expect(put.exitCode).toBe(0)
      const lines = put.stdout.trimEnd().split("\n")
      expect(lines[0]).toBe(`[put] source: ${home}`)
      expect(lines).toContain("[put] file: config.toml")
      expect(lines).toContain("[put] file: AGENTS.md")
      expect(lines).not.toContain("[put] file: sessions/old.jsonl")
      expect(lines.some((l) => l.startsWith("[put] uploaded: "))).toBe(true)
      expect(lines.some((l) => l.startsWith("[put] testing call: "))).toBe(true)
      expect(lines).toContain("[put] call test ok: config.toml")
      expect(lines.at(-2)).toBe("[put] one-click start:")
      const last = lines.at(-1)!
      expect(last).toMatch(new RegExp(`^tscodex --call \\S+-\\S+@${storage.replace(/\./g, "\\.")}$`))
      const spec = last.slice("tscodex --call ".length)

      const cache = NodePath.join(tmp, "cache")
      const run = yield* runCli(["--call", spec, "Reply with exactly OK."], {
        cwd: workspace,
        env: { HOME: tmp, TSCODEX_STORAGE_ROOT: cache, LANG: "zh_CN.GBK", LC_ALL: "zh_CN.GBK" }
      })
      expect(run.stderr).toBe("")
      expect(run.stdout).toBe("OK\n")
      expect(run.exitCode).toBe(0)
      const posts = (yield* server.requests).filter((r) => r.method === "POST")
      expect(posts.length).toBe(1)
      expect(posts[0]!.headers.authorization).toBe("Bearer from-storage-dotenv")
      expect(JSON.stringify(posts[0]!.body)).toContain("保持简短")
      // The session is recorded in the downloaded home, next to its config.toml.
      const cached = yield* fs.readDirectory(cache, { recursive: true })
      expect(cached.some((name) => name.includes(`home${NodePath.sep}sessions${NodePath.sep}`) && name.endsWith(".jsonl"))).toBe(true)
      expect(cached.some((name) => name.endsWith("metadata.json"))).toBe(true)
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("conflicting and malformed portable flags are refused", () =>
    Effect.gen(function* () {
      const both = yield* runCli(["--put", "@127.0.0.1:1", "--call", "a-b@127.0.0.1:1"])
      expect([both.exitCode, both.stderr]).toEqual([1, "Error: --put and --call cannot be combined\n"])
      const words = yield* runCli(["--put", "@127.0.0.1:1", "hello"])
      expect([words.exitCode, words.stderr]).toEqual([1, "Error: --put does not accept prompt text\n"])
      const bare = yield* runCli(["--put"])
      expect(bare.exitCode).toBe(2)
      const badCall = yield* runCli(["--call", "not-a-valid-call-spec", "hi"])
      expect([badCall.exitCode, badCall.stderr]).toEqual([1, "Error: call spec must look like <secret>-<call_id>@<host:port>\n"])
      const noHome = yield* runCli(["--put", "@127.0.0.1:1"], { env: { HOME: "/nonexistent-home" } })
      expect([noHome.exitCode, noHome.stderr]).toEqual([1, "Error: Codex home is not a directory: /nonexistent-home/.codex\n"])
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("tscodex storage-server announces where it listens and serves health checks", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const root = NodeFs.realpathSync(yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-store-" }))
      const proc = yield* Command.start(Command.make(process.execPath, CLI_PATH, "storage-server", "--port", "0", "--root", root))
      const lines = Chunk.toReadonlyArray(
        yield* proc.stdout.pipe(Stream.decodeText(), Stream.splitLines, Stream.take(4), Stream.runCollect)
      )
      const match = /^storage server listening on http:\/\/127\.0\.0\.1:(\d+)\/v1\/storage$/.exec(lines[0] ?? "")
      expect(match).not.toBeNull()
      const port = match![1]!
      expect(lines.slice(1)).toEqual([
        `storage root: ${root}`,
        `put current home: tscodex --put @127.0.0.1:${port}`,
        `put custom home: tscodex --put /data/.codex/@127.0.0.1:${port}`
      ])
      const health = yield* Effect.promise(() => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.json()))
      expect(health).toEqual({ ok: true })
    }).pipe(Effect.provide(NodeContext.layer)))
})
