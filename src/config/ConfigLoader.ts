/** ConfigLoader: CODEX_HOME + `.env` + config.toml + profile + command-line overrides, resolved into CodexConfig. */
import type * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Layer, Option } from "effect"
import * as KnownValues from "./KnownValues.js"
import * as NodePath from "node:path"
import { CodexConfig, ConfigError } from "./CodexConfig.js"
import * as CodexHome from "./CodexHome.js"
import * as ConfigFile from "./ConfigFile.js"
import * as Dotenv from "./Dotenv.js"
import { Environment } from "./Environment.js"
import { isTable } from "./internal/tomlValues.js"
import * as Providers from "./Providers.js"

/** The model used with the built-in `openai` provider when config.toml names none. */
export const DEFAULT_MODEL = "gpt-5.5"

/** Where to read the configuration from, and what the command line changes. */
export interface LoadOptions {
  /** `--config`: the config file; its folder becomes the Codex home. */
  readonly configPath?: string | undefined
  /** `--profile`: a `[profiles.<name>]` table whose keys replace top-level keys. */
  readonly profile?: string | undefined
  /**
   * Keys set on the command line (`model`, `use_chat_completion`, `base_instructions`, ...). They win over
   * the profile and the file. A dotted name reaches into tables: `model_providers.local.base_url`.
   * An `undefined` value is ignored.
   */
  readonly overrides?: Readonly<Record<string, unknown>> | undefined
  /**
   * `--oss`: run on a local provider, by name or (`true`) the one `oss_provider` names, else
   * `ollama`. Without a model, the local default model is used.
   */
  readonly oss?: string | true | undefined
}

/** Sets `value` at a dotted path, copying the tables on the way so the input stays untouched. */
const setPath = (table: Readonly<Record<string, unknown>>, path: ReadonlyArray<string>, value: unknown): Record<string, unknown> => {
  const [head, ...rest] = path
  if (head === undefined) return { ...table }
  if (rest.length === 0) return { ...table, [head]: value }
  const inner = table[head]
  return { ...table, [head]: setPath(isTable(inner) ? inner : {}, rest, value) }
}

const applyOverrides = (selected: ConfigFile.Selected, overrides: LoadOptions["overrides"]): ConfigFile.Selected => {
  let table: Readonly<Record<string, unknown>> = selected.table
  const origins = new Map(selected.origins)
  for (const [name, value] of Object.entries(overrides ?? {})) {
    if (value === undefined) continue
    const path = name.split(".").map((part) => part.trim())
    if (path.some((part) => part === "")) continue
    table = setPath(table, path, value)
    origins.set(path[0]!, "override")
  }
  return { table, origins }
}

/** Names a top-level key (or a key inside it) the way the user wrote it: in the file, the profile or the command line. */
const keyNamer = (origins: ReadonlyMap<string, ConfigFile.KeyOrigin>, profile: string | undefined) =>
  (issuePath: ReadonlyArray<PropertyKey>): string => {
    const name = issuePath.map(String).join(".")
    const origin = origins.get(String(issuePath[0]))
    if (origin === "profile" && profile !== undefined) return `profiles.${profile}.${name}`
    if (origin === "override") return `${name} (command-line override)`
    return name
  }

const text = (value: unknown): string | undefined => {
  const trimmed = typeof value === "string" ? value.trim() : undefined
  return trimmed === "" ? undefined : trimmed
}

