/** ConfigFile: reading config.toml, merging a profile, and the Schemas of its top-level and provider tables. */
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Either, Option, ParseResult, Schema } from "effect"
import * as Toml from "smol-toml"
import { ConfigError } from "./CodexConfig.js"
import { Bool, Boolish, Int, isTable, RequiredStrictText, StrictText, StringPairs, Table } from "./internal/tomlValues.js"

/** A parsed TOML table. */
export type TomlTable = Readonly<Record<string, unknown>>

/** The `[features]` table (only the flags tscodex reads). */
export const FeaturesTable = Schema.Struct({
  guardian_approval: Bool
}).annotations({ message: () => "must be a table" })

/** The top-level keys tscodex reads, after the profile merge. Other keys are kept in `raw` untouched. */
export const ConfigTable = Schema.Struct({
  model: StrictText,
  model_provider: StrictText,
  model_reasoning_effort: StrictText,
  model_reasoning_summary: StrictText,
  model_verbosity: StrictText,
  approval_policy: StrictText,
  sandbox_mode: StrictText,
  personality: StrictText,
  base_instructions: StrictText,
  developer_instructions: StrictText,
  user_instructions: StrictText,
  model_instructions_file: StrictText,
  compact_prompt: StrictText,
  collaboration_mode: StrictText,
  project_doc_max_bytes: Int,
  model_context_window: Int,
  model_auto_compact_token_limit: Int,
  use_chat_completion: Boolish,
  features: Schema.optional(FeaturesTable),
  model_providers: Table,
  profiles: Table,
  profile: StrictText
})
export type ConfigTable = typeof ConfigTable.Type

/** One `[model_providers.<id>]` table. */
export const ProviderTable = Schema.Struct({
  name: StrictText,
  base_url: RequiredStrictText,
  env_key: StrictText,
  wire_api: StrictText,
  query_params: StringPairs,
  http_headers: StringPairs,
  env_http_headers: StringPairs,
  request_max_retries: Int,
  stream_max_retries: Int,
  stream_idle_timeout_ms: Int,
  use_chat_completion: Boolish
})
export type ProviderTable = typeof ProviderTable.Type

/** Parses TOML text; a syntax error names the line and column. */
export const parse = (text: string, path: string): Either.Either<TomlTable, ConfigError> => {
  try {
    return Either.right(Toml.parse(text))
  } catch (error) {
    if (error instanceof Toml.TomlError) {
      const reason = (error.message.split("\n")[0] ?? "").replace(/^Invalid TOML document:\s*/, "")
      return Either.left(
        new ConfigError({ reason: "Parse", path, detail: `invalid TOML at line ${error.line}, column ${error.column}: ${reason}` })
      )
    }
    return Either.left(new ConfigError({ reason: "Parse", path, detail: `invalid TOML: ${String(error)}` }))
  }
}

/** Reads and parses a config file; `None` when the file does not exist. */
export const read = (path: string): Effect.Effect<Option.Option<TomlTable>, ConfigError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const text = yield* fs.readFileString(path, "utf-8").pipe(
      Effect.map(Option.some),
      Effect.catchTag("SystemError", (error) =>
        error.reason === "NotFound"
          ? Effect.succeed(Option.none<string>())
          : Effect.fail(new ConfigError({ reason: "Io", path, detail: `cannot read the file (${error.reason}): ${error.message}` }))
      ),
      Effect.catchTag("BadArgument", (error) =>
        Effect.fail(new ConfigError({ reason: "Io", path, detail: `cannot read the file: ${error.message}` }))
      )
    )
    if (Option.isNone(text)) return Option.none()
    return Option.some(yield* parse(text.value, path))
  })

/** Where a merged top-level key came from, for naming it in errors. */
export type KeyOrigin = "file" | "profile" | "override"

/** The top-level table after the profile merge, and where each key came from. */
export interface Selected {
  readonly table: TomlTable
  readonly origins: ReadonlyMap<string, KeyOrigin>
}

/**
 * Applies a profile: its keys replace top-level keys one for one (a table in the profile replaces the whole
 * top-level table). Provider tables always stay those of the top level.
 */
export const selectProfile = (
  table: TomlTable,
  profile: string | undefined,
  path: string
): Either.Either<Selected, ConfigError> => {
  const origins = new Map<string, KeyOrigin>(Object.keys(table).map((key) => [key, "file"]))
  if (profile === undefined) return Either.right({ table, origins })
  const profiles = table["profiles"]
  if (profiles !== undefined && !isTable(profiles)) {
    return Either.left(new ConfigError({ reason: "InvalidValue", path, key: "profiles", detail: "profiles must be a table" }))
  }
  const chosen = profiles !== undefined && Object.hasOwn(profiles, profile) ? profiles[profile] : undefined
  if (chosen === undefined) {
    return Either.left(new ConfigError({ reason: "UnknownProfile", path, detail: `unknown Codex profile: ${profile}` }))
  }
  const key = `profiles.${profile}`
  if (!isTable(chosen)) {
    return Either.left(new ConfigError({ reason: "InvalidValue", path, key, detail: `${key} must be a table` }))
  }
  const merged: Record<string, unknown> = { ...table }
  for (const [name, value] of Object.entries(chosen)) {
    if (name === "model_providers") continue
    merged[name] = value
    origins.set(name, "profile")
  }
  return Either.right({ table: merged, origins })
}

/**
 * Decodes `value` with `schema`; the first problem becomes a ConfigError whose key is named by `keyName`
 * (given the path of the problem inside `value`).
 */
export const decode = <A, I>(
  schema: Schema.Schema<A, I>,
  value: unknown,
  path: string,
  keyName: (issuePath: ReadonlyArray<PropertyKey>) => string
): Either.Either<A, ConfigError> =>
  Schema.decodeUnknownEither(schema)(value).pipe(
    Either.mapLeft((error) => {
      const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
      const key = keyName(issue?.path ?? [])
      const problem = issue?.message ?? "is invalid"
      const missing = issue?._tag === "Missing" || problem === "is missing"
      return new ConfigError({ reason: missing ? "MissingKey" : "InvalidValue", path, key, detail: `${key} ${problem}` })
    })
  )
