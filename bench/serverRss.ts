/**
 * RSS of the compatibility server over 1,000 requests carrying 5 MB fields: the built
 * `tscodex responses-server` against a downstream that answers at once; most requests have a 5 MB
 * `model` (refused), every tenth a 5 MB message (answered and cached). Records the server's RSS
 * (from /proc) every 100 requests and its peak.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { resolve } from "node:path"
import { pathToFileURL } from "node:url"

const cli = resolve(import.meta.dirname, "../dist/tscodex.js")

export interface ServerRssResult {
  readonly requests: number
  readonly fieldMb: number
  /** RSS (MiB) before the first request and after every 100. */
  readonly samples: ReadonlyArray<{ readonly requests: number; readonly rssMib: number }>
  readonly peakRssMib: number
  readonly statuses: Readonly<Record<string, number>>
  readonly wallMs: number
}

const status = (pid: number) => {
  const text = readFileSync(`/proc/${pid}/status`, "utf8")
  const kib = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(text)?.[1] ?? 0)
  return { rssMib: kib("VmRSS") / 1024, peakMib: kib("VmHWM") / 1024 }
}

const post = (port: number, body: string) =>
  new Promise<number>((done, fail) => {
    const request = Http.request(
      { host: "127.0.0.1", port, path: "/v1/responses", method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (response) => {
        response.resume()
        response.on("end", () => done(response.statusCode ?? 0))
        response.on("error", fail)
      }
    )
    request.on("error", fail)
    request.end(body)
  })

export const runServerRssBench = async (requests = 1000): Promise<ServerRssResult> => {
  const downstream = Http.createServer((req, res) => {
    req.resume()
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/event-stream" })
      res.end('data: {"choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n')
    })
  })
  await new Promise<void>((done) => downstream.listen(0, "127.0.0.1", done))
  const downstreamPort = (downstream.address() as AddressInfo).port
  const server: ChildProcess = spawn(
    process.execPath,
    [cli, "responses-server", "--port", "0", "--no-access-log", "--outcomming-base-url", `http://127.0.0.1:${downstreamPort}/v1`],
    { stdio: ["ignore", "ignore", "pipe"] }
  )
  try {
    const port = await new Promise<number>((done, fail) => {
      let seen = ""
      server.stderr!.setEncoding("utf8").on("data", (text: string) => {
        seen += text
        const match = /listening on http:\/\/[^:]+:(\d+)/.exec(seen)
        if (match !== null) done(Number(match[1]))
      })
      server.once("exit", (code) => fail(new Error(`responses-server exited with ${code}: ${seen}`)))
    })
    const field = "x".repeat(5 * 1024 * 1024)
    const refused = JSON.stringify({ model: field, stream: true, input: [] })
    const answered = JSON.stringify({ model: "m", stream: true, input: [{ type: "message", role: "user", content: field }] })
    const samples = [{ requests: 0, rssMib: status(server.pid!).rssMib }]
    const statuses: Record<string, number> = {}
    const started = performance.now()
    for (let i = 1; i <= requests; i++) {
      const code = await post(port, i % 10 === 0 ? answered : refused)
      statuses[code] = (statuses[code] ?? 0) + 1
      if (i % 100 === 0) samples.push({ requests: i, rssMib: status(server.pid!).rssMib })
    }
    return { requests, fieldMb: 5, samples, peakRssMib: status(server.pid!).peakMib, statuses, wallMs: performance.now() - started }
  } finally {
    server.kill("SIGTERM")
    await new Promise<void>((done) => (server.exitCode !== null ? done() : server.once("exit", () => done())))
    downstream.close()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(JSON.stringify(await runServerRssBench(Number(process.argv[2] ?? 1000))))
}
