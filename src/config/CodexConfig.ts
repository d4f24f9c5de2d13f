/** CodexConfig: config.toml, the selected profile and CLI overrides, resolved once into typed values. */
import { Context, Data, Layer } from "effect"

/** Settings of one `[model_providers.<id>]` table (or the built-in `openai` provider). */
export interface ProviderInfo {
  readonly id: string
  /** Display name (`name` key); the id when absent. */
  readonly name: string
  readonly baseUrl: string
  /** Variable holding the API key; no `authorization` header when absent. */
  readonly envKey?: string
  readonly wireApi: "responses" | "chat"
  readonly queryParams: ReadonlyArray<readonly [string, string]>
  /** Extra headers with fixed values. */
  readonly httpHeaders: ReadonlyArray<readonly [string, string]>
  /** Extra headers whose values come from environment variables (header -> variable). */
  readonly envHttpHeaders: ReadonlyArray<readonly [string, string]>
  /** Retries of the HTTP request itself before a response starts (default 4). */
  readonly requestMaxRetries: number
  /** Retries of a stream that failed (default 5). */
  readonly streamMaxRetries: number
  /** Longest wait for the next stream event (default 300000). */
  readonly streamIdleTimeoutMs: number
  readonly useChatCompletion: boolean
}

/** Everything the program reads from config.toml, after the profile merge. */
export interface CodexConfig {
  /** `$CODEX_HOME` (the folder holding config.toml, sessions/, AGENTS.md, skills/). */
  readonly codexHome: string
  /** The config file this was read from (it may not exist). */
  readonly configPath: string
  readonly profile?: string
  readonly model: string
  readonly provider: ProviderInfo
  readonly reasoningEffort?: string
  readonly reasoningSummary?: string
  readonly verbosity?: string
  readonly guardianApproval: boolean
  readonly approvalPolicy?: string
  readonly sandboxMode?: string
  readonly personality?: string
  readonly baseInstructions?: string
  readonly developerInstructions?: string
  readonly userInstructions?: string
  /** Absolute path (relative values are resolved against the config folder). */
  readonly modelInstructionsFile?: string
  readonly projectDocMaxBytes?: number
  readonly modelContextWindow?: number
  readonly modelAutoCompactTokenLimit?: number
  readonly compactPrompt?: string
  readonly collaborationMode?: string
  /** The merged top-level table, for keys read by later features. */
  readonly raw: Readonly<Record<string, unknown>>
}
export const CodexConfig = Context.GenericTag<CodexConfig>("tscodex/CodexConfig")

/** A config.toml that cannot be used; `message` names the file and key. */
export class ConfigError extends Data.TaggedError("ConfigError")<{
  readonly reason: "Parse" | "MissingKey" | "InvalidValue" | "UnknownProfile" | "UnknownProvider" | "Io"
  readonly path: string
  readonly key?: string
  readonly detail: string
}> {
  /** `<file>: <detail>`; the key is added in parentheses only when the detail does not already name it. */
  override get message() {
    const named = this.key === undefined || this.detail.includes(this.key)
    return `${this.path}${named ? "" : ` (${this.key})`}: ${this.detail}`
  }
}

/** Defaults of a provider table. */
export const providerDefaults = {
  wireApi: "responses",
  queryParams: [],
  httpHeaders: [],
  envHttpHeaders: [],
  requestMaxRetries: 4,
  streamMaxRetries: 5,
  streamIdleTimeoutMs: 300_000,
  useChatCompletion: false
} as const

/** A config given in code (tests, embedders). */
export const layerValue = (
  config: Omit<Partial<CodexConfig>, "provider"> & {
    readonly model: string
    readonly provider: Partial<ProviderInfo> & { readonly baseUrl: string }
  }
): Layer.Layer<CodexConfig> =>
  Layer.succeed(CodexConfig, {
    codexHome: config.codexHome ?? "/tmp/tscodex-home",
    configPath: config.configPath ?? "/tmp/tscodex-home/config.toml",
    guardianApproval: false,
    raw: {},
    ...config,
    provider: { ...providerDefaults, ...config.provider, id: config.provider.id ?? "test", name: config.provider.name ?? config.provider.id ?? "test" }
  })
