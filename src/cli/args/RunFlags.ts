/** RunFlags: what the shared options of the prompt-taking commands mean for a run (config file, overrides, directory, output). */
import { Either } from "effect"
import * as ConfigOverrides from "../../config/ConfigOverrides.js"
import { UsageError } from "./UsageError.js"
import type { CompatFlags } from "../../stack/CompatServer.js"
import * as ArgParser from "./ArgParser.js"

export type ColorChoice = "always" | "never" | "auto"

/** The run as the flags describe it. Absent fields were not given. */
export interface RunFlags {
  readonly configPath?: string
  readonly profile?: string
  /** `-c`, `-m`, `-s`, `-a` and the bypass switch as config keys (ConfigLoader's `overrides`). */
  readonly overrides: Readonly<Record<string, unknown>>
  /** `--oss`: the local provider to use, or `true` for the configured/default one. */
  readonly oss?: string | true
  readonly systemPrompt?: string
  readonly timeoutSeconds: number
  readonly compat?: CompatFlags
  readonly cd?: string
  readonly images: ReadonlyArray<string>
  readonly outputLastMessage?: string
  readonly json: boolean
  readonly progress: "codex" | "plain"
  readonly color: ColorChoice
}

/**
 * Reads the shared options. `pathConfig` lets `--config` name a config file as well (the root
 * command's older meaning): a value that does not read as `key=value` is then the file. `progress`
 * is the style used when `--progress` is not given.
 */
export const fromParsed = (
  parsed: ArgParser.Parsed,
  options: { readonly pathConfig: boolean; readonly progress: "codex" | "plain" }
): Either.Either<RunFlags, UsageError> => {
  const overrides: Array<ConfigOverrides.Override> = []
  let configPath: string | undefined
  for (const text of ArgParser.all(parsed, "config")) {
    if (options.pathConfig && !ConfigOverrides.looksLikeOverride(text)) {
      if (configPath !== undefined) return Either.left(new UsageError({ message: `argument --config: a config file was already given (${configPath})` }))
      configPath = text
      continue
    }
    const override = ConfigOverrides.parseOverride(text)
    if (Either.isLeft(override)) return Either.left(new UsageError({ message: override.left }))
    overrides.push(override.right)
  }
  const set = (key: string, value: string | undefined) => {
    if (value !== undefined) overrides.push({ key, value })
  }
  set("model", ArgParser.one(parsed, "model"))
  set("sandbox_mode", ArgParser.one(parsed, "sandbox"))
  set("approval_policy", ArgParser.one(parsed, "ask-for-approval"))
  if (ArgParser.has(parsed, "dangerously-bypass-approvals-and-sandbox")) {
    set("sandbox_mode", "danger-full-access")
    set("approval_policy", "never")
  }
  const timeoutText = ArgParser.one(parsed, "timeout-seconds")
  const timeoutSeconds = timeoutText === undefined ? 120 : Number(timeoutText)
  if (!Number.isFinite(timeoutSeconds) || timeoutText?.trim() === "") {
    return Either.left(new UsageError({ message: `argument --timeout-seconds: invalid float value: '${timeoutText}'` }))
  }
  const vllm = ArgParser.one(parsed, "vllm-endpoint")
  const compat: CompatFlags = {
    ...(vllm !== undefined ? { vllmEndpoint: vllm } : {}),
    ...(ArgParser.has(parsed, "use-chat-completion") ? { useChatCompletion: true } : {}),
    ...(ArgParser.has(parsed, "use-messages") ? { useMessages: true } : {})
  }
  const localProvider = ArgParser.one(parsed, "local-provider")
  const oss: string | true | undefined = ArgParser.has(parsed, "oss") ? localProvider ?? true : undefined
  const images = ArgParser.all(parsed, "image").flatMap((value) => value.split(",")).map((s) => s.trim()).filter((s) => s !== "")
  return Either.right({
    ...optional("configPath", configPath),
    ...optional("profile", ArgParser.one(parsed, "profile")),
    overrides: ConfigOverrides.toRecord(overrides),
    ...optional("oss", oss),
    ...optional("systemPrompt", ArgParser.one(parsed, "system-prompt")),
    timeoutSeconds,
    ...(Object.keys(compat).length > 0 ? { compat } : {}),
    ...optional("cd", ArgParser.one(parsed, "cd")),
    images,
    ...optional("outputLastMessage", ArgParser.one(parsed, "output-last-message")),
    json: ArgParser.has(parsed, "json"),
    progress: (ArgParser.one(parsed, "progress") ?? options.progress) as "codex" | "plain",
    color: (ArgParser.one(parsed, "color") ?? "auto") as ColorChoice
  })
}

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
