/** Tests of Doctor: tscodex doctor. */
import * as NodeCommandExecutor from "@effect/platform-node/NodeCommandExecutor"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as NodePath from "node:path"
import * as Doctor from "../../../src/cli/doctor/Doctor.js"
import * as Network from "../../../src/cli/doctor/Network.js"
import type { Report } from "../../../src/cli/doctor/Report.js"
import * as Environment from "../../../src/config/Environment.js"
import * as ResponsesModelClient from "../../../src/model/ResponsesModelClient.js"
import { bubblewrap } from "../../support/Bubblewrap.js"
import * as FakeResponsesServer from "../../support/FakeResponsesServer.js"
import { CHECK_NAMES } from "./support.js"

const providerToml = (baseUrl: string, extra = 'env_key = "DOCTOR_KEY"\n') =>
  `model = "demo-model"\nmodel_provider = "neo"\n[model_providers.neo]\nbase_url = "${baseUrl}"\n${extra}`

/** A Codex home holding `files`, and the doctor run on it with a private environment over the real network. */
const doctorIn = (files: Record<string, string>, vars: Record<string, string>, options: Partial<Doctor.Options> = {}) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const home = yield* fs.realPath(yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-doctor-" }))
    for (const [name, text] of Object.entries(files)) yield* fs.writeFileString(`${home}/${name}`, text)
    const env = Environment.layerValue({ HOME: "/nonexistent-home", ...vars })
    const services = Layer.mergeAll(Network.layer, ResponsesModelClient.layerHttpClientEnvironment).pipe(
      Layer.provideMerge(Layer.mergeAll(env, NodeFileSystem.layer, NodeCommandExecutor.layer.pipe(Layer.provide(NodeFileSystem.layer))))
    )
    const report = yield* Doctor.collect({ configPath: `${home}/config.toml`, timeoutSeconds: 5, skipLive: false, ...options }).pipe(
      Effect.provide(services)
    )
    return { home, report }
  }).pipe(Effect.provide(NodeFileSystem.layer))

const named = (report: Report, name: string) => report.checks.filter((c) => c.name === name)

