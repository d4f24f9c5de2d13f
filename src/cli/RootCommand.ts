/** RootCommand: `tscodex [prompt…]` and its flags, parsed with @effect/cli. */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Effect, Option } from "effect"
import { UsageError } from "./CliError.js"

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

export const rootOptions = { prompt, config, profile, systemPrompt, timeoutSeconds, json }

export interface RootArgs {
  readonly prompt: ReadonlyArray<string>
  readonly config: Option.Option<string>
  readonly profile: Option.Option<string>
  readonly systemPrompt: Option.Option<string>
  readonly timeoutSeconds: number
  readonly json: boolean
}

/**
 * A repeated text argument also collects words that look like flags (`--bogus`). Such a word is an
 * unknown option unless it came after `--`.
 */
export const rejectUnknownFlags = (words: ReadonlyArray<string>, argv: ReadonlyArray<string>): Effect.Effect<void, UsageError> => {
  const end = argv.indexOf("--")
  const optionZone = end === -1 ? argv : argv.slice(0, end)
  const unknown = words.filter((word) => word.length > 1 && word.startsWith("-") && optionZone.includes(word))
  return unknown.length === 0
    ? Effect.void
    : Effect.fail(new UsageError({ message: `unrecognized arguments: ${unknown.join(" ")}` }))
}

export const make = <E, R>(handler: (args: RootArgs) => Effect.Effect<void, E, R>) =>
  Command.make("tscodex", rootOptions, handler).pipe(
    Command.withDescription("Minimal Codex-style local CLI backed by ~/.codex/config.toml.")
  )
