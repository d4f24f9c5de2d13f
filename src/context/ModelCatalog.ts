/** ModelCatalog: per-model facts from prompts/models.json (context window, limits, instruction template). */
import { Effect, Either, Option, Schema } from "effect"
import { ContextError } from "./ContextManager.js"
import type { Prompts } from "./Prompts.js"
import { CATALOG_FILE } from "./Prompts.js"
import { renderTemplate } from "./internal/template.js"

/** The personality texts a template can take. */
export interface Personalities {
  readonly default: string
  readonly friendly: string
  readonly pragmatic: string
}

/** One model's facts. */
export interface ModelInfo {
  readonly slug: string
  readonly contextWindow?: number
  readonly effectiveContextWindowPercent?: number
  readonly autoCompactTokenLimit?: number
  /** Instruction template; `{{ personality }}` and the entry's variables are substituted. */
  readonly instructionsTemplate?: string
  readonly variables: Readonly<Record<string, string>>
  /** Personality texts; absent means the personality placeholder becomes empty. */
  readonly personalities?: Personalities
  /** Fixed instructions, used when there is no template. */
  readonly baseInstructions?: string
  /** Which shell tool the model is trained on (`shell_type`), when the entry says. */
  readonly shellType?: ShellType
}

/** Codex's `shell_type` values: the argv `shell`, a local shell, unified exec sessions, the `shell_command` script tool, or none. */
export const ShellType = Schema.Literal("default", "local", "unified_exec", "shell_command", "disabled")
export type ShellType = typeof ShellType.Type

export interface ModelCatalog {
  readonly lookup: (slug: string | undefined) => Option.Option<ModelInfo>
  /** Every model the catalog knows, in file order. */
  readonly slugs: ReadonlyArray<string>
}

/** Integers may be written as numbers or numeric strings; fractions are truncated. */
const Int = Schema.Union(Schema.Number, Schema.NumberFromString).pipe(
  Schema.filter((n) => Number.isFinite(n)),
  Schema.transform(Schema.Number, { strict: true, decode: (n) => Math.trunc(n), encode: (n) => n })
)
const StringMap = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/** One entry as written in models.json. Our entries name a template file; upstream-style ones carry text. */
const Entry = Schema.Struct({
  slug: Schema.String,
  context_window: Schema.optional(Schema.NullOr(Int)),
  effective_context_window_percent: Schema.optional(Schema.NullOr(Int)),
  auto_compact_token_limit: Schema.optional(Schema.NullOr(Int)),
  instructions_file: Schema.optional(Schema.String),
  instructions_variables: Schema.optional(StringMap),
  supports_personality: Schema.optional(Schema.Boolean),
  base_instructions: Schema.optional(Schema.NullOr(Schema.String)),
  shell_type: Schema.optional(Schema.NullOr(ShellType)),
  model_messages: Schema.optional(Schema.NullOr(Schema.Struct({
    instructions_template: Schema.optional(Schema.NullOr(Schema.String)),
    instructions_variables: Schema.optional(Schema.NullOr(Schema.Unknown))
  })))
})
type Entry = typeof Entry.Type

const CatalogFile = Schema.parseJson(Schema.Struct({ models: Schema.Array(Schema.Unknown) }))
const decodeEntry = Schema.decodeUnknownEither(Entry)

/** Variables every template of ours can use. */
const SHARED_VARIABLES = { agent_guidelines: "agent_guidelines.md" } as const

const stringVariables = (value: unknown): Record<string, string> =>
  value !== null && typeof value === "object" && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).filter((kv): kv is [string, string] => typeof kv[1] === "string"))
    : {}

/** An upstream-style entry keeps its personality texts among `instructions_variables`. */
const inlinePersonalities = (variables: unknown): Personalities | undefined => {
  if (variables === null || typeof variables !== "object" || Array.isArray(variables)) return undefined
  const vars = stringVariables(variables)
  return {
    default: vars.personality_default ?? "",
    friendly: vars.personality_friendly ?? "",
    pragmatic: vars.personality_pragmatic ?? ""
  }
}

const withoutNulls = <A>(value: A | null | undefined): A | undefined => (value === null ? undefined : value)