describe("tscodex doctor", () => {
  it.scopedLive("reports ok against a working server: every check passes and the live reply is shown", () =>
    Effect.gen(function* () {
      const server = yield* FakeResponsesServer.make([{ type: "message", text: "OK" }])
      const { home, report } = yield* doctorIn({ "config.toml": providerToml(server.url) }, { DOCTOR_KEY: "k" })
      expect(report.ok).toBe(true)
      expect(report).toMatchObject({
        configPath: `${home}/config.toml`,
        dotenvPath: `${home}/.env`,
        profile: null,
        providerName: "neo",
        model: "demo-model",
        baseUrl: server.url,
        responsesUrl: `${server.url}/responses`,
        apiKeyEnv: "DOCTOR_KEY",
        apiKeyLoaded: true,
        liveOutputText: "OK"
      })
      expect(report.checks.map((c) => c.name)).toEqual([...CHECK_NAMES])
      expect(report.checks.every((c) => c.ok)).toBe(true)
      expect(named(report, "dns")[0]!.detail).toBe(`127.0.0.1:${server.port} -> 127.0.0.1`)
      expect(named(report, "transport")[0]!.detail).toMatch(new RegExp(`^tcp 127\\.0\\.0\\.1:${server.port} connected in \\d+\\.\\d\\ds$`))
      expect(named(report, "live")[0]!.detail).toMatch(/^completed in \d+\.\d\ds$/)
      expect(named(report, "proxy")[0]!.detail).toBe("not configured")
      const posts = (yield* server.requests).filter((r) => r.method === "POST")
      expect(posts.length).toBe(1)
      expect(posts[0]!.headers["originator"]).toBe("tscodex_doctor")
    }))

  it.scopedLive("a closed port fails exactly one check, transport", () =>
    Effect.gen(function* () {
      const { report } = yield* doctorIn({ "config.toml": providerToml("http://127.0.0.1:9/v1") }, { DOCTOR_KEY: "k" }, {
        skipLive: true,
        timeoutSeconds: 0.5
      })
      expect(report.ok).toBe(false)
      const transport = named(report, "transport")
      expect(transport.length).toBe(1)
      expect(transport[0]!.ok).toBe(false)
      expect(transport[0]!.detail).toMatch(/^TCP 127\.0\.0\.1:9 failed after \d+\.\d\ds: /)
      expect(report.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(["transport"])
      expect(named(report, "live")).toEqual([])
    }))

  it.scopedLive("with an https proxy the proxy is shown and the direct probe is skipped", () =>
    Effect.gen(function* () {
      const { report } = yield* doctorIn({ "config.toml": providerToml("https://127.0.0.1:9/v1") }, {
        DOCTOR_KEY: "k",
        https_proxy: "http://127.0.0.1:3128"
      }, { skipLive: true })
      const proxy = named(report, "proxy")[0]!
      expect(proxy.ok).toBe(true)
      expect(proxy.detail).toContain("https=http://127.0.0.1:3128")
      const transport = named(report, "transport")[0]!
      expect(transport.ok).toBe(true)
      expect(transport.detail).toContain("skipped direct probe")
      expect(report.ok).toBe(true)
    }))

  it.scopedLive("proxy credentials never appear in the report", () =>
    Effect.gen(function* () {
      const { report } = yield* doctorIn({ "config.toml": providerToml("https://127.0.0.1:9/v1") }, {
        DOCTOR_KEY: "k",
        https_proxy: "http://user:secret@127.0.0.1:3128"
      }, { skipLive: true })
      const detail = named(report, "proxy")[0]!.detail
      expect(detail).toContain("https=http://127.0.0.1:3128")
      expect(detail).not.toContain("user")
      expect(detail).not.toContain("secret")
      expect(JSON.stringify(report)).not.toContain("secret")
    }))

  it.scopedLive("a proxy for another scheme does not stop the direct probe of the server", () =>
    Effect.gen(function* () {
      const server = yield* FakeResponsesServer.make([])
      const { report } = yield* doctorIn({ "config.toml": providerToml(server.url) }, { DOCTOR_KEY: "k", https_proxy: "http://127.0.0.1:3128" }, {
        skipLive: true
      })
      expect(named(report, "proxy")[0]!.detail).toBe("https=http://127.0.0.1:3128")
      expect(named(report, "transport")[0]!.detail).toMatch(/^tcp 127\.0\.0\.1:\d+ connected in/)
      expect(report.ok).toBe(true)
    }))

  it.scopedLive("a missing config stops after the config and dotenv checks", () =>
    Effect.gen(function* () {
      const { home, report } = yield* doctorIn({}, { DOCTOR_KEY: "k" })
      expect(report.ok).toBe(false)
      expect(report.checks).toEqual([
        { name: "config", ok: false, detail: `missing: ${home}/config.toml` },
        { name: "dotenv", ok: true, detail: `missing (optional): ${home}/.env` }
      ])
      expect(report.providerName).toBeNull()
      expect(report.liveOutputText).toBeNull()
    }))

  it.scopedLive("a malformed config is a failing config_parse check naming the problem", () =>
    Effect.gen(function* () {
      const { home, report } = yield* doctorIn({ "config.toml": 'model = "m"\nmodel_provider = \n' }, {})
      expect(report.ok).toBe(false)
      expect(report.checks.map((c) => [c.name, c.ok])).toEqual([["config", true], ["dotenv", true], ["config_parse", false]])
      expect(report.checks[2]!.detail).toMatch(new RegExp(`^ConfigError: ${home}/config\\.toml: invalid TOML at line 2`))
    }))

  it.scopedLive("an unknown profile and a non-numeric port are config_parse failures", () =>
    Effect.gen(function* () {
      const profile = yield* doctorIn({ "config.toml": providerToml("http://127.0.0.1:9/v1") }, {}, { profile: "nope" })
      expect(profile.report.profile).toBe("nope")
      expect(profile.report.checks.at(-1)).toMatchObject({ name: "config_parse", ok: false })
      expect(profile.report.checks.at(-1)!.detail).toContain("nope")
      const port = yield* doctorIn({ "config.toml": providerToml("http://127.0.0.1:abc/v1") }, {})
      expect(port.report.checks.at(-1)).toMatchObject({ name: "config_parse", ok: false })
      expect(port.report.checks.at(-1)!.detail).toContain("base_url")
    }))

  it.scopedLive("reads the key from the .env beside the config", () =>
    Effect.gen(function* () {
      const { home, report } = yield* doctorIn(
        { "config.toml": providerToml("http://127.0.0.1:9/v1"), ".env": "DOCTOR_KEY=from-dotenv\n" },
        {},
        { skipLive: true, timeoutSeconds: 0.5 }
      )
      expect(named(report, "dotenv")[0]).toEqual({ name: "dotenv", ok: true, detail: `${home}/.env` })
      expect(named(report, "api_key")[0]).toEqual({ name: "api_key", ok: true, detail: "DOCTOR_KEY loaded" })
      expect(report.apiKeyLoaded).toBe(true)
    }))

  it.scopedLive("a provider without env_key passes api_key and still runs the live request", () =>
    Effect.gen(function* () {
      const server = yield* FakeResponsesServer.make([{ type: "message", text: "OK" }])
      const { report } = yield* doctorIn({ "config.toml": providerToml(server.url, "") }, {})
      expect(report.apiKeyEnv).toBeNull()
      expect(report.apiKeyLoaded).toBe(false)
      expect(named(report, "api_key")[0]!.ok).toBe(true)
      expect(named(report, "live")[0]!.ok).toBe(true)
      expect(report.liveOutputText).toBe("OK")
      expect(report.ok).toBe(true)
    }))

  it.scopedLive("a missing key fails api_key and skips the live request", () =>
    Effect.gen(function* () {
      const server = yield* FakeResponsesServer.make([{ type: "message", text: "OK" }])
      const { report } = yield* doctorIn({ "config.toml": providerToml(server.url) }, {})
      expect(named(report, "api_key")[0]).toEqual({ name: "api_key", ok: false, detail: "DOCTOR_KEY is missing" })
      expect(named(report, "live")[0]).toEqual({ name: "live", ok: false, detail: "skipped: missing API key" })
      expect((yield* server.requests).length).toBe(0)
      expect(report.ok).toBe(false)
    }))
})

const sandboxChecks = (report: Report) => report.checks.filter((c) => c.name.startsWith("sandbox_")).map((c) => [c.name, c.ok, c.detail])

describe.skipIf("skip" in bubblewrap)(`tscodex doctor on a machine where the sandbox works${"skip" in bubblewrap ? ` (skipped: ${bubblewrap.skip})` : ""}`, () => {
  it.scopedLive("reports bwrap's path, usable namespaces and a refused probe write", () =>
    Effect.gen(function* () {
      const bwrap = "bwrap" in bubblewrap ? bubblewrap.bwrap : ""
      const { report } = yield* doctorIn(
        { "config.toml": `sandbox_mode = "read-only"\n${providerToml("http://127.0.0.1:9/v1")}` },
        { DOCTOR_KEY: "k", PATH: NodePath.dirname(bwrap) },
        { skipLive: true, timeoutSeconds: 0.5 }
      )
      expect(sandboxChecks(report)).toEqual([
        ["sandbox_bwrap", true, bwrap],
        ["sandbox_namespaces", true, "bwrap created a sandbox (user, pid and network namespaces)"],
        ["sandbox_write", true, "a write under the read-only sandbox was refused"]
      ])
    }))
})

describe("tscodex doctor without bubblewrap", () => {
  it.scopedLive("a configured bwrap_path that is missing fails the checks when a sandbox is asked for, and only warns when none is", () =>
    Effect.gen(function* () {
      const missing = "/nonexistent-tscodex-test/bwrap"
      const asked = yield* doctorIn(
        { "config.toml": `sandbox_mode = "workspace-write"\nbwrap_path = "${missing}"\n${providerToml("http://127.0.0.1:9/v1")}` },
        { DOCTOR_KEY: "k" },
        { skipLive: true, timeoutSeconds: 0.5 }
      )
      const refused = `; sandbox_mode "workspace-write" refuses every command until this is fixed`
      expect(sandboxChecks(asked.report)).toEqual([
        ["sandbox_bwrap", false, `the configured bwrap_path ${missing} is not an executable file; install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap)${refused}`],
        ["sandbox_namespaces", false, `not checked (no bwrap)${refused}`],
        ["sandbox_write", false, `not checked (no bwrap)${refused}`]
      ])
      expect(asked.report.ok).toBe(false)

      const fallback = yield* doctorIn(
        { "config.toml": `bwrap_path = "${missing}"\n${providerToml("http://127.0.0.1:9/v1")}` },
        { DOCTOR_KEY: "k" },
        { skipLive: true, timeoutSeconds: 0.5 }
      )
      const [bwrapCheck] = sandboxChecks(fallback.report)
      expect(bwrapCheck).toEqual([
        "sandbox_bwrap",
        true,
        `the configured bwrap_path ${missing} is not an executable file; install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap); without a sandbox_mode, commands run unsandboxed`
      ])
    }))
})
