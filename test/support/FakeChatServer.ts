/**
 * FakeChatServer: a scripted chat-completions and Messages backend on 127.0.0.1 (port 0) that
 * records every request. Request N of a kind gets reply N of its script (the last one repeats).
 */
import { Effect, type Scope } from "effect"
import * as http from "node:http"
import type { AddressInfo } from "node:net"

/** A recorded request. */
export interface FakeChatRequest {
  readonly method: string
  readonly path: string
  /** Lowercased names. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: unknown
}

/** One reply: an SSE body built from events, or an error status with a body. */
export type FakeChatReply =
  | { readonly _tag: "Sse"; readonly events: ReadonlyArray<{ readonly event?: string; readonly data: string }> }
  | { readonly _tag: "Status"; readonly status: number; readonly body: string }
  /** Sends these chunks and then keeps the stream open without another byte. */
  | { readonly _tag: "Hang"; readonly chunks: ReadonlyArray<unknown> }

export interface FakeChatScript {
  readonly chat?: ReadonlyArray<FakeChatReply>
  readonly messages?: ReadonlyArray<FakeChatReply>
  readonly models?: FakeChatReply
}

export interface FakeChatHandle {
  /** Base URL with `/v1`. */
  readonly url: string
  readonly requests: () => ReadonlyArray<FakeChatRequest>
  readonly posts: () => ReadonlyArray<FakeChatRequest>
}

/** A chat reply: each chunk as a `data:` line, then `[DONE]`. */
export const chatReply = (chunks: ReadonlyArray<unknown>, options: { readonly done?: boolean } = {}): FakeChatReply => ({
  _tag: "Sse",
  events: [...chunks.map((c) => ({ data: JSON.stringify(c) })), ...(options.done === false ? [] : [{ data: "[DONE]" }])]
})

/** A Messages reply: named events. */
export const messagesReply = (events: ReadonlyArray<Record<string, unknown>>): FakeChatReply => ({
  _tag: "Sse",
  events: events.map((e) => ({ event: String(e.type), data: JSON.stringify(e) }))
})

export const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) => ({
  id: "chatcmpl_mock",
  object: "chat.completion.chunk",
  model: "gpt-5.4",
  choices: [{ index: 0, delta, finish_reason: finish }],
  ...extra
})

/** A text answer: the text, then an empty delta finishing with `stop`. */
export const textChunks = (text: string) => [chunk({ role: "assistant", content: text }), chunk({}, "stop")]

/** A tool call whose arguments arrive in parts, then a `tool_calls` finish. */
export const toolCallChunks = (id: string, name: string, parts: ReadonlyArray<string>) => [
  ...parts.map((part, i) =>
    chunk({
      tool_calls: [
        i === 0 ? { index: 0, id, type: "function", function: { name, arguments: part } } : { index: 0, function: { arguments: part } }
      ]
    })),
  chunk({}, "tool_calls")
]

/** A Messages text answer. */
export const messagesTextEvents = (text: string) => [
  { type: "message_start", message: { id: "msg_1", type: "message", role: "assistant", usage: { input_tokens: 11 } } },
  { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
  { type: "content_block_delta", index: 0, delta: { type: "text_delta", text } },
  { type: "content_block_stop", index: 0 },
  { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: Math.max(text.length, 1) } },
  { type: "message_stop" }
]

const frame = (reply: FakeChatReply & { _tag: "Sse" }) =>
  reply.events.map((e) => `${e.event === undefined ? "" : `event: ${e.event}\n`}data: ${e.data}\n\n`).join("")

/** Starts the fake; it is closed with the scope. */
export const make = (script: FakeChatScript): Effect.Effect<FakeChatHandle, never, Scope.Scope> =>
  Effect.gen(function* () {
    const requests: Array<FakeChatRequest> = []
    let chats = 0
    let messages = 0
    const pick = (list: ReadonlyArray<FakeChatReply> | undefined, n: number): FakeChatReply =>
      list === undefined || list.length === 0
        ? { _tag: "Status", status: 404, body: "{\"error\":\"no script\"}" }
        : list[Math.min(n, list.length - 1)]!
    const server = http.createServer((req, res) => {
      const parts: Array<Buffer> = []
      req.on("data", (b: Buffer) => parts.push(b))
      req.on("end", () => {
        const text = Buffer.concat(parts).toString("utf8")
        let body: unknown = null
        try {
          body = text === "" ? null : JSON.parse(text)
        } catch {
          body = text
        }
        const headers: Record<string, string> = {}
        for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v ?? ""
        const path = req.url ?? "/"
        requests.push({ method: req.method ?? "", path, headers, body })
        let reply: FakeChatReply
        if (req.method === "POST" && path.endsWith("/chat/completions")) reply = pick(script.chat, chats++)
        else if (req.method === "POST" && path.endsWith("/messages")) reply = pick(script.messages, messages++)
        else if (req.method === "GET" && path.endsWith("/models")) {
          reply = script.models ?? { _tag: "Status", status: 200, body: "{\"object\":\"list\",\"data\":[{\"id\":\"gpt-5.4\",\"object\":\"model\"}]}" }
        } else reply = { _tag: "Status", status: 200, body: "{\"ok\": true}" }
        if (reply._tag === "Status") {
          res.writeHead(reply.status, { "content-type": "application/json" })
          res.end(reply.body)
        } else if (reply._tag === "Hang") {
          res.writeHead(200, { "content-type": "text/event-stream" })
          for (const chunk of reply.chunks) res.write(`data: ${JSON.stringify(chunk)}\n\n`)
        } else {
          res.writeHead(200, { "content-type": "text/event-stream" })
          res.end(frame(reply))
        }
      })
    })
    const port = yield* Effect.acquireRelease(
      Effect.async<number>((resume) => {
        server.listen(0, "127.0.0.1", () => resume(Effect.succeed((server.address() as AddressInfo).port)))
      }),
      () =>
        Effect.async<void>((resume) => {
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
    )
    return {
      url: `http://127.0.0.1:${port}/v1`,
      requests: () => [...requests],
      posts: () => requests.filter((r) => r.method === "POST")
    }
  })
