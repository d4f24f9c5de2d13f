/** ExecCommand: the root `tscodex [prompt…]` one-shot run wired to the agent stack. */
import { Console, Effect, Option, Ref } from "effect"
import type { AgentEvent } from "../protocol/AgentEvent.js"
import { CodexConfig } from "../config/CodexConfig.js"
import * as Environment from "../config/Environment.js"
import { ContextManager } from "../context/ContextManager.js"
import { ModelClient } from "../model/ModelClient.js"
import * as AgentStack from "../stack/AgentStack.js"
import type * as RunFlags from "./args/RunFlags.js"
import { changeDirectory, runExec, stderrBlocks, stderrProgress } from "./ExecMode.js"
import { processStdin } from "./PromptInput.js"
import * as RootCommand from "./RootCommand.js"
import * as HumanProgress from "./progress/HumanProgress.js"

/** One turn with the given prompt words and flags (the root command, and `resume` with a prompt). */
export const runOneShot = (
  words: ReadonlyArray<string>,
  flags: RunFlags.RunFlags,
  configPath: Option.Option<string>,
  resume?: AgentStack.StackOptions["resume"]
) =>
  Effect.gen(function* () {
    if (flags.cd !== undefined) yield* changeDirectory(flags.cd)
    const view = flags.progress === "codex" ? yield* codexView(flags) : undefined
    const stack = AgentStack.layer({
      ...RootCommand.runStackSettings(flags, configPath),
      ...(resume !== undefined ? { resume } : {}),
      onWarning: (message) => Console.error(message)
    })
    const render = view === undefined
      ? stderrProgress
      : (event: AgentEvent) => stderrBlocks(view.onEvent(event))
    yield* Effect.gen(function* () {
      if (view !== undefined) {
        const config = yield* CodexConfig
        const sessionId = yield* Ref.get((yield* ModelClient).sessionId)
        const cwd = (yield* ContextManager).cwd
        const policies = yield* HumanProgress.enforcedPolicies(config)
        yield* Console.error(view.header({ config, policies, sessionId, cwd, prompt: words.length > 0 ? words.join(" ") : "(stdin)" }))
      }
      yield* runExec({
        words,
        json: flags.json,
        stdin: processStdin,
        images: flags.images,
        render,
        ...(flags.outputLastMessage !== undefined ? { outputLastMessage: flags.outputLastMessage } : {})
      })
      if (view !== undefined) yield* Console.error(view.footer())
    }).pipe(Effect.provide(stack))
  })

/** `--progress codex`: the sectioned view of `tscodex exec`, loaded only when asked for. */
const codexView = (flags: RunFlags.RunFlags) =>
  Effect.gen(function* () {
    const HumanProgress = yield* Effect.promise(() => import("./progress/HumanProgress.js"))
    const env = yield* Environment.Environment
    const color = HumanProgress.useColor(flags.color, process.stderr.isTTY === true, env.get("NO_COLOR"))
    return HumanProgress.make({ cwd: process.cwd(), shell: env.get("SHELL") || "/bin/bash", color })
  }).pipe(Effect.provide(Environment.layer))

/** The one-shot root command over `[node, bin, ...words]`. */
export const make = (help?: () => Effect.Effect<string>) =>
  RootCommand.make((args) => runOneShot(args.prompt, args.flags, args.config), help)
