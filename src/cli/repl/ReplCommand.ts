/** ReplCommand: `tscodex` with no prompt on a terminal — the interactive session on the agent stack. */
import { Console, Effect, Either, Option, Ref } from "effect"
import type { SubmissionEvent } from "../../agent/AgentRuntime.js"
import { CodexConfig } from "../../config/CodexConfig.js"
import * as Environment from "../../config/Environment.js"
import { ContextManager } from "../../context/ContextManager.js"
import * as ModelCatalog from "../../context/ModelCatalog.js"
import * as Prompts from "../../context/Prompts.js"
import * as CodexHome from "../../config/CodexHome.js"
import * as RolloutReader from "../../session/RolloutReader.js"
import * as SessionList from "../../session/SessionList.js"
import * as AgentStack from "../../stack/AgentStack.js"
import * as ArgParser from "../args/ArgParser.js"
import * as CommandSpecs from "../args/CommandSpecs.js"
import * as RunFlags from "../args/RunFlags.js"
import { changeDirectory } from "../ExecMode.js"
import * as RootCommand from "../RootCommand.js"
import { colorsEnabled } from "./Colors.js"
import * as NodeTerminal from "./NodeTerminal.js"
import * as Picker from "./Picker.js"
import * as Repl from "./Repl.js"
import * as UserPrompts from "./UserPrompts.js"
import type * as Session from "./Session.js"
import { Terminal } from "./Terminal.js"
import * as View from "./View.js"

/** True when `TSCODEX_NO_COLOR` (or `PYCODEX_NO_COLOR`) is set to a true-ish value. */
export const noColor = (env: Environment.Environment): boolean =>
  Environment.flag(env, "TSCODEX_NO_COLOR") || Environment.flag(env, "PYCODEX_NO_COLOR")

/** The interactive session on the agent stack built from the run flags, begun as `start` says. */
const openSession = (
  flags: RunFlags.RunFlags,
  configPath: Option.Option<string>,
  start?: Session.SessionOptions["start"],
  resumed?: RolloutReader.LoadedSession
) =>
  Effect.gen(function* () {
    // The view needs the stack's context window, and the stack needs the view's event handler.
    const handler = yield* Ref.make<(event: SubmissionEvent) => Effect.Effect<void>>(() => Effect.void)
    const stack = AgentStack.runtimeLayer({
      ...RootCommand.runStackSettings(flags, configPath),
      ...(resumed !== undefined ? { resume: { path: resumed.rolloutPath, sessionId: resumed.sessionId, history: resumed.history } } : {}),
      onWarning: (message) => Console.error(message),
      // Someone can answer here: the configured approval policy applies, and the session asks.
      oneShot: false,
      onEvent: (event) => Effect.flatMap(Ref.get(handler), (handle) => handle(event))
    })
    yield* Effect.gen(function* () {
      const terminal = yield* Terminal
      const env = yield* Environment.Environment
      const context = yield* ContextManager
      const config = yield* CodexConfig
      const view = yield* View.make(terminal, {
        colors: colorsEnabled(noColor(env), terminal.isTTY),
        contextWindow: context.contextWindow
      })
      yield* Ref.set(handler, view.onEvent)
      // `/model` checks names against the catalog; without one it switches as asked.
      const catalog = yield* Effect.option(Effect.flatMap(Prompts.make(), ModelCatalog.load))
      const questionTimeout = UserPrompts.timeoutFromVariable(env.get(UserPrompts.TIMEOUT_VARIABLE))
      yield* Repl.run(view, {
        json: flags.json,
        codexHome: config.codexHome,
        ...(questionTimeout !== undefined ? { questionTimeout } : {}),
        ...(Option.isSome(catalog) ? { knownModels: catalog.value.slugs } : {}),
        ...(start !== undefined ? { start } : {})
      })
    }).pipe(Effect.provide(stack), Effect.provide(NodeTerminal.layer))
  })

/**
 * The root command when stdin is a terminal: without prompt words it starts the session, with
 * some it hands the same argv to `oneShot`.
 */
export const make = <E, R>(
  oneShot: (argv: ReadonlyArray<string>) => Effect.Effect<void, E, R>,
  help?: () => Effect.Effect<string>
) =>
  (argv: ReadonlyArray<string>) =>
    RootCommand.make((args) =>
      Effect.gen(function* () {
        if (args.prompt.length > 0) return yield* oneShot(argv)
        if (args.flags.cd !== undefined) yield* changeDirectory(args.flags.cd)
        yield* openSession(args.flags, args.config)
      }), help)(argv)

/** The session a resume target names (a `.jsonl` path, an id or id prefix, or `--last`), loaded with its name. */
const loadTarget = (target: string | { readonly last: true }, configPath: string | undefined) =>
  Effect.gen(function* () {
    const location = yield* CodexHome.resolve({ configPath })
    const path = typeof target === "string" && target.endsWith(".jsonl")
      ? target
      : (yield* SessionList.findSession(location.codexHome, target)).rolloutPath
    const names = yield* RolloutReader.readSessionIndex(location.codexHome)
    const loaded = yield* RolloutReader.loadSession(path)
    const name = names.get(loaded.threadId)
    if (loaded.skipped > 0) yield* Console.error(`[warning] ${loaded.skipped} damaged record(s) in ${path} were skipped`)
    return name === undefined ? loaded : yield* RolloutReader.loadSession(path, { threadName: name })
  }).pipe(Effect.provide(AgentStack.platformLayer))

/**
 * `tscodex resume` when stdin is a terminal: with no prompt words it opens the session on the
 * conversation named, or on the one picked from a list when neither an id nor `--last` is given
 * (the session's rollout is attached, never a new one made); anything else,
 * `--help` and usage errors included, goes to `oneShot` unchanged.
 */
export const resume = <E, R>(oneShot: (argv: ReadonlyArray<string>) => Effect.Effect<void, E, R>) =>
  (argv: ReadonlyArray<string>) =>
    Effect.gen(function* () {
      const parsed = ArgParser.parse(CommandSpecs.resume, argv.slice(2))
      if (Either.isLeft(parsed) || parsed.right.help) return yield* oneShot(argv)
      const flags = RunFlags.fromParsed(parsed.right, { pathConfig: true, progress: "plain" })
      if (Either.isLeft(flags)) return yield* oneShot(argv)
      const useLast = ArgParser.has(parsed.right, "last")
      const [first, ...rest] = parsed.right.positionals
      const prompt = useLast ? parsed.right.positionals : rest
      if (prompt.length > 0) return yield* oneShot(argv)
      if (flags.right.cd !== undefined) yield* changeDirectory(flags.right.cd)
      const target = useLast ? { last: true as const } : first
      const configPath = Option.fromNullable(flags.right.configPath)
      if (target === undefined) {
        const location = yield* CodexHome.resolve({ configPath: flags.right.configPath }).pipe(Effect.provide(AgentStack.platformLayer))
        const choice = yield* Picker.pick(location.codexHome).pipe(
          Effect.provide(NodeTerminal.layer),
          Effect.provide(AgentStack.platformLayer)
        )
        if (choice._tag === "Quit") return
        if (choice._tag === "New") return yield* openSession(flags.right, configPath)
        const picked = yield* loadTarget(choice.entry.rolloutPath, flags.right.configPath)
        return yield* openSession(flags.right, configPath, { _tag: "Resumed", title: picked.title, turns: picked.turns }, picked)
      }
      const session = yield* loadTarget(target, flags.right.configPath)
      yield* openSession(flags.right, configPath, { _tag: "Resumed", title: session.title, turns: session.turns }, session)
    })
