/** Proxy selection (`*_PROXY`, `NO_PROXY`) and requests through a forward proxy and a CONNECT proxy on loopback. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Exit, Fiber, Stream, TestClock } from "effect"
import * as Environment from "../../src/config/Environment.js"
import { complete } from "../../src/model/ModelClient.js"
import type { ModelError } from "../../src/model/ModelError.js"
import * as Proxy from "../../src/model/proxy.js"
import * as ResponsesModelClient from "../../src/model/ResponsesModelClient.js"
import * as FakeResponsesServer from "../support/FakeResponsesServer.js"
import { options, prompt, provider } from "./support.js"
import { closedPort, envClient, proxy } from "./TransportServers.js"

const env = (vars: Record<string, string>) => Proxy.fromEnvironment(Environment.fromRecord(vars))
const chosen = (vars: Record<string, string>, url: string) => {
  const selected = Proxy.select(env(vars), new URL(url))
  return Either.isRight(selected) ? selected.right?.display : `error: ${selected.left.message}`
}
const bypass = (noProxy: string, url: string) => Proxy.bypasses(Proxy.parseNoProxy(noProxy), new URL(url))
const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString("base64")}`
const failure = (exit: Exit.Exit<unknown, ModelError>): ModelError => {
  if (Exit.isFailure(exit) && exit.cause._tag === "Fail") return exit.cause.error
  throw new Error(`expected a failure, got ${Exit.isSuccess(exit) ? "a success" : exit.cause._tag}`)
}
const noRetries = { requestMaxRetries: 0, streamMaxRetries: 0 }

describe("proxy selection", () => {
  it("uses https_proxy for https targets and http_proxy for http targets, else all_proxy", () => {
    const vars = { HTTPS_PROXY: "http://secure:1", HTTP_PROXY: "http://plain:2", ALL_PROXY: "http://all:3" }
    expect(chosen(vars, "https://api.example.com/v1")).toBe("http://secure:1")
    expect(chosen(vars, "http://api.example.com/v1")).toBe("http://plain:2")
    expect(chosen({ ALL_PROXY: "http://all:3" }, "https://api.example.com/v1")).toBe("http://all:3")
    expect(chosen({}, "https://api.example.com/v1")).toBeUndefined()
  })

  it("prefers the lowercase spelling, and an empty lowercase variable switches the proxy off", () => {
    expect(chosen({ https_proxy: "http://lower:1", HTTPS_PROXY: "http://upper:2" }, "https://x.example/")).toBe("http://lower:1")
    expect(chosen({ https_proxy: "", HTTPS_PROXY: "http://upper:2" }, "https://x.example/")).toBeUndefined()
    expect(chosen({ HTTPS_PROXY: "   " }, "https://x.example/")).toBeUndefined()
  })

  it("reads a scheme-less proxy as http, with the scheme's default port", () => {
    const parsed = Proxy.parseProxy({ name: "HTTPS_PROXY", value: "proxy.corp" })
    expect(Either.getOrThrow(parsed)).toMatchObject({ host: "proxy.corp", port: 80, secure: false, display: "http://proxy.corp" })
    expect(Either.getOrThrow(Proxy.parseProxy({ name: "x", value: "https://proxy.corp" }))).toMatchObject({ port: 443, secure: true })
  })

  it("turns URL credentials into Basic Proxy-Authorization, percent-decoded, and keeps them out of the display", () => {
    const parsed = Either.getOrThrow(Proxy.parseProxy({ name: "HTTPS_PROXY", value: "http://al%40ice:p%3Aw@127.0.0.1:3128" }))
    expect(parsed.authorization).toBe(basic("al@ice:p:w"))
    expect(parsed.display).toBe("http://127.0.0.1:3128")
    expect(Either.getOrThrow(Proxy.parseProxy({ name: "x", value: "http://127.0.0.1:3128" })).authorization).toBeUndefined()
  })

  it("rejects unsupported schemes and broken URLs by variable name, never echoing the value", () => {
    expect(chosen({ HTTPS_PROXY: "socks5://bob:hunter2@127.0.0.1:1080" }, "https://x.example/")).toBe(
      "error: HTTPS_PROXY names a socks5 proxy; only http:// and https:// proxies are supported"
    )
    const broken = chosen({ https_proxy: "http://bob:hunter2@[bad" }, "https://x.example/")
    expect(broken).toBe("error: https_proxy is not a valid proxy URL")
  })

  it("NO_PROXY: `*` bypasses everything", () => {
    expect(bypass("*", "https://api.example.com/")).toBe(true)
    expect(bypass("example.org, *", "http://10.1.1.1/")).toBe(true)
  })

  it("NO_PROXY: a name matches itself and its subdomains at a dot boundary, any case, with or without a leading dot", () => {
    expect(bypass("example.com", "https://example.com/")).toBe(true)
    expect(bypass("example.com", "https://api.EXAMPLE.com/")).toBe(true)
    expect(bypass("example.com", "https://badexample.com/")).toBe(false)
    expect(bypass(".example.com", "https://example.com/")).toBe(true)
    expect(bypass("*.example.com", "https://deep.api.example.com/")).toBe(true)
    expect(bypass("other.org example.com", "https://api.example.com/")).toBe(true)
    expect(bypass("other.org", "https://api.example.com/")).toBe(false)
  })

  it("NO_PROXY: an entry with a port matches only that port (the scheme's default when the URL has none)", () => {
    expect(bypass("example.com:8443", "https://example.com:8443/")).toBe(true)
    expect(bypass("example.com:8443", "https://example.com/")).toBe(false)
    expect(bypass("example.com:443", "https://example.com/")).toBe(true)
  })

  it("NO_PROXY: IP literals match exactly or inside a CIDR block, IPv4 and IPv6", () => {
    expect(bypass("10.0.0.0/8", "http://10.20.30.40:8000/")).toBe(true)
    expect(bypass("10.0.0.0/8", "http://11.0.0.1/")).toBe(false)
    expect(bypass("192.168.1.5", "http://192.168.1.5/")).toBe(true)
    expect(bypass("::1", "http://[::1]:8080/")).toBe(true)
    expect(bypass("[::1]:8080", "http://[::1]:8080/")).toBe(true)
    expect(bypass("fd00::/8", "http://[fd12::1]/")).toBe(true)
    expect(bypass("10.0.0.0/8", "http://[fd12::1]/")).toBe(false)
  })

  it("NO_PROXY: loopback goes through the proxy unless listed (as Python's requests does)", () => {
    expect(chosen({ HTTP_PROXY: "http://proxy:1" }, "http://127.0.0.1:8000/v1")).toBe("http://proxy:1")
    expect(chosen({ HTTP_PROXY: "http://proxy:1", NO_PROXY: "localhost,127.0.0.1" }, "http://127.0.0.1:8000/v1")).toBeUndefined()
    expect(chosen({ HTTP_PROXY: "http://proxy:1", no_proxy: "localhost" }, "http://localhost:8000/v1")).toBeUndefined()
  })
})

describe("through a forward proxy (http targets)", () => {
  it.scoped("sends an absolute-form request with Proxy-Authorization, and the client's headers unchanged", () =>
    Effect.gen(function* () {
      const server = yield* FakeResponsesServer.make([{ type: "message", text: "OK" }])
      const forward = yield* proxy()
      const opts = options({ provider: provider({ baseUrl: server.url, envKey: "DEMO_KEY" }) })
      const client = yield* envClient(opts, { DEMO_KEY: "secret", HTTP_PROXY: `http://alice:s%40cret@127.0.0.1:${forward.port}` })
      const items = yield* complete(client, prompt(), () => Effect.void)
      expect(items).toEqual([{ _tag: "AssistantMessage", text: "OK" }])

      const [record, ...others] = forward.records()
      expect(others).toEqual([])
      expect(record!.kind).toBe("forward")
      expect(record!.target).toBe(`${server.url}/responses`)
      const names = record!.rawHeaders.map(([name]) => name.toLowerCase())
      expect(names).not.toContain("connection")
      expect(record!.rawHeaders).toContainEqual(["proxy-authorization", basic("alice:s@cret")])
      expect(record!.rawHeaders).toContainEqual(["Host", `127.0.0.1:${server.port}`])
      const built = ResponsesModelClient.responsesHeaders(
        { ...opts, guardianApproval: false },
        opts.sessionId!,
        "secret",
        prompt(),
        Environment.fromRecord({})
      )
      expect(names.filter((name) => built.some(([n]) => n === name))).toEqual(built.map(([name]) => name))
      for (const [name, value] of built) expect(record!.rawHeaders, name).toContainEqual([name, value])

      const requests = yield* server.requests
      expect(requests.map((r) => r.path)).toEqual(["/v1/responses"])
      expect(requests[0]!.headers).not.toHaveProperty("proxy-authorization")
    })
  )

  it.scoped("goes straight to the server when NO_PROXY lists it", () =>
    Effect.gen(function* () {
      const server = yield* FakeResponsesServer.make([{ type: "message", text: "OK" }])
      const forward = yield* proxy()
      const client = yield* envClient(options({ provider: provider({ baseUrl: server.url }) }), {
        HTTP_PROXY: forward.url,
        NO_PROXY: "example.com, 127.0.0.1"
      })
      yield* Stream.runDrain(client.stream(prompt()))
      expect(forward.records()).toEqual([])
      expect((yield* server.requests).length).toBe(1)
    })
  )

  it.scoped("goes straight to the server when the lowercase variable is set empty", () =>
    Effect.gen(function* () {
      const server = yield* FakeResponsesServer.make([{ type: "message", text: "OK" }])
      const forward = yield* proxy()
      const client = yield* envClient(options({ provider: provider({ baseUrl: server.url }) }), { http_proxy: "", HTTP_PROXY: forward.url })
      yield* Stream.runDrain(client.stream(prompt()))
      expect(forward.records()).toEqual([])
      expect((yield* server.requests).length).toBe(1)
    })
  )

  it.scoped("uses ALL_PROXY when no scheme-specific proxy is set, for GET /models too", () =>
    Effect.gen(function* () {
      const server = yield* FakeResponsesServer.make({ turns: [], models: ["demo-model"] })
      const forward = yield* proxy()
      const client = yield* envClient(options({ provider: provider({ baseUrl: server.url }) }), { ALL_PROXY: forward.url })
      expect(yield* client.listModels).toEqual(["demo-model"])
      expect(forward.records().map((r) => `${r.kind} ${r.target}`)).toEqual([`forward ${server.url}/models`])
    })
  )
})

describe("through a CONNECT proxy (https targets)", () => {
  it.scoped("a refused tunnel is a transport error that never shows the credentials", () =>
    Effect.gen(function* () {
      const tunnel = yield* proxy({ requireAuthorization: basic("alice:right") })
      const client = yield* envClient(options({ provider: provider({ baseUrl: "https://api.example.test/v1", ...noRetries }) }), {
        HTTPS_PROXY: `http://alice:wrong-pass@127.0.0.1:${tunnel.port}`
      })
      const error = failure(yield* Effect.exit(Stream.runDrain(client.stream(prompt()))))
      expect(error._tag).toBe("RetryableStreamError")
      const lines = error.message.split("\n")
      expect(lines[0]).toBe("responses request failed while reading the HTTP stream")
      expect(lines).toContain("- exception: ProxyError")
      expect(lines).toContain(
        `- detail: the proxy http://127.0.0.1:${tunnel.port} refused CONNECT api.example.test:443: HTTP/1.1 407 Proxy Authentication Required`
      )
      expect(error.message).not.toContain("wrong-pass")
      expect(error.message).not.toContain("alice")
      expect(tunnel.records()).toEqual([
        {
          kind: "connect",
          target: "api.example.test:443",
          rawHeaders: [
            ["Host", "api.example.test:443"],
            ["Proxy-Authorization", basic("alice:wrong-pass")]
          ]
        }
      ])
    })
  )

  it.scoped("an unreachable proxy is a transport error that never shows the credentials", () =>
    Effect.gen(function* () {
      const port = yield* closedPort
      const client = yield* envClient(options({ provider: provider({ baseUrl: "https://api.example.test/v1", ...noRetries }) }), {
        https_proxy: `http://alice:hunter2@127.0.0.1:${port}`
      })
      const error = failure(yield* Effect.exit(Stream.runDrain(client.stream(prompt()))))
      expect(error._tag).toBe("RetryableStreamError")
      expect(error.message).toContain("- exception: ECONNREFUSED")
      expect(error.message).not.toContain("hunter2")
      expect(error.message).not.toContain("alice")
    })
  )

  it.scoped("a tunnel that is never answered fails after the connect timeout, max(timeout_seconds, 1 s)", () =>
    Effect.gen(function* () {
      const tunnel = yield* proxy({ hangOnConnect: true })
      const client = yield* envClient(
        options({ provider: provider({ baseUrl: "https://api.example.test/v1", ...noRetries }), timeoutSeconds: 0.25 }),
        { HTTPS_PROXY: `http://alice:hunter2@127.0.0.1:${tunnel.port}` }
      )
      const fiber = yield* Effect.fork(Effect.exit(Stream.runDrain(client.stream(prompt()))))
      yield* tunnel.firstConnect
      yield* TestClock.adjust("999 millis")
      expect(yield* Fiber.poll(fiber)).toEqual(expect.objectContaining({ _tag: "None" }))
      yield* TestClock.adjust("1 millis")
      const error = failure(yield* Fiber.join(fiber))
      expect(error._tag).toBe("RetryableStreamError")
      const lines = error.message.split("\n")
      expect(lines[0]).toBe("could not connect to https://api.example.test/v1/responses: no connection in time")
      expect(lines).toContain("- exception: ConnectTimeout")
      expect(error.message).not.toContain("SSE")
      expect(lines).toContain(`- detail: no connection to http://127.0.0.1:${tunnel.port} within 1s`)
      expect(error.message).not.toContain("hunter2")
    })
  )

  it.effect("an unusable proxy setting fails at once, without retries", () =>
    Effect.gen(function* () {
      const client = yield* envClient(options({ provider: provider({ baseUrl: "https://api.example.test/v1" }) }), {
        HTTPS_PROXY: "socks5://bob:hunter2@127.0.0.1:1080"
      })
      // default retry knobs: a retry would wait on the TestClock and never finish
      const error = failure(yield* Effect.exit(Stream.runDrain(client.stream(prompt()))))
      expect(error._tag).toBe("ApiError")
      expect(error.message).toBe("HTTPS_PROXY names a socks5 proxy; only http:// and https:// proxies are supported")
    })
  )
})
