/** ResumeCommand: `tscodex resume <id|path> "prompt"` / `tscodex resume --last "prompt"` continues a recorded session. */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Console, Effect, Option } from "effect"
import * as CodexHome from "../config/CodexHome.js"
import * as RolloutReader from "../session/RolloutReader.js"
import * as SessionList from "../session/SessionList.js"
import * as AgentStack from "./AgentStack.js"
import { UsageError } from "./CliError.js"
import { stderrProgress } from "./ExecCommand.js"
import { runExec } from "./ExecMode.js"
import { processStdin } from "./PromptInput.js"
import * as RootCommand from "./RootCommand.js"

const last = Options.boolean("last").pipe(Options.withDescription("Continue the most recent session."))
const words = Args.text({ name: "session-and-prompt" }).pipe(
  Args.withDescription("The session id (or a unique prefix, or a rollout path) unless --last, then the prompt."),
  Args.repeated
)

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

/** The resume command; `argv` is needed to tell unknown flags from prompt words. */
export const make = (argv: ReadonlyArray<string>) =>
  Command.make(
    "resume",
    {
      last,
      words,
      config: RootCommand.config,
      profile: RootCommand.profile,
      systemPrompt: RootCommand.systemPrompt,
      timeoutSeconds: RootCommand.timeoutSeconds,
      json: RootCommand.json
    },
    (args) =>
      Effect.gen(function* () {
        yield* RootCommand.rejectUnknownFlags(args.words, argv)
        const { prompt, target } = yield* splitTarget(args.words, args.last)
        const configPath = Option.getOrUndefined(args.config)
        const session = yield* Effect.gen(function* () {
          const location = yield* CodexHome.resolve({ configPath })
          const entry = typeof target === "string" && target.endsWith(".jsonl")
            ? undefined
            : yield* SessionList.findSession(location.codexHome, target)
          const path = entry?.rolloutPath ?? (target as string)
          return yield* RolloutReader.loadSession(path)
        }).pipe(Effect.provide(AgentStack.platformLayer))
        if (session.skipped > 0) {
          yield* Console.error(`[warning] ${session.skipped} damaged record(s) in ${session.rolloutPath} were skipped`)
        }
        const stack = AgentStack.layer({
          ...RootCommand.stackSettings(args),
          timeoutSeconds: args.timeoutSeconds,
          resume: { path: session.rolloutPath, sessionId: session.sessionId, history: session.history },
          onWarning: (message) => Console.error(message),
          events: stderrProgress
        })
        yield* runExec({ words: prompt, json: args.json, stdin: processStdin }).pipe(Effect.provide(stack))
      })
  ).pipe(Command.withDescription("Continue a recorded session with one more turn (appends to the same rollout)."))
