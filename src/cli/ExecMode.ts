/** ExecMode: one turn from the command line — prompt in, final answer on stdout, progress on stderr. */
import { Console, Effect } from "effect"
import { AgentLoop } from "../agent/AgentLoop.js"
import { turnResultJson } from "../protocol/AgentEvent.js"
import { CliError } from "./CliError.js"
import { resolvePrompt, type Stdin } from "./PromptInput.js"

export interface ExecOptions {
  readonly words: ReadonlyArray<string>
  readonly json: boolean
  readonly stdin: Stdin
}

/** Runs the turn on the AgentLoop in context and prints the answer (or the TurnResult as JSON). */
export const runExec = (options: ExecOptions) =>
  Effect.gen(function* () {
    const loop = yield* AgentLoop
    const prompt = yield* resolvePrompt(options.words, options.stdin)
    const result = yield* loop.runTurn([prompt]).pipe(
      Effect.mapError((error) => new CliError({ message: error.message }))
    )
    yield* Console.log(options.json ? JSON.stringify(turnResultJson(result), null, 2) : result.outputText ?? "")
  })
