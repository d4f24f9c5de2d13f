/** Providers: turning the selected `[model_providers.<id>]` table (or the built-in `openai`) into ProviderInfo. */
import { Either } from "effect"
import { ConfigError, type ProviderInfo, providerDefaults } from "./CodexConfig.js"
import * as ConfigFile from "./ConfigFile.js"
import type { Environment } from "./Environment.js"
import { isTable } from "./internal/tomlValues.js"

/** The provider used when `model_provider` is absent. */
export const OPENAI_PROVIDER_ID = "openai"
/** Base URL of the built-in `openai` provider (`OPENAI_BASE_URL` replaces it). */
export const OPENAI_BASE_URL = "https://api.openai.com/v1"
/** Variable holding the key of the built-in `openai` provider. */
export const OPENAI_ENV_KEY = "OPENAI_API_KEY"
/** Upper bound of both retry counts. */
export const MAX_RETRIES = 100

/** The built-in `openai` provider. */
export const builtinOpenAi = (env: Environment): ProviderInfo => {
  const override = env.get("OPENAI_BASE_URL")?.trim()
  return {
    ...providerDefaults,
    id: OPENAI_PROVIDER_ID,
    name: "OpenAI",
    baseUrl: override !== undefined && override !== "" ? override : OPENAI_BASE_URL,
    envKey: OPENAI_ENV_KEY
  }
}

/** The built-in local providers (`--oss`), as Codex defines them. */
export const OLLAMA_PROVIDER_ID = "ollama"
export const LMSTUDIO_PROVIDER_ID = "lmstudio"
/** The model `--oss` uses when none is configured. */
export const DEFAULT_OSS_MODEL = "gpt-oss:20b"
const LOCAL_PORTS: Readonly<Record<string, number>> = { [OLLAMA_PROVIDER_ID]: 11434, [LMSTUDIO_PROVIDER_ID]: 1234 }

/**
 * A built-in local provider: `http://localhost:<port>/v1`, where `CODEX_OSS_BASE_URL` replaces the
 * URL and `CODEX_OSS_PORT` the port; no API key.
 */
export const builtinLocal = (id: string, env: Environment): ProviderInfo | undefined => {
  const defaultPort = LOCAL_PORTS[id]
  if (defaultPort === undefined) return undefined
  const baseUrl = env.get("CODEX_OSS_BASE_URL")?.trim()
  const port = Number.parseInt(env.get("CODEX_OSS_PORT")?.trim() ?? "", 10)
  return {
    ...providerDefaults,
    id,
    name: "gpt-oss",
    baseUrl: baseUrl !== undefined && baseUrl !== "" ? baseUrl : `http://localhost:${Number.isInteger(port) && port > 0 ? port : defaultPort}/v1`
  }
}

/** True for the providers that exist without a `[model_providers]` table. */
export const isBuiltin = (id: string): boolean => id === OPENAI_PROVIDER_ID || LOCAL_PORTS[id] !== undefined

const clamp = (value: number, low: number, high: number) => Math.min(Math.max(value, low), high)

/** What selecting a provider needs from the merged top-level table. */
export interface Selection {
  /** `model_provider` after normalisation (absent means `openai`). */
  readonly id: string | undefined
  /** The top-level `model_providers` table. */
  readonly providers: Readonly<Record<string, unknown>> | undefined
  /** Top-level (or profile, or command-line) `use_chat_completion`; wins over the provider's own value. */
  readonly useChatCompletion: boolean | undefined
  /** How the `model_provider` key is named in errors. */
  readonly providerKey: string
}

/** Resolves the provider named by `model_provider`; every problem names the file and the key. */
export const resolve = (selection: Selection, path: string, env: Environment): Either.Either<ProviderInfo, ConfigError> => {
  const id = selection.id ?? OPENAI_PROVIDER_ID
  const providers = selection.providers ?? {}
  const entry = Object.hasOwn(providers, id) ? providers[id] : undefined
  if (entry === undefined) {
    if (id === OPENAI_PROVIDER_ID) return Either.right({ ...builtinOpenAi(env), useChatCompletion: selection.useChatCompletion ?? false })
    const local = builtinLocal(id, env)
    if (local !== undefined) return Either.right({ ...local, useChatCompletion: selection.useChatCompletion ?? false })
    const known = Object.keys(providers)
    return Either.left(
      new ConfigError({
        reason: "UnknownProvider",
        path,
        key: selection.providerKey,
        detail: `${selection.providerKey} = "${id}" has no [model_providers.${id}] table` +
          (known.length === 0 ? " (no providers are defined)" : ` (defined: ${known.join(", ")})`)
      })
    )
  }
  const prefix = `model_providers.${id}`
  if (!isTable(entry)) {
    return Either.left(new ConfigError({ reason: "InvalidValue", path, key: prefix, detail: `${prefix} must be a table` }))
  }
  return Either.flatMap(
    ConfigFile.decode(ConfigFile.ProviderTable, entry, path, (issue) => [prefix, ...issue.map(String)].join(".")),
    (table) => fromTable(id, table, selection.useChatCompletion, path)
  )
}

const isHttpUrl = (text: string): boolean => {
  try {
    const url = new URL(text)
    return url.protocol === "http:" || url.protocol === "https:"
  } catch {
    return false
  }
}

const fromTable = (
  id: string,
  table: ConfigFile.ProviderTable,
  useChat: boolean | undefined,
  path: string
): Either.Either<ProviderInfo, ConfigError> => {
  const key = (name: string) => `model_providers.${id}.${name}`
  const invalid = (name: string, detail: string) =>
    Either.left(new ConfigError({ reason: "InvalidValue", path, key: key(name), detail: `${key(name)} ${detail}` }))
  if (!isHttpUrl(table.base_url)) return invalid("base_url", `must be an http(s) URL, got ${JSON.stringify(table.base_url)}`)
  const useChatCompletion = useChat ?? table.use_chat_completion ?? false
  const wire = (table.wire_api ?? "responses").toLowerCase()
  if (wire !== "responses" && wire !== "chat") {
    return invalid("wire_api", `must be "responses" or "chat", got ${JSON.stringify(table.wire_api)}`)
  }
  if (wire === "chat" && !useChatCompletion) {
    return invalid(
      "wire_api",
      `= "chat" needs the Chat Completions bridge: run with --use-chat-completion or set use_chat_completion = true`
    )
  }
  return Either.right({
    id,
    name: table.name ?? id,
    baseUrl: table.base_url,
    ...(table.env_key !== undefined ? { envKey: table.env_key } : {}),
    wireApi: wire,
    queryParams: table.query_params,
    httpHeaders: table.http_headers,
    envHttpHeaders: table.env_http_headers,
    requestMaxRetries: clamp(table.request_max_retries ?? providerDefaults.requestMaxRetries, 0, MAX_RETRIES),
    streamMaxRetries: clamp(table.stream_max_retries ?? providerDefaults.streamMaxRetries, 0, MAX_RETRIES),
    streamIdleTimeoutMs: Math.max(table.stream_idle_timeout_ms ?? providerDefaults.streamIdleTimeoutMs, 1),
    useChatCompletion
  })
}
