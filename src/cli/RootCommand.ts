/** RootCommand: `tscodex [prompt…]` and its flags, read with the shared table-driven parser. */
import { Console, Effect, Either, Option } from "effect"
import * as ArgParser from "./args/ArgParser.js"
import * as CommandSpecs from "./args/CommandSpecs.js"
import * as Help from "./args/Help.js"
import * as RunFlags from "./args/RunFlags.js"
import { UsageError } from "./CliError.js"
import type { CompatFlags } from "./CompatServer.js"

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
export const parseArgs = (words: ReadonlyArray<string>): Either.Either<RootArgs & { readonly help: boolean }, UsageError> =>
  Either.gen(function* () {
    const parsed = yield* Either.mapLeft(ArgParser.parse(CommandSpecs.root, words), usageError)
    const flags = yield* Either.mapLeft(RunFlags.fromParsed(parsed, { pathConfig: true, progress: "plain" }), usageError)
    return {
      prompt: parsed.positionals,
      put: Option.fromNullable(ArgParser.one(parsed, "put")),
      call: Option.fromNullable(ArgParser.one(parsed, "call")),
      config: Option.fromNullable(flags.configPath),
      flags,
      help: parsed.help
    }
  })

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
      return yield* portable(args, handler)
    })

/**
 * The stack settings the shared flags give: the config file, profile, overrides, system prompt and
 * the compatibility server switches (only those set).
 */
export const stackSettings = (
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
