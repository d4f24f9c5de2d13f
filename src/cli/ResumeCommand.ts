/** ResumeCommand: `tscodex resume <id|path> "prompt"` / `tscodex resume --last "prompt"` continues a recorded session. */
import { Console, Effect, Either, Option } from "effect"
import * as CodexHome from "../config/CodexHome.js"
import * as RolloutReader from "../session/RolloutReader.js"
import * as SessionList from "../session/SessionList.js"
import * as AgentStack from "../stack/AgentStack.js"
import * as ArgParser from "./args/ArgParser.js"
import * as CommandSpecs from "./args/CommandSpecs.js"
import * as Help from "./args/Help.js"
import * as RunFlags from "./args/RunFlags.js"
import { UsageError } from "./CliError.js"
import { runOneShot } from "./ExecCommand.js"

/** Splits the positional words into the session to resume and the prompt words. */
export const splitTarget = (
  positional: ReadonlyArray<string>,
  useLast: boolean
): Effect.Effect<{ readonly target: string | { readonly last: true }; readonly prompt: ReadonlyArray<string> }, UsageError> => {
  if (useLast) return Effect.succeed({ target: { last: true }, prompt: positional })
  const [target, ...prompt] = positional
  return target === undefined
    ? Effect.fail(new UsageError({ message: "resume needs a session id or path, or --last" }))
    : Effect.succeed({ target, prompt })
}

/** The rollout of a session given by id, id prefix, rollout path or `--last`, loaded (damaged lines reported). */
export const loadTarget = (target: string | { readonly last: true }, configPath: string | undefined) =>
  Effect.gen(function* () {
    const location = yield* CodexHome.resolve({ configPath })
    const entry = typeof target === "string" && target.endsWith(".jsonl")
      ? undefined
      : yield* SessionList.findSession(location.codexHome, target)
    const path = entry?.rolloutPath ?? (target as string)
    const session = yield* RolloutReader.loadSession(path)
    if (session.skipped > 0) {
      yield* Console.error(`[warning] ${session.skipped} damaged record(s) in ${session.rolloutPath} were skipped`)
    }
    return session
  }).pipe(Effect.provide(AgentStack.platformLayer))

const usage = (error: { readonly message: string }) =>
  new UsageError({ message: error.message, usage: `usage: ${Help.usageLines(CommandSpecs.resume)[0]}` })

/** The resume command over `[node, bin, ...words]`. */
export const run = (argv: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const parsed = yield* Either.mapLeft(ArgParser.parse(CommandSpecs.resume, argv.slice(2)), usage)
    if (parsed.help) return yield* Console.log(Help.formatHelp(CommandSpecs.resume, { color: false }).trimEnd())
    const flags = yield* Either.mapLeft(RunFlags.fromParsed(parsed, { pathConfig: true, progress: "plain" }), usage)
    const { prompt, target } = yield* splitTarget(parsed.positionals, ArgParser.has(parsed, "last"))
    const session = yield* loadTarget(target, flags.configPath)
    yield* runOneShot(prompt, flags, Option.fromNullable(flags.configPath), {
      path: session.rolloutPath,
      sessionId: session.sessionId,
      history: session.history
    })
  })
