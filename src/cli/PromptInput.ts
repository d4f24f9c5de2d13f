/** PromptInput: where a one-shot prompt comes from (argv words, else piped stdin). */
import { Effect } from "effect"
import { CliError } from "./CliError.js"

export interface Stdin {
  readonly isTTY: boolean
  /** All of standard input as text. */
  readonly readAll: Effect.Effect<string, CliError>
}

export const PROMPT_REQUIRED = "prompt is required either as argv text or stdin"

/** Words joined by single spaces and stripped; with no words, all of a non-TTY stdin, stripped. */
export const resolvePrompt = (words: ReadonlyArray<string>, stdin: Stdin): Effect.Effect<string, CliError> =>
  Effect.gen(function* () {
    if (words.length > 0) return words.join(" ").trim()
    if (stdin.isTTY) return yield* new CliError({ message: PROMPT_REQUIRED })
    const text = (yield* stdin.readAll).trim()
    if (text === "") return yield* new CliError({ message: PROMPT_REQUIRED })
    return text
  })

/** True when the REPL should start: no prompt words and a terminal on stdin. */
export const isInteractive = (words: ReadonlyArray<string>, stdinIsTTY: boolean): boolean =>
  words.length === 0 && stdinIsTTY

/** The process's standard input. */
export const processStdin: Stdin = {
  isTTY: process.stdin.isTTY === true,
  readAll: Effect.async<string, CliError>((resume) => {
    const chunks: Array<Buffer> = []
    const onData = (chunk: Buffer) => void chunks.push(chunk)
    const onEnd = () => resume(Effect.succeed(Buffer.concat(chunks).toString("utf8")))
    const onError = (error: Error) => resume(Effect.fail(new CliError({ message: `cannot read stdin: ${error.message}` })))
    process.stdin.on("data", onData).once("end", onEnd).once("error", onError)
    return Effect.sync(() => {
      process.stdin.off("data", onData).off("end", onEnd).off("error", onError)
    })
  })
}
