/** Tests of Network: doctor network probes. */
import * as NodeCommandExecutor from "@effect/platform-node/NodeCommandExecutor"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Doctor from "../../../src/cli/doctor/Doctor.js"
import * as Network from "../../../src/cli/doctor/Network.js"
import * as ResponsesModelClient from "../../../src/model/ResponsesModelClient.js"
import * as Environment from "../../../src/config/Environment.js"
import * as FakeResponsesServer from "../../support/FakeResponsesServer.js"
import { closedPort, hasOpenssl, selfSigned, tlsServer } from "../../model/TransportServers.js"

const network = (vars: Record<string, string>) =>
  Network.Network.pipe(Effect.provide(Network.layer.pipe(Layer.provide(Layer.merge(Environment.layerValue(vars), NodeFileSystem.layer)))))

describe("doctor network probes", () => {
  it.scopedLive("connects to a listening port and reports a refused one", () =>
    Effect.gen(function* () {
      const net = yield* network({})
      const server = yield* FakeResponsesServer.make([])
      yield* net.connect({ host: "127.0.0.1", port: server.port, secure: false })
      const port = yield* closedPort
      const error = yield* Effect.flip(net.connect({ host: "127.0.0.1", port, secure: false }))
      expect(error).toBeInstanceOf(Network.NetworkError)
      expect(error.message).toContain("ECONNREFUSED")
    }))

  it.live("resolves an IP literal to itself and localhost from the hosts file", () =>
    Effect.gen(function* () {
      expect(yield* Network.lookup("127.0.0.1")).toEqual(["127.0.0.1"])
      const local = yield* Network.lookup("localhost")
      expect(local.some((address) => address === "127.0.0.1" || address === "::1")).toBe(true)
    }))
})

describe.skipIf(!hasOpenssl)("doctor TLS probe (skipped: needs openssl on PATH to make a certificate)", () => {
  it.scopedLive("completes a handshake only when the CA bundle trusts the server", () =>
    Effect.gen(function* () {
      const certificate = yield* selfSigned
      const server = yield* tlsServer(certificate)
      const endpoint = { host: "localhost", port: server.port, secure: true }
      const untrusted = yield* Effect.flip((yield* network({})).connect(endpoint))
      expect(untrusted.message).toMatch(/self.signed|certificate/i)
      yield* (yield* network({ SSL_CERT_FILE: certificate.certPath })).connect(endpoint)
      const unreadable = yield* Effect.flip((yield* network({ SSL_CERT_FILE: "/no/such/ca.pem" })).connect(endpoint))
      expect(unreadable.message).toContain("SSL_CERT_FILE")
    }))

  it.scopedLive("a whole doctor run over https: tls transport and the live reply", () =>
    Effect.gen(function* () {
      const certificate = yield* selfSigned
      const server = yield* tlsServer(certificate)
      const fs = yield* FileSystem.FileSystem
      const home = yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-doctor-tls-" })
      yield* fs.writeFileString(
        `${home}/config.toml`,
        `model = "m"\nmodel_provider = "secure"\n[model_providers.secure]\nbase_url = "https://localhost:${server.port}/v1"\nrequest_max_retries = 0\n`
      )
      const env = Environment.layerValue({ HOME: "/nonexistent-home", SSL_CERT_FILE: certificate.certPath })
      const services = Layer.mergeAll(Network.layer, ResponsesModelClient.layerHttpClientEnvironment).pipe(
        Layer.provideMerge(Layer.mergeAll(env, NodeFileSystem.layer, NodeCommandExecutor.layer.pipe(Layer.provide(NodeFileSystem.layer))))
      )
      const report = yield* Doctor.collect({ configPath: `${home}/config.toml`, timeoutSeconds: 5, skipLive: false }).pipe(Effect.provide(services))
      expect(report.checks.find((c) => c.name === "transport")!.detail).toMatch(new RegExp(`^tls localhost:${server.port} connected in`))
      expect(report.liveOutputText).toBe("OK")
      expect(report.ok).toBe(true)
    }).pipe(Effect.provide(NodeFileSystem.layer)))
})
