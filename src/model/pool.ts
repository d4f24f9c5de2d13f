/**
 * @internal The keep-alive connections of one client: a Node agent that hands an idle connection
 * to the next request for the same destination, and otherwise uses the connection the client
 * opened itself (through a proxy, a tunnel or TLS as connect.ts does it). Idle connections do not
 * keep the process alive.
 */
import * as Http from "node:http"
import type * as Net from "node:net"

/** Request options with what the pool needs to know. */
export interface PoolOptions extends Http.RequestOptions {
  /** The destination: requests with the same key may share a connection. */
  readonly poolKey: string
  /** The connection to use when no idle one is free. */
  readonly opened: Net.Socket | undefined
}

/** A request meant for an idle connection found none: it should open its own. */
export class NoIdleConnection extends Error {
  constructor() {
    super("no idle connection")
  }
}

export interface Pool {
  readonly agent: Http.Agent
  /** Whether an open, idle connection for `key` is waiting. */
  readonly hasIdle: (key: string) => boolean
}

export const make = (): Pool => {
  const agent = new Http.Agent({ keepAlive: true, scheduling: "lifo" })
  const hooks = agent as unknown as {
    getName: (options: PoolOptions) => string
    createConnection: (options: PoolOptions, done: (error: Error | null, socket?: Net.Socket) => void) => Net.Socket | undefined
  }
  hooks.getName = (options) => options.poolKey
  hooks.createConnection = (options, done) => {
    if (options.opened !== undefined) return options.opened
    // the idle connection the request was meant for closed in the meantime
    done(new NoIdleConnection())
    return undefined
  }
  return {
    agent,
    hasIdle: (key) => (agent.freeSockets[key] ?? []).some((socket) => !socket.destroyed)
  }
}
