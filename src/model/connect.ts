/**
 * @internal Opens the connection of one request, ready for HTTP: straight to the server or to a
 * proxy, through a CONNECT tunnel for `https://` targets behind a proxy, with TLS wherever the
 * server (or the proxy) speaks it. Every socket opened on the way is destroyed when a later step
 * fails or the caller gives up (a connect timeout interrupts it).
 */
import { Data, Effect } from "effect"
import * as Net from "node:net"
import * as Tls from "node:tls"
import type { Proxy } from "./proxy.js"

/** Where a request goes. */
export interface Endpoint {
  /** Host name or IP literal, without IPv6 brackets. */
  readonly host: string
  readonly port: number
  readonly secure: boolean
}

/** The proxy refused or broke the tunnel. Retryable like any transport failure. */
export class ProxyError extends Data.TaggedError("ProxyError")<{ readonly message: string }> {
  /** The `exception` the transport message names. */
  readonly code = "ProxyError"
}

/** The peer closed the connection before it was ready. Retryable. */
export class ConnectionClosed extends Data.TaggedError("ConnectionClosed")<{ readonly message: string }> {
  readonly code = "ConnectionClosed"
}

/** The connection (TCP, proxy tunnel, TLS handshake) was not up in time. Retryable. */
export class ConnectTimeout extends Data.TaggedError("ConnectTimeout")<{ readonly message: string }> {
  readonly code = "ConnectTimeout"
}

/** A proxy response head larger than this is not a proxy we understand. */
const maxHeadBytes = 64 * 1024

type Track = (socket: Net.Socket) => void

/** Resolves once `socket` has emitted `ready`; an `error` or `close` before that fails. */
const waitFor = <S extends Net.Socket>(socket: S, ready: string): Effect.Effect<S, unknown> =>
  Effect.async<S, unknown>((resume) => {
    const closed = () => new ConnectionClosed({ message: "the connection closed while it was being opened" })
    if (socket.destroyed) return resume(Effect.fail(closed()))
    const settle = (result: Effect.Effect<S, unknown>) => {
      socket.off("error", onError)
      socket.off("close", onClose)
      socket.off(ready, onReady)
      resume(result)
    }
    const onError = (cause: unknown) => settle(Effect.fail(cause))
    const onClose = () => settle(Effect.fail(closed()))
    const onReady = () => settle(Effect.succeed(socket))
    socket.once("error", onError)
    socket.once("close", onClose)
    socket.once(ready, onReady)
  })

const tcp = (endpoint: Endpoint, track: Track): Effect.Effect<Net.Socket, unknown> =>
  Effect.suspend(() => {
    const socket = Net.connect({ host: endpoint.host, port: endpoint.port })
    track(socket)
    return waitFor(socket, "connect")
  })

const tls = (
  endpoint: Endpoint,
  over: Net.Socket | undefined,
  context: Tls.SecureContext | undefined,
  track: Track
): Effect.Effect<Net.Socket, unknown> =>
  Effect.suspend(() => {
    const socket = Tls.connect({
      host: endpoint.host,
      port: endpoint.port,
      ...(over !== undefined ? { socket: over } : {}),
      // SNI carries names only, never IP literals
      ...(Net.isIP(endpoint.host) === 0 ? { servername: endpoint.host } : {}),
      ...(context !== undefined ? { secureContext: context } : {})
    })
    track(socket)
    return waitFor(socket, "secureConnect")
  })

/** `host:port` as a request target and a Host header (IPv6 in brackets). */
export const authority = (endpoint: Pick<Endpoint, "host" | "port">): string =>
  `${Net.isIP(endpoint.host) === 6 ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`

/** Sends `CONNECT` on a socket to the proxy and reads the proxy's answer head. */
const tunnel = (socket: Net.Socket, proxy: Proxy, target: Endpoint): Effect.Effect<Net.Socket, unknown> =>
  Effect.async<Net.Socket, unknown>((resume) => {
    const target_ = authority(target)
    let head = Buffer.alloc(0)
    const cleanup = () => {
      socket.off("data", onData)
      socket.off("error", onError)
      socket.off("close", onClose)
    }
    const fail = (error: unknown) => {
      cleanup()
      resume(Effect.fail(error))
    }
    const onError = (cause: unknown) => fail(cause)
    const onClose = () => fail(new ProxyError({ message: `the proxy ${proxy.display} closed the connection before answering CONNECT ${target_}` }))
    const onData = (data: Buffer) => {
      head = Buffer.concat([head, data])
      const end = head.indexOf("\r\n\r\n")
      if (end === -1) {
        if (head.length > maxHeadBytes) fail(new ProxyError({ message: `the proxy ${proxy.display} sent an oversized answer to CONNECT ${target_}` }))
        return
      }
      cleanup()
      socket.pause()
      const statusLine = head.subarray(0, head.indexOf("\r\n")).toString("latin1")
      const status = /^HTTP\/\d(?:\.\d)?\s+(\d{3})\b/.exec(statusLine)
      if (status === null || !status[1]!.startsWith("2")) {
        const shown = statusLine.replace(/[^\x20-\x7e]/g, "?").slice(0, 200)
        return resume(Effect.fail(new ProxyError({ message: `the proxy ${proxy.display} refused CONNECT ${target_}: ${shown}` })))
      }
      const rest = head.subarray(end + 4)
      if (rest.length > 0) socket.unshift(rest)
      resume(Effect.succeed(socket))
    }
    socket.on("data", onData)
    socket.once("error", onError)
    socket.once("close", onClose)
    const lines = [`CONNECT ${target_} HTTP/1.1`, `Host: ${target_}`]
    if (proxy.authorization !== undefined) lines.push(`Proxy-Authorization: ${proxy.authorization}`)
    socket.write(lines.join("\r\n") + "\r\n\r\n")
    return Effect.sync(cleanup)
  })

/**
 * The socket to write the request on. With a proxy, an `http://` target gets a connection to the
 * proxy (the request then names the full URL); an `https://` target gets a tunnel through it.
 */
export const open = (
  target: Endpoint,
  proxy: Proxy | undefined,
  context: Tls.SecureContext | undefined
): Effect.Effect<Net.Socket, unknown> =>
  Effect.suspend(() => {
    const opened: Array<Net.Socket> = []
    const track: Track = (socket) => {
      opened.push(socket)
      // errors are read by whoever waits on the socket; this keeps one that lands between two
      // steps from being an unhandled 'error' event
      socket.on("error", () => {})
    }
    const connection = Effect.gen(function* () {
      if (proxy === undefined) return yield* target.secure ? tls(target, undefined, context, track) : tcp(target, track)
      const toProxy: Endpoint = { host: proxy.host, port: proxy.port, secure: proxy.secure }
      const socket = yield* toProxy.secure ? tls(toProxy, undefined, context, track) : tcp(toProxy, track)
      if (!target.secure) return socket
      const tunneled = yield* tunnel(socket, proxy, target)
      return yield* tls(target, tunneled, context, track)
    })
    return connection.pipe(Effect.onError(() => Effect.sync(() => opened.forEach((socket) => socket.destroy()))))
  })
