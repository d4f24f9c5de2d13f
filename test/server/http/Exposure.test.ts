/** Listening beyond loopback: a warning without inbound keys, a refusal to start with --require-api-key (built CLI, real exit codes). */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as ServerConfig from "../../../src/server/ServerConfig.js"
import { CLI_PATH, runCli } from "../../support/Cli.js"
import { startProcess } from "../../support/Processes.js"

const built = fs.existsSync(CLI_PATH)
const backend = ["--outcomming-base-url", "http://127.0.0.1:1/v1", "--port", "0", "--no-access-log"]
const env = (extra: Record<string, string> = {}) => ({ PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: "/nonexistent-home", ...extra })
const warning =
  "tscodex responses-server: warning: listening on 0.0.0.0 without inbound API keys: anyone who can reach it can use the backend " +
  "(use --api-key-env NAME, or --require-api-key to refuse this)"
const listening = /listening on http:\/\/[0-9.]+:(\d+) \(POST/

describe("ServerConfig.isLoopback", () => {
  it("knows the loopback spellings and nothing else", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]", "::ffff:127.0.0.1"]) {
      expect([host, ServerConfig.isLoopback(host)]).toEqual([host, true])
    }
    for (const host of ["0.0.0.0", "::", "", "10.0.0.1", "192.168.1.2", "example.com", "128.0.0.1"]) {
      expect([host, ServerConfig.isLoopback(host)]).toEqual([host, false])
    }
  })
})

describe.skipIf(!built)(`responses-server exposure${built ? "" : " (skipped: dist/ is not built, run npm run build)"}`, () => {
  it.scopedLive("on 0.0.0.0 without inbound keys it warns on stderr before listening, and serves", () =>
    Effect.gen(function* () {
      const server = yield* startProcess(process.execPath, [CLI_PATH, "responses-server", "--host", "0.0.0.0", ...backend], listening, env())
      const lines = server.output().split("\n")
      expect(lines[0]).toBe(warning)
      expect(lines[1]).toMatch(listening)
      const health = yield* Effect.promise(() => fetch(`http://127.0.0.1:${server.match[1]}/healthz`).then((r) => r.status))
      expect(health).toBe(200)
    }), 30_000)

  it.scopedLive("on 0.0.0.0 with an inbound key it says nothing", () =>
    Effect.gen(function* () {
      const server = yield* startProcess(
        process.execPath,
        [CLI_PATH, "responses-server", "--host", "0.0.0.0", "--api-key-env", "INBOUND_KEY", ...backend],
        listening,
        env({ INBOUND_KEY: "k-123" })
      )
      expect(server.output()).not.toContain("warning")
      expect(server.output().split("\n")[0]).toMatch(listening)
    }), 30_000)

  it.effect("--require-api-key without keys refuses to start with exit status 2, wherever it would listen", () =>
    Effect.gen(function* () {
      for (const host of ["0.0.0.0", "127.0.0.1"]) {
        const run = yield* runCli(["responses-server", "--host", host, "--require-api-key", ...backend], { env: env() })
        expect([host, run.exitCode]).toEqual([host, 2])
        expect(run.stderr).toBe(
          "tscodex responses-server: error: --require-api-key is set but no inbound key is configured (use --api-key-env NAME)\n"
        )
        expect(run.stdout).toBe("")
      }
    }).pipe(Effect.provide(NodeContext.layer)), 30_000)

  it.effect("--require-api-key with a key variable that is unset or empty refuses to start", () =>
    Effect.gen(function* () {
      const run = yield* runCli(
        ["responses-server", "--host", "0.0.0.0", "--require-api-key", "--api-key-env", "KEY_A,KEY_B", ...backend],
        { env: env({ KEY_B: "" }) }
      )
      expect(run.exitCode).toBe(2)
      expect(run.stderr).toBe("tscodex responses-server: error: inbound API key variables not set or empty: KEY_A, KEY_B\n")
    }).pipe(Effect.provide(NodeContext.layer)), 30_000)
})
