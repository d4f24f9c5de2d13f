/** ExecMode: one turn from the command line — prompt in, final answer on stdout, progress on stderr. */
import * as FileSystem from "@effect/platform/FileSystem"
import { Console, Effect, Option, Stream } from "effect"
import * as NodePath from "node:path"
import * as TurnStream from "../agent/TurnStream.js"
import { type AgentEvent, turnResultJson } from "../protocol/AgentEvent.js"
import { dataUrl, mimeTypeOf } from "../tools/ViewImage.js"
import { CliError } from "./CliError.js"
import { formatProgress } from "./progress/ProgressView.js"
import { resolvePrompt, type Stdin } from "./PromptInput.js"

export interface ExecOptions {
  readonly words: ReadonlyArray<string>
  readonly json: boolean
  readonly stdin: Stdin
  /** `-i`: image files sent with the prompt. */
  readonly images?: ReadonlyArray<string>
  /** `-o`: where the last agent message is written. */
  readonly outputLastMessage?: string
  /** Shows one event of the turn's stream (progress lines, JSONL); default: nothing shown. */
  readonly render?: (event: AgentEvent) => Effect.Effect<void>
}

/** The `[exec] …` progress line of an event on stderr, so stdout holds only the answer. */
export const stderrProgress = (event: AgentEvent): Effect.Effect<void> => {
  const line = formatProgress(event)
  return line === undefined ? Effect.void : Console.error(line)
}

/** Blocks of a progress view on stderr, one after the other. */
export const stderrBlocks = (blocks: ReadonlyArray<string>): Effect.Effect<void> =>
  Effect.forEach(blocks, (text) => Console.error(text), { discard: true })

/** `-C`: the agent works in this directory (relative paths are taken from the current one). */
export const changeDirectory = (dir: string): Effect.Effect<void, CliError> =>
  Effect.try({
    try: () => process.chdir(NodePath.resolve(dir)),
    catch: (error) => new CliError({ message: `cannot use ${dir} as the working directory: ${(error as Error).message}` })
  })

/** Image files read into `data:` URLs, in order; a missing or non-image file is an error naming it. */
export const loadImages = (paths: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    return yield* Effect.forEach(paths, (path) =>
      Effect.gen(function* () {
        const mime = mimeTypeOf(path)
        if (mime === undefined) return yield* new CliError({ message: `${path} does not look like an image file` })
        const bytes = yield* fs.readFile(path).pipe(
          Effect.mapError((error) => new CliError({ message: `cannot read image ${path}: ${error.message}` }))
        )
        return dataUrl(mime, bytes)
      })
    )
  })

/** `-o`: the last agent message (empty when there is none) written to the file, with a warning then. */
export const writeLastMessage = (path: string, text: string | null) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    yield* fs.writeFileString(path, text ?? "").pipe(
      Effect.catchAll((error) => Console.error(`Failed to write last message file ${path}: ${error.message}`))
    )
    if (text === null) yield* Console.error(`Warning: no last agent message; wrote empty content to ${path}`)
  })

/**
 * Runs the turn as a stream on the AgentLoop in context: each event is rendered as it arrives, the
 * stream's last item is the result; `-o` written. A failed turn is a CliError after its events.
 */
export const runTurn = (options: Omit<ExecOptions, "json">) =>
  Effect.gen(function* () {
    const images = yield* loadImages(options.images ?? [])
    const prompt = yield* resolvePrompt(options.words, options.stdin)
    const render = options.render ?? (() => Effect.void)
    const last = yield* TurnStream.runTurnStream([prompt], { images }).pipe(
      Stream.tap((item) => (TurnStream.isDone(item) ? Effect.void : render(item))),
      Stream.filter(TurnStream.isDone),
      Stream.runLast,
      Effect.mapError((error) => new CliError({ message: error.message }))
    )
    if (Option.isNone(last)) return yield* Effect.dieMessage("the turn's stream ended without its result")
    const result = last.value.result
    if (options.outputLastMessage !== undefined) yield* writeLastMessage(options.outputLastMessage, result.outputText)
    return result
  })

/** Runs the turn and prints the answer (or the TurnResult as JSON). */
export const runExec = (options: ExecOptions) =>
  Effect.gen(function* () {
    const result = yield* runTurn(options)
    yield* Console.log(options.json ? JSON.stringify(turnResultJson(result), null, 2) : result.outputText ?? "")
  })
