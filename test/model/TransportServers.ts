/** Loopback servers for the transport tests: a forward/CONNECT proxy, a TLS Responses server, a self-signed certificate. */
import { Effect, Layer, type Scope } from "effect"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Http from "node:http"
import * as Https from "node:https"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import * as HttpClient from "@effect/platform/HttpClient"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as Environment from "../../src/config/Environment.js"
import * as ResponsesModelClient from "../../src/model/ResponsesModelClient.js"
import { clientWith } from "./support.js"

/** What the proxy was asked. */
export interface ProxyRecord {
  readonly kind: "forward" | "connect"
  /** The request target: an absolute URL, or `host:port` for CONNECT. */
  readonly target: string
  readonly rawHeaders: ReadonlyArray<readonly [string, string]>
}

export interface ProxyOptions {
  /** `Basic ...` the proxy insists on (407 otherwise). */
  readonly requireAuthorization?: string
  /** Accept CONNECT but never answer it. */
  readonly hangOnConnect?: boolean
}

export interface TestProxy {
  readonly url: string
  readonly port: number
  readonly records: () => ReadonlyArray<ProxyRecord>
  /** Resolves at the first CONNECT the proxy receives. */
  readonly firstConnect: Effect.Effect<void>
}

const pairs = (raw: ReadonlyArray<string>): Array<readonly [string, string]> => {
  const out: Array<readonly [string, string]> = []
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!])
  return out
}

const listen = (server: Net.Server): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => resolve((server.address() as Net.AddressInfo).port))
  })

/** An HTTP proxy on 127.0.0.1: forwards absolute-form requests and tunnels CONNECT; closed with its Scope. */
export const proxy = (options: ProxyOptions = {}): Effect.Effect<TestProxy, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const records: Array<ProxyRecord> = []
      const sockets = new Set<Net.Socket>()
      let connected!: () => void
      const firstConnect = new Promise<void>((resolve) => (connected = resolve))
      const authorized = (headers: Http.IncomingHttpHeaders) =>
        options.requireAuthorization === undefined || headers["proxy-authorization"] === options.requireAuthorization
      const server = Http.createServer((req, res) => {
        records.push({ kind: "forward", target: req.url ?? "", rawHeaders: pairs(req.rawHeaders) })
        if (!authorized(req.headers)) {
          res.writeHead(407, { "proxy-authenticate": "Basic" })
          return res.end("proxy authentication required")
        }
        const headers = { ...req.headers }
        delete headers["proxy-authorization"]
        const upstream = Http.request(req.url ?? "", { method: req.method ?? "GET", headers, agent: false }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        })
        upstream.on("error", () => res.destroy())
        req.pipe(upstream)
      })
      server.on("connection", (socket: Net.Socket) => {
        sockets.add(socket)
        socket.once("close", () => sockets.delete(socket))
      })
      server.on("connect", (req: Http.IncomingMessage, client: Net.Socket, head: Buffer) => {
        records.push({ kind: "connect", target: req.url ?? "", rawHeaders: pairs(req.rawHeaders) })
        sockets.add(client)
        client.on("error", () => client.destroy())
        connected()
        if (options.hangOnConnect === true) return
        if (!authorized(req.headers)) {
          client.end("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n")
          return
        }
        const [host, port] = [(req.url ?? "").replace(/:\d+$/, "").replace(/^\[|\]$/g, ""), Number(/:(\d+)$/.exec(req.url ?? "")?.[1])]
        const upstream = Net.connect({ host, port }, () => {
          client.write("HTTP/1.1 200 Connection Established\r\n\r\n")
          if (head.length > 0) upstream.write(head)
          upstream.pipe(client)
          client.pipe(upstream)
        })
        sockets.add(upstream)
        upstream.on("error", () => client.destroy())
        upstream.once("close", () => client.destroy())
      })
      const port = await listen(server)
      const close = () =>
        new Promise<void>((done) => {
          for (const socket of sockets) socket.destroy()
          server.closeAllConnections()
          server.close(() => done())
        })
      return { url: `http://127.0.0.1:${port}`, port, records: () => [...records], firstConnect: Effect.promise(() => firstConnect), close }
    }),
    (handle) => Effect.promise(() => handle.close())
  )

/** A loopback port nothing listens on (bound, then released). */
export const closedPort = Effect.promise(async () => {
  const server = Net.createServer()
  const port = await listen(server)
  await new Promise<void>((done) => server.close(() => done()))
  return port
})

/** Whether `openssl` can be run. */
export const hasOpenssl = ChildProcess.spawnSync("openssl", ["version"], { stdio: "ignore" }).status === 0

export interface Certificate {
  readonly dir: string
  readonly certPath: string
  readonly key: string
  readonly cert: string
}

/** A self-signed certificate for `localhost` and 127.0.0.1, made by openssl in a temp dir removed with the Scope. */
export const selfSigned: Effect.Effect<Certificate, never, Scope.Scope> = Effect.acquireRelease(
  Effect.sync(() => {
    const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "tscodex-tls-"))
    const keyPath = Path.join(dir, "key.pem")
    const certPath = Path.join(dir, "cert.pem")
    ChildProcess.execFileSync(
      "openssl",
      [
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", keyPath, "-out", certPath, "-days", "1", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"
      ],
      { stdio: "ignore" }
    )
    return { dir, certPath, key: Fs.readFileSync(keyPath, "utf8"), cert: Fs.readFileSync(certPath, "utf8") }
  }),
  (certificate) => Effect.sync(() => Fs.rmSync(certificate.dir, { recursive: true, force: true }))
)

/** One assistant message `OK`, then `response.completed`. */
const sseBody = [
  { type: "response.output_text.delta", delta: "OK" },
  { type: "response.output_item.done", item: { type: "message", role: "assistant", content: [{ type: "output_text", text: "OK" }] } },
  { type: "response.completed", response: { id: "resp_1" } }
].map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join("")

export interface TlsServer {
  readonly port: number
  readonly requests: () => ReadonlyArray<{ readonly path: string; readonly rawHeaders: ReadonlyArray<readonly [string, string]> }>
}

/** An https Responses server on 127.0.0.1 answering every POST with `sseBody`. */
export const tlsServer = (certificate: Certificate): Effect.Effect<TlsServer, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const requests: Array<{ path: string; rawHeaders: ReadonlyArray<readonly [string, string]> }> = []
      const server = Https.createServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
        req.resume()
        req.on("end", () => {
          requests.push({ path: req.url ?? "", rawHeaders: pairs(req.rawHeaders) })
          res.writeHead(200, { "content-type": "text/event-stream" })
          res.end(sseBody)
        })
      })
      server.on("tlsClientError", () => {})
      const port = await listen(server)
      return { server, port, requests: () => [...requests] }
    }),
    ({ server }) =>
      Effect.promise(
        () =>
          new Promise<void>((done) => {
            server.closeAllConnections()
            server.close(() => done())
          })
      )
  )

/** A client over the environment-aware wire client, seeing only `vars`. */
export const envClient = (opts: ResponsesModelClient.Options, vars: Record<string, string>) =>
  Effect.flatMap(HttpClient.HttpClient, (client) => clientWith(client, opts, vars)).pipe(
    Effect.provide(
      ResponsesModelClient.layerHttpClientEnvironment.pipe(Layer.provide(Layer.merge(Environment.layerValue(vars), NodeFileSystem.layer)))
    )
  )
