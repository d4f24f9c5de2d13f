/** ServerConfig: the compatibility server's settings, the downstream URLs they imply, and base URL normalization. */
import { Data, Either } from "effect"
import type { Environment } from "../config/Environment.js"

/** Which downstream API a server calls. */
export type OutcommingApi = "chat_completions" | "messages"

/** The settings of one server instance (immutable). */
export interface ServerConfig {
  readonly host: string
  /** 0 lets the system choose a free port. */
  readonly port: number
  /** The downstream base URL, e.g. `http://127.0.0.1:8000/v1`. */
  readonly outcommingBaseUrl: string
  /** `chat_completions` or `messages`; other values fail each request with a `response.failed`. */
  readonly outcommingApi: string
  /** The NAME of the environment variable holding the downstream API key. */
  readonly outcommingApiKeyEnv: string | null
  /** Selects the payload processor (unknown names behave like `vllm`). */
  readonly modelProvider: string | null
  /** Connect timeout and idle timeout between downstream reads. */
  readonly timeoutSeconds: number
  /** Longest a whole `/responses` request may take, all rounds included; 0 means no limit. */
  readonly requestDeadlineSeconds: number
  /** Largest inbound body accepted (HTTP 413 above). */
  readonly maxBodyBytes: number
  /** Largest downstream SSE event (or unfinished line) buffered before the round fails. */
  readonly maxDownstreamEventChars: number
  /** NAMES of environment variables holding the keys inbound requests must present as Bearer tokens; empty means open. */
  readonly apiKeyEnvs: ReadonlyArray<string>
  /** The response cache: most records, most characters, and seconds each lives. */
  readonly sessionCacheEntries: number
  readonly sessionCacheBytes: number
  readonly sessionTtlSeconds: number
  /** Most connections served at once; further ones are refused by the socket layer. */
  readonly maxConnections: number
  /** Time a client has to send its request headers. */
  readonly headersTimeoutSeconds: number
  /** Time a client has to send its whole request (headers and body). */
  readonly requestTimeoutSeconds: number
  /** A connection with no traffic either way for this long is closed. */
  readonly idleTimeoutSeconds: number
  /** How long a kept-alive connection waits for its next request. */
  readonly keepAliveTimeoutSeconds: number
}

export const defaults: ServerConfig = {
  host: "127.0.0.1",
  port: 0,
  outcommingBaseUrl: "http://127.0.0.1:8000/v1",
  outcommingApi: "chat_completions",
  outcommingApiKeyEnv: null,
  modelProvider: null,
  timeoutSeconds: 120,
  requestDeadlineSeconds: 1800,
  maxBodyBytes: 32 * 1024 * 1024,
  maxDownstreamEventChars: 16 * 1024 * 1024,
  apiKeyEnvs: [],
  sessionCacheEntries: 10_000,
  sessionCacheBytes: 64 * 1024 * 1024,
  sessionTtlSeconds: 3600,
  maxConnections: 256,
  headersTimeoutSeconds: 20,
  requestTimeoutSeconds: 120,
  idleTimeoutSeconds: 600,
  keepAliveTimeoutSeconds: 5
}

/** A config from the defaults and some overrides. */
export const make = (overrides: Partial<ServerConfig> = {}): ServerConfig => ({ ...defaults, ...overrides })

/** A base URL the launcher cannot use. */
export class InvalidBaseUrl extends Data.TaggedError("InvalidBaseUrl")<{ readonly url: string }> {
  override get message() {
    return `invalid outcomming base url: ${this.url}`
  }
}

const trimSlashes = (url: string): string => url.replace(/\/+$/, "")

/** `{base}/chat/completions`. */
export const chatCompletionsUrl = (config: ServerConfig): string => `${trimSlashes(config.outcommingBaseUrl)}/chat/completions`
/** `{base}/messages`. */
export const messagesUrl = (config: ServerConfig): string => `${trimSlashes(config.outcommingBaseUrl)}/messages`
/** `{base}/models`. */
export const modelsUrl = (config: ServerConfig): string => `${trimSlashes(config.outcommingBaseUrl)}/models`

/** The configured API trimmed and lowercased (empty means chat completions); undefined when unknown. */
export const normalizedApi = (config: ServerConfig): OutcommingApi | undefined => {
  const api = config.outcommingApi.trim().toLowerCase()
  if (api === "" || api === "chat_completions") return "chat_completions"
  if (api === "messages") return "messages"
  return undefined
}

/** The downstream API key, read afresh from the named variable; blank or unset means none. */
export const apiKey = (config: ServerConfig, env: Environment): string | undefined => {
  if (config.outcommingApiKeyEnv === null || config.outcommingApiKeyEnv === "") return undefined
  const value = env.get(config.outcommingApiKeyEnv)?.trim() ?? ""
  return value === "" ? undefined : value
}

/** The inbound keys: the trimmed values of the named variables; `missing` lists names unset or blank. */
export const inboundKeys = (
  config: ServerConfig,
  env: Environment
): { readonly keys: ReadonlyArray<string>; readonly missing: ReadonlyArray<string> } => {
  const keys: Array<string> = []
  const missing: Array<string> = []
  for (const name of config.apiKeyEnvs) {
    const value = env.get(name)?.trim() ?? ""
    if (value === "") missing.push(name)
    else keys.push(value)
  }
  return { keys, missing }
}

/** Whether a listen host only accepts connections from this machine. */
export const isLoopback = (host: string): boolean => {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, "")
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h) || h === "::ffff:127.0.0.1"
}

/**
 * Normalizes a base URL the way the launcher does: it needs a scheme and a host; trailing `/` are
 * removed from the path and an empty path becomes `/v1`. Query and fragment are kept.
 */
export const normalizeBaseUrl = (url: string): Either.Either<string, InvalidBaseUrl> => {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]+)([^?#]*)(\?[^#]*)?(#.*)?$/.exec(url.trim())
  if (match === null) return Either.left(new InvalidBaseUrl({ url }))
  const [, scheme, authority, path = "", query = "", fragment = ""] = match
  const trimmed = path.replace(/\/+$/, "")
  return Either.right(`${scheme}://${authority}${trimmed === "" ? "/v1" : trimmed}${query}${fragment}`)
}

/** The launcher's config: a normalized base URL, everything else at its default. */
export const fromBaseUrl = (
  url: string,
  options: {
    readonly apiKeyEnv?: string | null | undefined
    readonly modelProvider?: string | null | undefined
    readonly outcommingApi?: OutcommingApi | undefined
  } = {}
): Either.Either<ServerConfig, InvalidBaseUrl> =>
  Either.map(normalizeBaseUrl(url), (base) =>
    make({
      outcommingBaseUrl: base,
      outcommingApiKeyEnv: options.apiKeyEnv ?? null,
      modelProvider: options.modelProvider ?? null,
      outcommingApi: options.outcommingApi ?? "chat_completions"
    }))
