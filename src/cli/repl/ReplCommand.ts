/** ReplCommand: `tscodex` with no prompt on a terminal — the interactive session on the agent stack. */
import { Console, Effect, Option, Ref } from "effect"
import type { SubmissionEvent } from "../../agent/AgentRuntime.js"
import { CodexConfig } from "../../config/CodexConfig.js"
import * as Environment from "../../config/Environment.js"
import { ContextManager } from "../../context/ContextManager.js"
import * as ModelCatalog from "../../context/ModelCatalog.js"
import * as Prompts from "../../context/Prompts.js"
import * as AgentStack from "../../stack/AgentStack.js"
import { changeDirectory } from "../ExecMode.js"
import * as RootCommand from "../RootCommand.js"
import { colorsEnabled } from "./Colors.js"
import * as NodeTerminal from "./NodeTerminal.js"
import * as Repl from "./Repl.js"
import { Terminal } from "./Terminal.js"
import * as View from "./View.js"

/** True when `TSCODEX_NO_COLOR` (or `PYCODEX_NO_COLOR`) is set to a true-ish value. */
export const noColor = (env: Environment.Environment): boolean =>
  Environment.flag(env, "TSCODEX_NO_COLOR") || Environment.flag(env, "PYCODEX_NO_COLOR")

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
        // The view needs the stack's context window, and the stack needs the view's event handler.
        const handler = yield* Ref.make<(event: SubmissionEvent) => Effect.Effect<void>>(() => Effect.void)
        const stack = AgentStack.runtimeLayer({
          ...RootCommand.runStackSettings(args.flags, args.config),
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
          yield* Repl.run(view, {
            json: args.flags.json,
            codexHome: config.codexHome,
            ...(Option.isSome(catalog) ? { knownModels: catalog.value.slugs } : {})
          })
        }).pipe(Effect.provide(stack), Effect.provide(NodeTerminal.layer))
      }), help)(argv)
