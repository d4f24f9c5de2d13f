/**
 * Benchmark of connection reuse: sequential requests of one client against the wire server over
 * http and over HTTPS (a test CA made with openssl), counting the connections the server accepted,
 * and timing one client (one connection, one handshake) against a fresh client per request.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Effect } from "effect"
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { providerDefaults } from "../src/config/CodexConfig.js"
import * as Environment from "../src/config/Environment.js"
import { complete } from "../src/model/ModelClient.js"
import * as ResponsesModelClient from "../src/model/ResponsesModelClient.js"
import { userMessage } from "../src/protocol/Items.js"
import { median } from "./support/measure.js"
import { startWireServer } from "./support/wireServer.js"

const REQUESTS = 20

export interface TestCa {
  readonly dir: string
  readonly caFile: string
  readonly key: string
  readonly cert: string
}

/** A CA and a certificate for 127.0.0.1 signed by it, in a temp dir. */
export const makeTestCa = (): TestCa => {
  const dir = mkdtempSync(join(tmpdir(), "tscodex-bench-ca-"))
  const run = (...args: Array<string>) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" })
  run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=tscodex bench CA")
  run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
  writeFileSync(join(dir, "ext.cnf"), "subjectAltName = IP:127.0.0.1, DNS:localhost\n")
  run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "1", "-extfile", "ext.cnf")
  return {
    dir,
    caFile: join(dir, "ca.pem"),
    key: readFileSync(join(dir, "server.key"), "utf8"),
    cert: readFileSync(join(dir, "server.pem"), "utf8")
  }
}

const makeClient = (url: string, env: Record<string, string>) =>
  Effect.gen(function* () {
    const http = yield* HttpClient.HttpClient
    return yield* ResponsesModelClient.make({
      provider: { ...providerDefaults, id: "bench", name: "bench", baseUrl: url },
      model: "bench-model",
      sessionId: "00000000-0000-7000-8000-000000000000",
      originator: "codex_exec",
      userAgent: "bench",
      timeoutSeconds: 10
    }).pipe(Effect.provideService(HttpClient.HttpClient, http))
  }).pipe(
    Effect.provide(ResponsesModelClient.layerHttpClientEnvironment),
    Effect.provideService(Environment.Environment, Environment.fromRecord(env)),
    Effect.provide(NodeFileSystem.layer)
  )

const prompt = { input: [userMessage("hi")], tools: [], parallelToolCalls: true }

export interface ConnectionCase {
  readonly requests: number
  /** Connections the server accepted for `requests` requests of one client. */
  readonly connections: number
  /** Median time per request with one client. */
  readonly reusedMs: number
  /** Median time per request with a fresh client (and connection) each. */
  readonly freshMs: number
}

const runCase = async (tls: TestCa | undefined): Promise<ConnectionCase> => {
  const server = await startWireServer({
    script: { turns: () => ({ type: "message", text: "OK" }) },
    ...(tls !== undefined ? { tls: { key: tls.key, cert: tls.cert } } : {})
  })
  const env = tls !== undefined ? { SSL_CERT_FILE: tls.caFile } : {}
  try {
    const timed = (effect: Effect.Effect<unknown, unknown>) =>
      Effect.gen(function* () {
        const started = performance.now()
        yield* effect
        return performance.now() - started
      })
    const reused = await Effect.runPromise(
      Effect.gen(function* () {
        const client = yield* makeClient(server.url, env)
        const times: Array<number> = []
        for (let i = 0; i < REQUESTS; i++) times.push(yield* timed(complete(client, prompt, () => Effect.void)))
        return times
      })
    )
    const connections = server.connections()
    const fresh = await Effect.runPromise(
      Effect.gen(function* () {
        const times: Array<number> = []
        for (let i = 0; i < REQUESTS; i++) {
          times.push(yield* timed(Effect.flatMap(makeClient(server.url, env), (client) => complete(client, prompt, () => Effect.void))))
        }
        return times
      })
    )
    return { requests: REQUESTS, connections, reusedMs: median(reused.slice(1)), freshMs: median(fresh.slice(1)) }
  } finally {
    await server.close()
  }
}

export const runConnectionBench = async (): Promise<{ readonly plain: ConnectionCase; readonly tls: ConnectionCase }> => {
  const ca = makeTestCa()
  try {
    return { plain: await runCase(undefined), tls: await runCase(ca) }
  } finally {
    rmSync(ca.dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const result = await runConnectionBench()
  for (const [name, c] of Object.entries(result)) {
    console.log(`${name}: ${c.connections} connection(s) for ${c.requests} requests; per request ${c.reusedMs.toFixed(1)} ms reused, ${c.freshMs.toFixed(1)} ms fresh`)
  }
}
