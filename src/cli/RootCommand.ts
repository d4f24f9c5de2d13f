/** RootCommand: `tscodex [prompt…]` and its flags, read with the shared table-driven parser. */
import * as Options from "@effect/cli/Options"
import { Console, Effect, Either, Option } from "effect"
import * as ArgParser from "./args/ArgParser.js"
import * as CommandSpecs from "./args/CommandSpecs.js"
import * as Help from "./args/Help.js"
import * as RunFlags from "./args/RunFlags.js"
import * as Subcommands from "./args/Subcommands.js"
import { UsageError } from "./CliError.js"
import type { CompatFlags } from "../stack/CompatServer.js"

/** The root command's arguments: the prompt words, portable mode and the shared run flags. */
export interface RootArgs {
  readonly prompt: ReadonlyArray<string>
  readonly put: Option.Option<string>
  readonly call: Option.Option<string>
  /** The config file (`--config PATH`, or the one `--call` downloaded). */
  readonly config: Option.Option<string>
  readonly flags: RunFlags.RunFlags
}

/** `usage: tscodex [-h] [--config CONFIG|key=value] ... <prompt>...`, shown above usage errors. */
export const usageLine = (): string => Help.argparseUsage(CommandSpecs.root)

/** A parse failure as argparse words it: the usage line, then `tscodex: error: …` (exit 2). */
export const usageError = (error: ArgParser.ArgError | UsageError): UsageError =>
  new UsageError({ message: error.message, usage: usageLine() })

/** The words after `tscodex` read into RootArgs, or the usage error. `help` is set for `-h`/`--help`. */
export const parseArgs = (
  words: ReadonlyArray<string>
): Either.Either<RootArgs & { readonly help: boolean; readonly afterDashDash: boolean }, UsageError> =>
  Either.gen(function* () {
    const parsed = yield* Either.mapLeft(ArgParser.parse(CommandSpecs.root, words), usageError)
    const flags = yield* Either.mapLeft(RunFlags.fromParsed(parsed, { pathConfig: true, progress: "plain" }), usageError)
    return {
      prompt: parsed.positionals,
      put: Option.fromNullable(ArgParser.one(parsed, "put")),
      call: Option.fromNullable(ArgParser.one(parsed, "call")),
      config: Option.fromNullable(flags.configPath),
      flags,
      help: parsed.help,
      afterDashDash: parsed.dashDashAt !== undefined
    }
  })

/**
 * A lone prompt word that is a near miss of a subcommand (`doctr`, `session`) is most likely a
 * typo: ask instead of sending it to the model. More words, or `--`, make it a prompt.
 */
export const rejectNearMiss = (args: { readonly prompt: ReadonlyArray<string>; readonly afterDashDash: boolean }) => {
  const [word] = args.prompt
  const meant = args.prompt.length === 1 && !args.afterDashDash && word !== undefined ? Subcommands.nearMiss(word) : undefined
  return meant === undefined
    ? Effect.void
    : Effect.fail(new UsageError({
      message: `'${word}' is not a subcommand; did you mean '${meant}'? (to send it as a prompt: tscodex -- ${word})`
    }))
}

/**
 * With `--put` or `--call`, portable mode wraps the handler; its code (and its HTTP client) is
 * loaded only then, so ordinary runs do not pay for it at start-up.
 */
const portable = <E, R>(args: RootArgs, handler: (args: RootArgs) => Effect.Effect<void, E, R>) =>
  Option.isNone(args.put) && Option.isNone(args.call)
    ? handler(args)
    : Effect.flatMap(Effect.promise(() => import("./PortableCommand.js")), (m) => m.withPortable(args, handler))

/**
 * The root command over `[node, bin, ...words]`: `--help` prints help (given by `help`, which the
 * caller builds so that the subcommand list stays out of this module), bad flags are usage errors.
 */
export const make = <E, R>(
  handler: (args: RootArgs) => Effect.Effect<void, E, R>,
  help: () => Effect.Effect<string> = () => Effect.succeed(Help.formatHelp(CommandSpecs.root, { color: false }))
) =>
  (argv: ReadonlyArray<string>) =>
    Effect.gen(function* () {
      const args = yield* parseArgs(argv.slice(2))
      if (args.help) return yield* Effect.flatMap(help(), (text) => Console.log(text.trimEnd()))
      yield* rejectNearMiss(args)
      return yield* portable(args, handler)
    })

/**
 * The stack settings the shared flags give: the config file, profile, overrides, system prompt and
 * the compatibility server switches (only those set).
 */
export const runStackSettings = (
  flags: RunFlags.RunFlags,
  configPath: Option.Option<string> = Option.fromNullable(flags.configPath)
): {
  readonly configPath?: string
  readonly profile?: string
  readonly systemPrompt?: string
  readonly compat?: CompatFlags
  readonly overrides: Readonly<Record<string, unknown>>
  readonly oss?: string | true
  readonly timeoutSeconds: number
} => ({
  ...Option.match(configPath, { onNone: () => ({}), onSome: (path) => ({ configPath: path }) }),
  ...(flags.profile !== undefined ? { profile: flags.profile } : {}),
  ...(flags.systemPrompt !== undefined ? { systemPrompt: flags.systemPrompt } : {}),
  ...(flags.compat !== undefined ? { compat: flags.compat } : {}),
  ...(flags.oss !== undefined ? { oss: flags.oss } : {}),
  overrides: flags.overrides,
  timeoutSeconds: flags.timeoutSeconds
})

// The shared flags as @effect/cli options, for subcommands parsed by @effect/cli (`batch`).
export const config = Options.text("config").pipe(Options.withDescription("Path to Codex config.toml."), Options.optional)
export const profile = Options.text("profile").pipe(Options.withDescription("Optional profile name from config.toml."), Options.optional)
export const systemPrompt = Options.text("system-prompt").pipe(
  Options.withDescription("Optional base instructions override passed to the model."),
  Options.optional
)
export const timeoutSeconds = Options.float("timeout-seconds").pipe(
  Options.withDescription("HTTP timeout for one model call."),
  Options.withDefault(120)
)
export const vllmEndpoint = Options.text("vllm-endpoint").pipe(
  Options.withDescription("Base URL of a chat-completions vLLM server; a local Responses compatibility server is started for the session."),
  Options.optional
)
export const useChatCompletion = Options.boolean("use-chat-completion").pipe(
  Options.withDescription("Start a local Responses compatibility server talking to the provider's chat-completions API.")
)
export const useMessages = Options.boolean("use-messages").pipe(
  Options.withDescription("Start a local Responses compatibility server talking to the provider's /v1/messages API.")
)

/** The stack settings of those @effect/cli options (only those set). */
export const stackSettings = (args: {
  readonly config: Option.Option<string>
  readonly profile: Option.Option<string>
  readonly systemPrompt: Option.Option<string>
  readonly vllmEndpoint?: Option.Option<string>
  readonly useChatCompletion?: boolean
  readonly useMessages?: boolean
}): { readonly configPath?: string; readonly profile?: string; readonly systemPrompt?: string; readonly compat?: CompatFlags } => {
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
