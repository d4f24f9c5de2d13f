/** ExecCommand: the root `tscodex [prompt…]` one-shot run wired to the agent stack. */
import { Console, Effect, Option } from "effect"
import * as AgentEvents from "../agent/AgentEvents.js"
import * as AgentStack from "./AgentStack.js"
import type * as RunFlags from "./args/RunFlags.js"
import { changeDirectory, runExec } from "./ExecMode.js"
import { formatProgress } from "./ProgressView.js"
import { processStdin } from "./PromptInput.js"
import * as RootCommand from "./RootCommand.js"

/** Progress lines go to stderr so stdout holds only the answer. */
export const stderrProgress = AgentEvents.make((event) => {
  const line = formatProgress(event)
  return line === undefined ? Effect.void : Console.error(line)
})

/** One turn with the given prompt words and flags (the root command, and `resume` with a prompt). */
export const runOneShot = (
  words: ReadonlyArray<string>,
  flags: RunFlags.RunFlags,
  configPath: Option.Option<string>,
  resume?: AgentStack.StackOptions["resume"]
) =>
  Effect.gen(function* () {
    if (flags.cd !== undefined) yield* changeDirectory(flags.cd)
    const stack = AgentStack.layer({
      ...RootCommand.runStackSettings(flags, configPath),
      ...(resume !== undefined ? { resume } : {}),
      onWarning: (message) => Console.error(message),
      events: stderrProgress
    })
    yield* runExec({
      words,
      json: flags.json,
      stdin: processStdin,
      images: flags.images,
      ...(flags.outputLastMessage !== undefined ? { outputLastMessage: flags.outputLastMessage } : {})
    }).pipe(Effect.provide(stack))
  })

/** The one-shot root command over `[node, bin, ...words]`. */
export const make = (help?: () => Effect.Effect<string>) =>
  RootCommand.make((args) => runOneShot(args.prompt, args.flags, args.config), help)
