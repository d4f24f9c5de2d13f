/** ExecCommand: the root `tscodex [prompt…]` command wired to the agent stack. */
import { Console, Effect } from "effect"
import * as AgentEvents from "../agent/AgentEvents.js"
import * as AgentStack from "./AgentStack.js"
import { runExec } from "./ExecMode.js"
import { formatProgress } from "./ProgressView.js"
import { processStdin } from "./PromptInput.js"
import * as RootCommand from "./RootCommand.js"

/** Progress lines go to stderr so stdout holds only the answer. */
export const stderrProgress = AgentEvents.make((event) => {
  const line = formatProgress(event)
  return line === undefined ? Effect.void : Console.error(line)
})

/** The one-shot command. `argv` is needed to tell unknown flags from prompt words. */
export const make = (argv: ReadonlyArray<string>) =>
  RootCommand.make((args) =>
    Effect.gen(function* () {
      yield* RootCommand.rejectUnknownFlags(args.prompt, argv, RootCommand.usageLine)
      const stack = AgentStack.layer({
        ...RootCommand.stackSettings(args),
        timeoutSeconds: args.timeoutSeconds,
        onWarning: (message) => Console.error(message),
        events: stderrProgress
      })
      yield* runExec({ words: args.prompt, json: args.json, stdin: processStdin }).pipe(Effect.provide(stack))
    })
  )
