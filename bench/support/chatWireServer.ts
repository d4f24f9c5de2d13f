/**
 * A chat-completions backend for the relay benchmarks, run as its own process: every POST to
 * /v1/chat/completions streams `deltas` text chunks, each its own socket write (Nagle off) in its own
 * event-loop turn, so concurrent streams interleave, then a finishing chunk and `[DONE]`.
 * Prints its port on stdout once listening.
 */
import * as Http from "node:http"
import type * as Net from "node:net"

const deltas = Number(process.argv[2] ?? 25_000)
const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: "chatcmpl_bench", object: "chat.completion.chunk", created: 0, model: "bench", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`
const first = chunk({ role: "assistant", content: "" })
const piece = chunk({ content: "abcdefgh" })
const last = chunk({}, "stop") + "data: [DONE]\n\n"

/**
 * Writes one piece, and resolves once the socket took it and the event loop turned: a write callback
 * alone comes back before any I/O, which would send one whole stream before the next one starts.
 */
const writeOne = (res: Http.ServerResponse, text: string) =>
  new Promise<void>((done, fail) => res.write(text, (error) => (error ? fail(error) : setImmediate(done))))

const server = Http.createServer((req, res) => {
  req.resume()
  req.on("end", async () => {
    if (req.method !== "POST" || !(req.url ?? "").endsWith("/chat/completions")) {
      res.writeHead(404, { "content-type": "application/json" })
      return res.end('{"error":{"message":"not found"}}')
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" })
    try {
      await writeOne(res, first)
      for (let i = 0; i < deltas; i++) await writeOne(res, piece)
      res.end(last)
    } catch {
      res.destroy()
    }
  })
})
server.on("connection", (socket: Net.Socket) => socket.setNoDelay(true))
server.keepAliveTimeout = 60_000
server.listen(0, "127.0.0.1", () => console.log((server.address() as Net.AddressInfo).port))
process.on("SIGTERM", () => process.exit(0))
