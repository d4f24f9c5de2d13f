/** Tests of Checks: doctor checks. */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer, TestClock } from "effect"
import * as Checks from "../../../src/cli/doctor/Checks.js"
import * as Network from "../../../src/cli/doctor/Network.js"
import { CodexConfig, layerValue, type ProviderInfo } from "../../../src/config/CodexConfig.js"
import * as Environment from "../../../src/config/Environment.js"
import * as FakeResponsesServer from "../../support/FakeResponsesServer.js"

const endpoint = { host: "127.0.0.1", port: 9, secure: false }
const secure = { host: "api.example.com", port: 443, secure: true }

const network = (overrides: Partial<Network.Network>) =>
  Network.layerValue({ lookup: () => Effect.succeed([]), connect: () => Effect.void, ...overrides })

const configWith = (provider: Partial<ProviderInfo> & { readonly baseUrl: string }) =>
  CodexConfig.pipe(Effect.provide(layerValue({ model: "demo-model", provider: { id: "neo", ...provider } })))

/** The live check over the scripted in-memory server, with a private environment. */
const runLive = (
  script: FakeResponsesServer.FakeScriptInput,
  provider: Partial<ProviderInfo>,
  vars: Record<string, string>,
  timeoutSeconds = 30
) =>
  Effect.gen(function* () {
    const fake = yield* FakeResponsesServer.makeHttpClient(script)
    const config = yield* configWith({ baseUrl: "http://fake.test/v1", ...provider })
    const fiber = yield* Checks.live(config, timeoutSeconds).pipe(
      Effect.provide(Layer.mergeAll(Layer.succeed(HttpClient.HttpClient, fake.client), Environment.layerValue(vars), NodeFileSystem.layer)),
      Effect.fork
    )
    return { fiber, requests: fake.requests }
  })