const toInfo = (
  entry: Entry,
  prompts: Prompts,
  shared: Readonly<Record<string, string>>,
  personalities: Personalities
): Effect.Effect<ModelInfo, ContextError> =>
  Effect.gen(function* () {
    const fileTemplate = entry.instructions_file !== undefined ? yield* prompts.text(entry.instructions_file) : undefined
    const inlineTemplate = withoutNulls(entry.model_messages?.instructions_template)
    const template = fileTemplate ?? inlineTemplate
    const info: {
      -readonly [K in keyof ModelInfo]: ModelInfo[K]
    } = {
      slug: entry.slug,
      variables: fileTemplate !== undefined
        ? { ...shared, ...stringVariables(entry.instructions_variables) }
        : stringVariables(entry.model_messages?.instructions_variables)
    }
    const contextWindow = withoutNulls(entry.context_window)
    if (contextWindow !== undefined) info.contextWindow = contextWindow
    const percent = withoutNulls(entry.effective_context_window_percent)
    if (percent !== undefined) info.effectiveContextWindowPercent = percent
    const limit = withoutNulls(entry.auto_compact_token_limit)
    if (limit !== undefined) info.autoCompactTokenLimit = limit
    if (template !== undefined) info.instructionsTemplate = template
    const ownPersonalities = fileTemplate !== undefined
      ? (entry.supports_personality === true ? personalities : undefined)
      : inlinePersonalities(entry.model_messages?.instructions_variables)
    if (ownPersonalities !== undefined) info.personalities = ownPersonalities
    const base = withoutNulls(entry.base_instructions)
    if (base !== undefined) info.baseInstructions = base
    const shellType = withoutNulls(entry.shell_type)
    if (shellType !== undefined) info.shellType = shellType
    return info
  })

/** Builds a catalog from decoded entries: entries without a string slug are ignored, a later slug wins. */
const fromEntries = (entries: ReadonlyArray<ModelInfo>): ModelCatalog => {
  const bySlug = new Map<string, ModelInfo>()
  for (const entry of entries) bySlug.set(entry.slug, entry)
  return {
    lookup: (slug) => (slug === undefined ? Option.none() : Option.fromNullable(bySlug.get(slug))),
    slugs: [...bySlug.keys()]
  }
}

/** A catalog that knows no model. */
export const empty: ModelCatalog = fromEntries([])

/** Reads models.json and the template and personality files its entries name. */
export const load = (prompts: Prompts): Effect.Effect<ModelCatalog, ContextError> =>
  Effect.gen(function* () {
    const raw = yield* prompts.text(CATALOG_FILE)
    const file = yield* Schema.decodeUnknown(CatalogFile)(raw).pipe(
      Effect.mapError((error) =>
        new ContextError({ reason: "InvalidSetting", message: `${prompts.dir}/${CATALOG_FILE} is not a valid model catalog: ${error.message}` })
      )
    )
    const shared: Record<string, string> = {}
    for (const [name, path] of Object.entries(SHARED_VARIABLES)) shared[name] = yield* prompts.text(path)
    const personalities: Personalities = {
      default: yield* prompts.text("personality/default.md"),
      friendly: yield* prompts.text("personality/friendly.md"),
      pragmatic: yield* prompts.text("personality/pragmatic.md")
    }
    const infos: Array<ModelInfo> = []
    for (const value of file.models) {
      const decoded = decodeEntry(value)
      if (Either.isLeft(decoded)) continue
      infos.push(yield* toInfo(decoded.right, prompts, shared, personalities))
    }
    return fromEntries(infos)
  })

/** The personality text for a configured personality name (`none` means no personality text). */
export const personalityText = (personalities: Personalities | undefined, personality: string | undefined): string => {
  if (personalities === undefined) return ""
  switch ((personality ?? "").trim().toLowerCase()) {
    case "friendly":
      return personalities.friendly
    case "pragmatic":
      return personalities.pragmatic
    case "none":
      return ""
    default:
      return personalities.default
  }
}

/** The model's instructions for a personality, or `None` when the catalog entry has none. */
export const instructionsFor = (info: ModelInfo, personality: string | undefined): Option.Option<string> => {
  if (info.instructionsTemplate !== undefined) {
    return Option.some(renderTemplate(info.instructionsTemplate, {
      ...info.variables,
      personality: personalityText(info.personalities, personality)
    }))
  }
  return Option.fromNullable(info.baseInstructions)
}
