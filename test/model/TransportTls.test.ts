/** TLS trust from REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE / SSL_CERT_FILE, and https through a CONNECT tunnel, on loopback. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Stream } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { complete } from "../../src/model/ModelClient.js"
import type { ModelError } from "../../src/model/ModelError.js"
import { options, prompt, provider } from "./support.js"
import { envClient, hasOpenssl, proxy, selfSigned, tlsServer } from "./TransportServers.js"

const failure = (exit: Exit.Exit<unknown, ModelError>): ModelError => {
  if (Exit.isFailure(exit) && exit.cause._tag === "Fail") return exit.cause.error
  throw new Error(`expected a failure, got ${Exit.isSuccess(exit) ? "a success" : exit.cause._tag}`)
}
const noRetries = { requestMaxRetries: 0, streamMaxRetries: 0 }
const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString("base64")}`

describe("CA bundle settings that cannot work", () => {
  it.effect("an unreadable bundle fails at once, naming the variable and the path, without retries", () =>
    Effect.gen(function* () {
      const client = yield* envClient(options({ provider: provider({ baseUrl: "https://127.0.0.1:9/v1" }) }), {
        REQUESTS_CA_BUNDLE: " ",
        SSL_CERT_FILE: " /no/such/dir/ca.pem "
      })
      // default retry knobs: a retry would wait on the TestClock and never finish
      const error = failure(yield* Effect.exit(Stream.runDrain(client.stream(prompt()))))
      expect(error._tag).toBe("ApiError")
      expect(error.message).toMatch(/^SSL_CERT_FILE names a CA bundle that cannot be used: \/no\/such\/dir\/ca\.pem \(NotFound: .+\)$/)
    })
  )

  it.scoped("a bundle without certificates is refused the same way, also for GET /models", () =>
    Effect.gen(function* () {
      const dir = yield* Effect.acquireRelease(
        Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "tscodex-ca-"))),
        (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
      )
      const path = Path.join(dir, "empty.pem")
      Fs.writeFileSync(path, "not a certificate\n")
      const client = yield* envClient(options({ provider: provider({ baseUrl: "https://127.0.0.1:9/v1" }) }), { CURL_CA_BUNDLE: path })
      const error = failure(yield* Effect.exit(client.listModels))
      expect(error.message).toBe(`models request failed: CURL_CA_BUNDLE names a CA bundle that cannot be used: ${path} (no PEM certificate in it)`)
    })
  )

  it.effect("plain-http targets never read the bundle", () =>
    Effect.gen(function* () {
      const client = yield* envClient(options({ provider: provider({ baseUrl: "http://127.0.0.1:9/v1", ...noRetries }) }), {
        SSL_CERT_FILE: "/no/such/dir/ca.pem"
      })
      const error = failure(yield* Effect.exit(Stream.runDrain(client.stream(prompt()))))
      expect(error._tag).toBe("RetryableStreamError")
      expect(error.message).toContain("- exception: ECONNREFUSED")
    })
  )
})

describe.skipIf(!hasOpenssl)(hasOpenssl ? "TLS with a self-signed certificate" : "TLS with a self-signed certificate (skipped: needs openssl on PATH to make one)", () => {
  it.scoped("is trusted through SSL_CERT_FILE", () =>
    Effect.gen(function* () {
      const certificate = yield* selfSigned
      const server = yield* tlsServer(certificate)
      const client = yield* envClient(options({ provider: provider({ baseUrl: `https://localhost:${server.port}/v1`, ...noRetries }) }), {
        SSL_CERT_FILE: certificate.certPath
      })
      expect(yield* complete(client, prompt(), () => Effect.void)).toEqual([{ _tag: "AssistantMessage", text: "OK" }])
      const [request] = server.requests()
      expect(request!.path).toBe("/v1/responses")
      expect(request!.rawHeaders).toContainEqual(["Host", `localhost:${server.port}`])
      expect(request!.rawHeaders.map(([name]) => name.toLowerCase())).not.toContain("connection")
    })
  )

  it.scoped("takes the first non-blank of REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, SSL_CERT_FILE", () =>
    Effect.gen(function* () {
      const certificate = yield* selfSigned
      const server = yield* tlsServer(certificate)
      const client = yield* envClient(options({ provider: provider({ baseUrl: `https://127.0.0.1:${server.port}/v1`, ...noRetries }) }), {
        REQUESTS_CA_BUNDLE: "   ",
        CURL_CA_BUNDLE: certificate.certPath,
        SSL_CERT_FILE: "/no/such/dir/ca.pem"
      })
      expect(yield* complete(client, prompt(), () => Effect.void)).toEqual([{ _tag: "AssistantMessage", text: "OK" }])
    })
  )

  it.scoped("is rejected without the bundle, as a transport error", () =>
    Effect.gen(function* () {
      const certificate = yield* selfSigned
      const server = yield* tlsServer(certificate)
      const client = yield* envClient(options({ provider: provider({ baseUrl: `https://localhost:${server.port}/v1`, ...noRetries }) }), {})
      const error = failure(yield* Effect.exit(Stream.runDrain(client.stream(prompt()))))
      expect(error._tag).toBe("RetryableStreamError")
      const lines = error.message.split("\n")
      expect(lines[0]).toMatch(/^could not connect to https:\/\/localhost:\d+\/v1\/responses: TLS handshake failed$/)
      expect(lines).toContain("- exception: DEPTH_ZERO_SELF_SIGNED_CERT")
      expect(lines.filter((l) => l.startsWith("- hint:"))).toEqual([
        "- hint: check that the URL should use https, and for private certificates set SSL_CERT_FILE (or REQUESTS_CA_BUNDLE) to their CA bundle"
      ])
      expect(lines).toContain("- detail: self-signed certificate")
      expect(server.requests()).toEqual([])
    })
  )

  it.scoped("goes through a CONNECT tunnel with Proxy-Authorization; the server sees only the client's headers", () =>
    Effect.gen(function* () {
      const certificate = yield* selfSigned
      const server = yield* tlsServer(certificate)
      const tunnel = yield* proxy({ requireAuthorization: basic("alice:s3cret") })
      const client = yield* envClient(options({ provider: provider({ baseUrl: `https://localhost:${server.port}/v1`, ...noRetries }) }), {
        HTTPS_PROXY: `http://alice:s3cret@127.0.0.1:${tunnel.port}`,
        HTTP_PROXY: "http://127.0.0.1:9",
        SSL_CERT_FILE: certificate.certPath
      })
      expect(yield* complete(client, prompt(), () => Effect.void)).toEqual([{ _tag: "AssistantMessage", text: "OK" }])
      expect(tunnel.records()).toEqual([
        {
          kind: "connect",
          target: `localhost:${server.port}`,
          rawHeaders: [
            ["Host", `localhost:${server.port}`],
            ["Proxy-Authorization", basic("alice:s3cret")]
          ]
        }
      ])
      const [request] = server.requests()
      const names = request!.rawHeaders.map(([name]) => name.toLowerCase())
      expect(names).not.toContain("proxy-authorization")
      expect(names).not.toContain("connection")
      expect(request!.rawHeaders).toContainEqual(["Host", `localhost:${server.port}`])
    })
  )
})