/** Reads everything and returns the resolved configuration. */
export const load = (
  options: LoadOptions = {}
): Effect.Effect<CodexConfig, ConfigError, Environment | FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const env = yield* Environment
    const location = yield* CodexHome.resolve({ configPath: options.configPath })
    const path = location.configPath
    yield* Dotenv.load(location.codexHome)

    const file = yield* ConfigFile.read(path)
    if (Option.isNone(file) && location.explicit) {
      return yield* new ConfigError({ reason: "Io", path, detail: "config file not found" })
    }
    const top = Option.getOrElse(file, (): ConfigFile.TomlTable => ({}))
    // `--profile` wins; otherwise a top-level `profile = "<name>"` picks the default profile.
    const profile = text(options.profile) ?? text(top["profile"])
    const selected = applyOverrides(yield* ConfigFile.selectProfile(top, profile, path), {
      ...ossOverrides(options.oss, top),
      ...options.overrides
    })
    const keyName = keyNamer(selected.origins, profile)
    const values = yield* ConfigFile.decode(ConfigFile.ConfigTable, selected.table, path, keyName)

    const provider = yield* Providers.resolve(
      {
        id: values.model_provider,
        providers: values.model_providers,
        useChatCompletion: values.use_chat_completion,
        providerKey: keyName(["model_provider"])
      },
      path,
      env
    )
    const builtin = provider.id === Providers.OPENAI_PROVIDER_ID && values.model_providers?.[provider.id] === undefined
    if (values.model === undefined && !builtin) {
      const key = keyName(["model"])
      return yield* new ConfigError({
        reason: "MissingKey",
        path,
        key,
        detail: `${key} is missing (there is no default model for provider "${provider.id}")`
      })
    }
    const instructionsFile = values.model_instructions_file
    const known = (name: "approval_policy" | "sandbox_mode" | "model_reasoning_effort", list: ReadonlyArray<string>) =>
      KnownValues.checkKnown(path, keyName([name]), values[name], list)
    const approvalPolicy = yield* known("approval_policy", KnownValues.APPROVAL_POLICIES)
    const sandboxMode = yield* known("sandbox_mode", KnownValues.SANDBOX_MODES)
    const reasoningEffort = yield* known("model_reasoning_effort", KnownValues.REASONING_EFFORTS)
    const config: CodexConfig = {
      codexHome: location.codexHome,
      configPath: path,
      ...(profile !== undefined ? { profile } : {}),
      model: values.model ?? DEFAULT_MODEL,
      provider,
      ...optional("reasoningEffort", reasoningEffort),
      ...optional("reasoningSummary", values.model_reasoning_summary),
      ...optional("verbosity", values.model_verbosity),
      guardianApproval: values.features?.guardian_approval === true,
      ...optional("approvalPolicy", approvalPolicy),
      ...optional("sandboxMode", sandboxMode),
      ...optional("personality", values.personality),
      ...optional("baseInstructions", values.base_instructions),
      ...optional("developerInstructions", values.developer_instructions),
      ...optional("userInstructions", values.user_instructions),
      ...optional(
        "modelInstructionsFile",
        instructionsFile === undefined
          ? undefined
          : NodePath.resolve(location.codexHome, CodexHome.expandHome(instructionsFile, env))
      ),
      ...optional("projectDocMaxBytes", values.project_doc_max_bytes),
      ...optional("modelContextWindow", values.model_context_window),
      ...optional("modelAutoCompactTokenLimit", values.model_auto_compact_token_limit),
      ...optional("compactPrompt", values.compact_prompt),
      ...optional("collaborationMode", values.collaboration_mode),
      raw: selected.table
    }
    return config
  })

/** The keys `--oss` sets: the local provider, and its default model unless one is configured. */
const ossOverrides = (oss: LoadOptions["oss"], top: ConfigFile.TomlTable): Record<string, unknown> => {
  if (oss === undefined) return {}
  const configured = text(top["oss_provider"])
  const provider = oss === true ? configured ?? Providers.OLLAMA_PROVIDER_ID : oss
  return { model_provider: provider, ...(top["model"] === undefined ? { model: Providers.DEFAULT_OSS_MODEL } : {}) }
}

/** `{ [key]: value }` when the value is set, else nothing (optional fields stay absent, not `undefined`). */
const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }

/** CodexConfig read from the files (needs Environment and FileSystem; NodeFileSystem in production). */
export const layer = (options: LoadOptions = {}): Layer.Layer<CodexConfig, ConfigError, Environment | FileSystem.FileSystem> =>
  Layer.effect(CodexConfig, load(options))
