/** RootCommand: `tscodex [prompt…]` and its flags, parsed with @effect/cli. */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as Usage from "@effect/cli/Usage"
import { Effect, Option } from "effect"
import { UsageError } from "./CliError.js"
import type { CompatFlags } from "./CompatServer.js"

export const prompt = Args.text({ name: "prompt" }).pipe(
  Args.withDescription("Prompt text. If omitted, read from stdin."),
  Args.repeated
)
export const config = Options.text("config").pipe(
  Options.withDescription("Path to Codex config.toml."),
  Options.optional
)
export const profile = Options.text("profile").pipe(
  Options.withDescription("Optional profile name from config.toml."),
  Options.optional
)
export const systemPrompt = Options.text("system-prompt").pipe(
  Options.withDescription("Optional base instructions override passed to the model."),
  Options.optional
)
export const timeoutSeconds = Options.float("timeout-seconds").pipe(
  Options.withDescription("HTTP timeout for one model call."),
  Options.withDefault(120)
)
export const json = Options.boolean("json").pipe(Options.withDescription("Print the full TurnResult as JSON."))
export const vllmEndpoint = Options.text("vllm-endpoint").pipe(
  Options.withDescription(
    "Base URL of a chat-completions vLLM server; a local Responses compatibility server is started for the session (/v1 added to an empty path)."
  ),
  Options.optional
)
export const useChatCompletion = Options.boolean("use-chat-completion").pipe(
  Options.withDescription("Start a local Responses compatibility server talking to the provider's chat-completions API.")
)
export const useMessages = Options.boolean("use-messages").pipe(
  Options.withDescription("Start a local Responses compatibility server talking to the provider's /v1/messages API.")
)

export const put = Options.text("put").pipe(
  Options.withDescription("Upload a Codex home using `--put @host:port` or `--put /path/.codex@host:port`."),
  Options.optional
)
export const call = Options.text("call").pipe(
  Options.withDescription("Download and use a stored Codex home via <secret>-<call_id>@<host:port>."),
  Options.optional
)

export const rootOptions = { prompt, put, call, config, profile, systemPrompt, timeoutSeconds, json, vllmEndpoint, useChatCompletion, useMessages }

export interface RootArgs {
  readonly prompt: ReadonlyArray<string>
  readonly put: Option.Option<string>
  readonly call: Option.Option<string>
  readonly config: Option.Option<string>
  readonly profile: Option.Option<string>
  readonly systemPrompt: Option.Option<string>
  readonly timeoutSeconds: number
  readonly json: boolean
  readonly vllmEndpoint: Option.Option<string>
  readonly useChatCompletion: boolean
  readonly useMessages: boolean
}

/** Options that take a value: given last, with nothing after them, they are missing that value. */
const VALUE_OPTIONS = new Set(["--put", "--call", "--config", "--profile", "--system-prompt", "--timeout-seconds", "--vllm-endpoint"])

/**
 * A repeated text argument also collects words that look like flags (`--bogus`). Such a word is an
 * unknown option unless it came after `--`; a value option there lacked its value. `usage` gives the
 * line shown above the error.
 */
export const rejectUnknownFlags = (
  words: ReadonlyArray<string>,
  argv: ReadonlyArray<string>,
  usage?: () => string
): Effect.Effect<void, UsageError> => {
  const end = argv.indexOf("--")
  const optionZone = end === -1 ? argv : argv.slice(0, end)
  const flags = words.filter((word) => word.length > 1 && word.startsWith("-") && optionZone.includes(word))
  const valueless = flags.find((word) => VALUE_OPTIONS.has(word))
  const withUsage = usage === undefined ? {} : { usage: usage() }
  if (valueless !== undefined) {
    return Effect.fail(new UsageError({ message: `argument ${valueless}: expected one argument`, ...withUsage }))
  }
  return flags.length === 0
    ? Effect.void
    : Effect.fail(new UsageError({ message: `unrecognized arguments: ${flags.join(" ")}`, ...withUsage }))
}

/**
 * With `--put` or `--call`, portable mode wraps the handler; its code (and its HTTP client) is
 * loaded only then, so ordinary runs do not pay for it at start-up.
 */
const portable = <E, R>(args: RootArgs, handler: (args: RootArgs) => Effect.Effect<void, E, R>) =>
  Option.isNone(args.put) && Option.isNone(args.call)
    ? handler(args)
    : Effect.flatMap(Effect.promise(() => import("./PortableCommand.js")), (m) => m.withPortable(args, handler))

export const make = <E, R>(handler: (args: RootArgs) => Effect.Effect<void, E, R>) =>
  Command.make("tscodex", rootOptions, (args: RootArgs) => portable(args, handler)).pipe(
    Command.withDescription("Minimal Codex-style local CLI backed by ~/.codex/config.toml.")
  )

/** `usage: tscodex [--config text] ... <prompt>...`, from the command's own definition. */
export const usageLine = (): string => {
  const text = HelpDoc.toAnsiText(Usage.getHelp(Command.getUsage(make(() => Effect.void))))
  return `usage: ${text.replace(/\x1b\[[0-9;]*m/g, "").trim()}`
}

/**
 * The stack settings the shared flags give: `--config`, `--profile`, `--system-prompt` (only those
 * set) and the compatibility server switches when the command has them.
 */
export const stackSettings = (args: {
  readonly config: Option.Option<string>
  readonly profile: Option.Option<string>
  readonly systemPrompt: Option.Option<string>
  readonly vllmEndpoint?: Option.Option<string>
  readonly useChatCompletion?: boolean
  readonly useMessages?: boolean
}): {
  readonly configPath?: string
  readonly profile?: string
  readonly systemPrompt?: string
  readonly compat?: CompatFlags
} => {
  const vllm = args.vllmEndpoint === undefined ? undefined : Option.getOrUndefined(args.vllmEndpoint)
  const compat: CompatFlags = {
    ...(vllm !== undefined ? { vllmEndpoint: vllm } : {}),
    ...(args.useChatCompletion === true ? { useChatCompletion: true } : {}),
    ...(args.useMessages === true ? { useMessages: true } : {})
  }
  return {
    ...Option.match(args.config, { onNone: () => ({}), onSome: (configPath) => ({ configPath }) }),
    ...Option.match(args.profile, { onNone: () => ({}), onSome: (profile) => ({ profile }) }),
    ...Option.match(args.systemPrompt, { onNone: () => ({}), onSome: (systemPrompt) => ({ systemPrompt }) }),
    ...(Object.keys(compat).length > 0 ? { compat } : {})
  }
}
