/** Specs: storage server addresses, `--put` specs and `--call` specs, parsed with the exact error texts. */
import { Data, Effect } from "effect"
import * as Environment from "../config/Environment.js"

export const DEFAULT_SERVER = "127.0.0.1:5577"
export const API_PREFIX = "/v1/storage"
export const HEALTH_PATH = "/healthz"

/** A portable-mode failure, shown to the user as its message. */
export class PortableError extends Data.TaggedError("PortableError")<{ readonly message: string; readonly cause?: unknown }> {}

/** Where the storage server is: `host:port` for display and call specs, the origin, and the API base. */
export interface StorageServer {
  readonly address: string
  readonly origin: string
  readonly base: string
}

/** The given server, else `TSCODEX_STORAGE_SERVER` (or `PYCODEX_STORAGE_SERVER`), else the default. */
export const resolveServer = (input: string, env: Environment.Environment): Effect.Effect<StorageServer, PortableError> =>
  Effect.suspend(() => {
    const value = (input.trim() !== "" ? input : Environment.project(env, "STORAGE_SERVER") || DEFAULT_SERVER).trim()
    const invalid = Effect.fail(new PortableError({ message: `invalid storage server: ${value}` }))
    if (value.includes("://")) {
      let url: URL
      try {
        url = new URL(value)
      } catch {
        return invalid
      }
      if (url.host === "" || url.protocol === ":") return invalid
      const origin = `${url.protocol}//${url.host}`
      return Effect.succeed({ address: url.host, origin, base: `${origin}${API_PREFIX}` })
    }
    if (value.includes("/") || value === "") return invalid
    return Effect.succeed({ address: value, origin: `http://${value}`, base: `http://${value}${API_PREFIX}` })
  })

/** `--put` value split into source (empty: the default home) and server (empty: the default server). */
export const parsePutSpec = (spec: string): Effect.Effect<{ readonly source: string; readonly server: string }, PortableError> =>
  Effect.suspend(() => {
    const text = spec.trim()
    const fail = (message: string) => Effect.fail(new PortableError({ message }))
    if (text === "") return Effect.succeed({ source: "", server: "" })
    if (text.startsWith("@")) {
      const server = text.slice(1).trim()
      return server === "" ? fail("put spec is missing server after @") : Effect.succeed({ source: "", server })
    }
    const at = text.lastIndexOf("@")
    if (at === -1) return Effect.succeed({ source: text, server: "" })
    const source = text.slice(0, at).trim()
    const server = text.slice(at + 1).trim()
    if (source === "") return fail("put spec is missing source before @")
    if (server === "") return fail("put spec is missing server after @")
    return Effect.succeed({ source, server })
  })

/** `<secret>-<call id>@<host:port>` split into its parts (the server part may be empty). */
export const parseCallSpec = (
  spec: string
): Effect.Effect<{ readonly secret: string; readonly callId: string; readonly server: string }, PortableError> =>
  Effect.suspend(() => {
    const text = spec.trim()
    const fail = (message: string) => Effect.fail(new PortableError({ message }))
    const at = text.lastIndexOf("@")
    if (at === -1) return fail("call spec must look like <secret>-<call_id>@<host:port>")
    const left = text.slice(0, at)
    const dash = left.lastIndexOf("-")
    if (dash === -1) return fail("call spec must include secret and call_id")
    const secret = left.slice(0, dash).trim()
    const callId = left.slice(dash + 1).trim()
    if (secret === "" || callId === "") return fail("call spec is missing secret or call_id")
    return Effect.succeed({ secret, callId, server: text.slice(at + 1).trim() })
  })