describe("doctor checks", () => {
  it("api_key: loaded, missing, and not needed without env_key", () => {
    const base: ProviderInfo = {
      id: "neo", name: "neo", baseUrl: "http://x/v1", wireApi: "responses", queryParams: [], httpHeaders: [], envHttpHeaders: [],
      requestMaxRetries: 0, streamMaxRetries: 0, streamIdleTimeoutMs: 1000, useChatCompletion: false, envKey: "DOCTOR_KEY"
    }
    expect(Checks.apiKey(base, Environment.fromRecord({ DOCTOR_KEY: "k" }))).toEqual({ name: "api_key", ok: true, detail: "DOCTOR_KEY loaded" })
    expect(Checks.apiKey(base, Environment.fromRecord({ DOCTOR_KEY: "" }))).toEqual({ name: "api_key", ok: false, detail: "DOCTOR_KEY is missing" })
    const { envKey: _, ...keyless } = base
    const check = Checks.apiKey(keyless, Environment.fromRecord({}))
    expect(check.ok).toBe(true)
    expect(check.detail).toContain("env_key")
    expect(Checks.keyLoaded(keyless, Environment.fromRecord({}))).toBe(false)
  })

  it.effect("dns: sorted unique addresses", () =>
    Effect.gen(function* () {
      const outcome = yield* Checks.dns(secure, undefined, "1 second").pipe(
        Effect.provide(network({ lookup: () => Effect.succeed(["10.0.0.2", "10.0.0.1", "10.0.0.2", "::1"]) }))
      )
      expect(outcome).toEqual({ check: { name: "dns", ok: true, detail: "api.example.com:443 -> 10.0.0.1, 10.0.0.2, ::1" }, stop: false })
    }))

  it.effect("dns: a failure fails and stops, unless a proxy resolves the name", () =>
    Effect.gen(function* () {
      const failing = network({ lookup: () => Effect.fail(new Network.NetworkError({ message: "getaddrinfo ENOTFOUND api.example.com" })) })
      const direct = yield* Checks.dns(secure, undefined, "1 second").pipe(Effect.provide(failing))
      expect(direct).toEqual({ check: { name: "dns", ok: false, detail: "api.example.com:443 -> getaddrinfo ENOTFOUND api.example.com" }, stop: true })
      const proxy = { variable: "https_proxy", secure: false, host: "127.0.0.1", port: 3128, display: "http://127.0.0.1:3128" }
      const proxied = yield* Checks.dns(secure, proxy, "1 second").pipe(Effect.provide(failing))
      expect(proxied.stop).toBe(false)
      expect(proxied.check.ok).toBe(true)
      expect(proxied.check.detail).toContain("http://127.0.0.1:3128")
    }))

  it.effect("dns: a lookup that never answers times out", () =>
    Effect.gen(function* () {
      const fiber = yield* Checks.dns(secure, undefined, "2 seconds").pipe(Effect.provide(network({ lookup: () => Effect.never })), Effect.fork)
      yield* TestClock.adjust("2 seconds")
      const outcome = yield* Fiber.join(fiber)
      expect(outcome.check).toEqual({ name: "dns", ok: false, detail: "api.example.com:443 -> timed out after 2.00s" })
    }))

  it.effect("transport: tcp and tls successes, with the time taken", () =>
    Effect.gen(function* () {
      const slow = network({ connect: () => Effect.sleep("250 millis") })
      const fiber = yield* Checks.transport(endpoint, undefined, "5 seconds").pipe(Effect.provide(slow), Effect.fork)
      yield* TestClock.adjust("250 millis")
      expect(yield* Fiber.join(fiber)).toEqual({ name: "transport", ok: true, detail: "tcp 127.0.0.1:9 connected in 0.25s" })
      const tls = yield* Checks.transport(secure, undefined, "5 seconds").pipe(Effect.provide(network({})))
      expect(tls).toEqual({ name: "transport", ok: true, detail: "tls api.example.com:443 connected in 0.00s" })
    }))

  it.effect("transport: a refused connection and a stuck one fail with the scheme, target and time", () =>
    Effect.gen(function* () {
      const refused = network({ connect: () => Effect.fail(new Network.NetworkError({ message: "connect ECONNREFUSED 127.0.0.1:9" })) })
      expect(yield* Checks.transport(endpoint, undefined, "5 seconds").pipe(Effect.provide(refused))).toEqual({
        name: "transport", ok: false, detail: "TCP 127.0.0.1:9 failed after 0.00s: connect ECONNREFUSED 127.0.0.1:9"
      })
      const fiber = yield* Checks.transport(secure, undefined, "500 millis").pipe(Effect.provide(network({ connect: () => Effect.never })), Effect.fork)
      yield* TestClock.adjust("499 millis")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 millis")
      expect(yield* Fiber.join(fiber)).toEqual({
        name: "transport", ok: false, detail: "TLS api.example.com:443 failed after 0.50s: timed out after 0.50s"
      })
    }))

  it.effect("transport: skipped when requests go through a proxy", () =>
    Effect.gen(function* () {
      const proxy = { variable: "https_proxy", secure: false, host: "127.0.0.1", port: 3128, display: "http://127.0.0.1:3128" }
      const connect = () => Effect.die("must not connect")
      const check = yield* Checks.transport(secure, proxy, "1 second").pipe(Effect.provide(network({ connect })))
      expect(check).toEqual({ name: "transport", ok: true, detail: "skipped direct probe because requests will use environment proxy settings" })
    }))

  it.effect("live: one request with the doctor's identity, no tools; the reply text is reported", () =>
    Effect.gen(function* () {
      const { fiber, requests } = yield* runLive([{ type: "message", text: "OK" }], { envKey: "DOCTOR_KEY" }, { DOCTOR_KEY: "secret-key" })
      const outcome = yield* Fiber.join(fiber)
      expect(outcome).toEqual({ check: { name: "live", ok: true, detail: "completed in 0.00s" }, outputText: "OK" })
      const posts = (yield* requests).filter((r) => r.method === "POST")
      expect(posts.length).toBe(1)
      const post = posts[0]!
      expect(post.headers["originator"]).toBe("tscodex_doctor")
      expect(post.headers["user-agent"]).toMatch(/^tscodex_doctor\//)
      expect(post.headers["authorization"]).toBe("Bearer secret-key")
      const body = post.body as Record<string, unknown>
      expect(body["model"]).toBe("demo-model")
      expect(body["instructions"]).toBe(Checks.LIVE_REQUEST)
      expect(body["tools"]).toEqual([])
      expect(body["parallel_tool_calls"]).toBe(true)
      expect(body["input"]).toEqual([{ type: "message", role: "user", content: [{ type: "input_text", text: Checks.LIVE_REQUEST }] }])
    }))

  it.effect("live: skipped without the provider's key; runs without one when the provider needs none", () =>
    Effect.gen(function* () {
      const missing = yield* runLive([{ type: "message", text: "OK" }], { envKey: "DOCTOR_KEY" }, {})
      expect(yield* Fiber.join(missing.fiber)).toEqual({ check: { name: "live", ok: false, detail: "skipped: missing API key" }, outputText: null })
      expect((yield* missing.requests).length).toBe(0)
      const keyless = yield* runLive([{ type: "message", text: "OK" }], {}, {})
      const outcome = yield* Fiber.join(keyless.fiber)
      expect(outcome.check.ok).toBe(true)
      expect(outcome.outputText).toBe("OK")
      expect((yield* keyless.requests)[0]!.headers["authorization"]).toBeUndefined()
    }))

  it.effect("live: a provider error is reported with its class and message", () =>
    Effect.gen(function* () {
      const { fiber } = yield* runLive(
        [{ type: "http_error", status: 401, body: { error: { message: "bad key" } } }],
        { envKey: "DOCTOR_KEY" },
        { DOCTOR_KEY: "k" }
      )
      const outcome = yield* Fiber.join(fiber)
      expect(outcome.check.ok).toBe(false)
      expect(outcome.check.detail).toMatch(/^failed after 0\.00s: ApiError: .*bad key/)
      expect(outcome.outputText).toBeNull()
    }))

  it.effect("live: a reply that never completes fails after the timeout", () =>
    Effect.gen(function* () {
      const { fiber, requests } = yield* runLive([{ type: "hang", after_events: 1 }], { envKey: "DOCTOR_KEY" }, { DOCTOR_KEY: "k" }, 3)
      // Move the clock only once the request is out (the timeout is armed by then); before that the
      // check may still be doing real I/O, and a clock moved too early would never fire its timer.
      for (let i = 0; i < 1000 && (yield* requests).length === 0; i++) {
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
      }
      expect((yield* requests).length).toBe(1)
      yield* TestClock.adjust("3 seconds")
      const outcome = yield* Fiber.join(fiber)
      expect(outcome.check).toEqual({ name: "live", ok: false, detail: "failed after 3.00s: TimeoutError: no complete reply within 3.00s" })
    }))
})
