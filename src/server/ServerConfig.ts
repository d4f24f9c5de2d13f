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
}

export const defaults: ServerConfig = {
  host: "127.0.0.1",
  port: 0,
  outcommingBaseUrl: "http://127.0.0.1:8000/v1",
  outcommingApi: "chat_completions",
  outcommingApiKeyEnv: null,
  modelProvider: null,
  timeoutSeconds: 120
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
