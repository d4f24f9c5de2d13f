/** Run with --expose-gc: serves 1,000 requests carrying 5 MB fields and prints heap use (after GC) at checkpoints as JSON. */
import * as HttpServer from "@effect/platform/HttpServer"
import { Effect, Layer } from "effect"
import * as http from "node:http"
import * as Environment from "../../../../src/config/Environment.js"
import * as WireHttpClient from "../../../../src/model/wireHttpClient.js"
import * as PayloadProcessors from "../../../../src/server/request/PayloadProcessors.js"
import * as ResponsesServer from "../../../../src/server/ResponsesServer.js"
import * as ServerConfig from "../../../../src/server/ServerConfig.js"

const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error("run with --expose-gc")
const total = Number(process.argv[2] ?? "1000")
const field = "x".repeat(5 * 1024 * 1024)

const downstream = http.createServer((req, res) => {
  req.resume()
  req.on("end", () => {
    res.writeHead(200, { "content-type": "text/event-stream" })
    res.end('data: {"choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n')
  })
})
await new Promise<void>((resolve) => downstream.listen(0, "127.0.0.1", resolve))
const downstreamPort = (downstream.address() as { port: number }).port

const program = Effect.gen(function* () {
  const config = ServerConfig.make({ outcommingBaseUrl: `http://127.0.0.1:${downstreamPort}/v1`, sessionCacheBytes: 16 * 1024 * 1024 })
  const context = yield* Layer.build(ResponsesServer.layer(config).pipe(
    Layer.provide(Layer.mergeAll(WireHttpClient.layer, Environment.layerValue({}), PayloadProcessors.layer()))
  ))
  const address = (yield* Effect.provide(HttpServer.HttpServer, context)).address
  const url = `http://127.0.0.1:${address._tag === "TcpAddress" ? address.port : 0}/v1/responses`
  const samples: Array<{ requests: number; heapMb: number }> = []
  const sample = (requests: number) => {
    gc!()
    gc!()
    samples.push({ requests, heapMb: Math.round(process.memoryUsage().heapUsed / 1048576) })
  }
  sample(0)
  const statuses = new Map<number, number>()
  for (let i = 1; i <= total; i++) {
    // most carry a 5 MB model name (refused), every tenth a 5 MB message (answered and cached)
    const body = i % 10 === 0
      ? JSON.stringify({ model: "m", stream: true, input: [{ type: "message", role: "user", content: field }] })
      : JSON.stringify({ model: field, stream: true, input: [] })
    const status = yield* Effect.promise(async () => {
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body })
      await response.text()
      return response.status
    })
    statuses.set(status, (statuses.get(status) ?? 0) + 1)
    if (i % 100 === 0) sample(i)
  }
  console.log(JSON.stringify({ samples, statuses: Object.fromEntries(statuses), rssMb: Math.round(process.memoryUsage().rss / 1048576) }))
}).pipe(Effect.scoped)

await Effect.runPromise(program)
downstream.close()
process.exit(0)
