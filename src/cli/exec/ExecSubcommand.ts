/** ExecSubcommand: `tscodex exec [flags] [prompt|-]` and `tscodex exec resume`, compatible with `codex exec`. */
import * as FileSystem from "@effect/platform/FileSystem"
import { Console, Effect, Either, Ref } from "effect"
import { CodexConfig } from "../../config/CodexConfig.js"
import * as Environment from "../../config/Environment.js"
import { ContextManager } from "../../context/ContextManager.js"
import { ModelClient } from "../../model/ModelClient.js"
import type { AgentEvent } from "../../protocol/AgentEvent.js"
import * as RolloutStore from "../../session/RolloutStore.js"
import * as AgentStack from "../../stack/AgentStack.js"
import * as ArgParser from "../args/ArgParser.js"
import * as CommandSpecs from "../args/CommandSpecs.js"
import * as Help from "../args/Help.js"
import * as RunFlags from "../args/RunFlags.js"
import { CliError, ExitWith } from "../CliError.js"
import { changeDirectory, runTurn, stderrBlocks, stderrProgress } from "../ExecMode.js"
import { processStdin, type Stdin } from "../PromptInput.js"
import * as RootCommand from "../RootCommand.js"
import * as GitCheck from "./GitCheck.js"
import * as HumanProgress from "../progress/HumanProgress.js"
import * as JsonlEvents from "./JsonlEvents.js"

/** Prints a clap-style usage error and ends with status 2. */
const usageFailure = (spec: ArgParser.CommandSpec, message: string) =>
  Console.error(Help.clapError(spec, message)).pipe(Effect.zipRight(Effect.fail(new ExitWith({ code: 2 }))))

/**
 * The prompt: the words (or `-`/nothing: all of stdin). With words and a piped stdin, stdin is
 * appended as a `<stdin>` block, as Codex does.
 */
export const resolveExecPrompt = (words: ReadonlyArray<string>, stdin: Stdin) =>
  Effect.gen(function* () {
    const text = words.join(" ").trim()
    if (text === "" || text === "-") {
      if (stdin.isTTY) return yield* new CliError({ message: "No prompt provided. Either specify one as an argument or pipe the prompt into stdin." })
      yield* Console.error("Reading prompt from stdin...")
      const piped = (yield* stdin.readAll).trim()
      if (piped === "") return yield* new CliError({ message: "No prompt provided via stdin." })
      return piped
    }
    if (stdin.isTTY) return text
    yield* Console.error("Reading additional input from stdin...")
    const extra = (yield* stdin.readAll).trim()
    return extra === "" ? text : `${text}\n\n<stdin>\n${extra}\n</stdin>`
  })

/** Reads `--output-schema FILE` as JSON. */
const readSchema = (path: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const text = yield* fs.readFileString(path).pipe(
      Effect.mapError((error) => new CliError({ message: `Failed to read output schema file ${path}: ${error.message}` }))
    )
    return yield* Effect.try({
      try: () => JSON.parse(text) as unknown,
      catch: (error) => new CliError({ message: `Output schema file ${path} is not valid JSON: ${(error as Error).message}` })
    })
  })

/** How the turn's events are shown: JSONL on stdout, Codex-style sections on stderr, or the `[exec]` lines. */
const makeRenderer = (flags: RunFlags.RunFlags, cwd: string, shell: string, color: boolean) => {
  if (flags.json) {
    const mapper = JsonlEvents.make({ cwd, shell })
    return {
      mapper,
      render: (event: AgentEvent) => Effect.forEach(mapper.onEvent(event), (line) => Console.log(JsonlEvents.formatLine(line)), { discard: true })
    }
  }
  if (flags.progress === "plain") return { render: stderrProgress }
  const view = HumanProgress.make({ cwd, shell, color })
  return { view, render: (event: AgentEvent) => stderrBlocks(view.onEvent(event)) }
}

export interface ExecRun {
  readonly flags: RunFlags.RunFlags
  readonly words: ReadonlyArray<string>
  readonly skipGitRepoCheck: boolean
  readonly ephemeral: boolean
  readonly outputSchema?: string
  readonly resume?: AgentStack.StackOptions["resume"]
}

/** Runs one exec turn; a failed turn exits with status 1 after its events were printed. */
export const runExecTurn = (run: ExecRun) =>
  Effect.gen(function* () {
    const { flags } = run
    if (flags.cd !== undefined) yield* changeDirectory(flags.cd)
    const cwd = process.cwd()
    const env = yield* Environment.Environment
    const bypass = flags.overrides["sandbox_mode"] === "danger-full-access" && flags.overrides["approval_policy"] === "never"
    const schema = run.outputSchema === undefined ? undefined : yield* readSchema(run.outputSchema)
    const color = HumanProgress.useColor(flags.color, process.stderr.isTTY === true, env.get("NO_COLOR"))
    const { render, mapper, view } = makeRenderer(flags, cwd, env.get("SHELL") || "/bin/bash", color)
    const stack = AgentStack.layer({
      ...RootCommand.runStackSettings(flags),
      ...(schema !== undefined ? { outputSchema: schema } : {}),
      ...(run.resume !== undefined ? { resume: run.resume } : {}),
      ...(run.ephemeral ? { rollouts: RolloutStore.layerMemory } : {}),
      onWarning: (message) => Console.error(message)
    })
    const failed = yield* Ref.make(false)
    yield* Effect.gen(function* () {
      const config = yield* CodexConfig
      if (!run.skipGitRepoCheck && !bypass && !(yield* GitCheck.isTrusted(cwd, config.raw, env))) {
        yield* Console.error(GitCheck.UNTRUSTED_MESSAGE)
        return yield* new ExitWith({ code: 1 })
      }
      const threadId = yield* Ref.get((yield* ModelClient).sessionId)
      const context = yield* ContextManager
      const prompt = yield* resolveExecPrompt(run.words, processStdin)
      if (mapper !== undefined) yield* Effect.forEach(mapper.threadStarted(threadId), (line) => Console.log(JsonlEvents.formatLine(line)))
      if (view !== undefined) yield* Console.error(view.header({ config, policies: yield* HumanProgress.enforcedPolicies(config), sessionId: threadId, cwd: context.cwd, prompt }))
      const result = yield* runTurn({
        words: [prompt],
        stdin: processStdin,
        images: flags.images,
        render,
        ...(flags.outputLastMessage !== undefined ? { outputLastMessage: flags.outputLastMessage } : {})
      }).pipe(Effect.catchTag("CliError", (error) => Effect.zipRight(Ref.set(failed, true), Effect.fail(error))))
      if (view !== undefined) yield* Console.error(view.footer())
      if (!flags.json) yield* Console.log(result.outputText ?? "")
    }).pipe(
      Effect.provide(stack),
      Effect.catchTag("CliError", (error): Effect.Effect<never, CliError | ExitWith> =>
        Effect.flatMap(Ref.get(failed), (turnFailed): Effect.Effect<never, CliError | ExitWith> =>
          // The failure was already shown as events (JSONL or progress); only the exit status is left.
          turnFailed && (flags.json || view !== undefined)
            ? Effect.fail(new ExitWith({ code: 1 }))
            : Effect.fail(error)))
    )
  }).pipe(Effect.provide(Environment.layer))

const fromParsed = (spec: ArgParser.CommandSpec, words: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const parsed = ArgParser.parse(spec, words)
    if (Either.isLeft(parsed)) return yield* usageFailure(spec, parsed.left.message)
    const flags = RunFlags.fromParsed(parsed.right, { pathConfig: false, progress: "codex" })
    if (Either.isLeft(flags)) return yield* usageFailure(spec, flags.left.message)
    return { parsed: parsed.right, flags: flags.right }
  })

const help = (spec: ArgParser.CommandSpec) =>
  Console.log(Help.formatHelp(spec, { color: process.stdout.isTTY === true }).trimEnd())

/** `tscodex exec …` over `[node, bin, ...words]` (the words after `exec`). */
export const run = (argv: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const words = argv.slice(2)
    if (words[0] === "resume") return yield* runResume(words.slice(1))
    const { parsed, flags } = yield* fromParsed(CommandSpecs.exec, words)
    if (parsed.help) return yield* help(CommandSpecs.exec)
    const schema = ArgParser.one(parsed, "output-schema")
    yield* runExecTurn({
      flags,
      words: parsed.positionals,
      skipGitRepoCheck: ArgParser.has(parsed, "skip-git-repo-check"),
      ephemeral: ArgParser.has(parsed, "ephemeral"),
      ...(schema !== undefined ? { outputSchema: schema } : {})
    })
  })

/** `tscodex exec resume [--last|ID] [prompt]`. */
const runResume = (words: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const spec = CommandSpecs.execResume
    const { parsed, flags } = yield* fromParsed(spec, words)
    if (parsed.help) return yield* help(spec)
    const last = ArgParser.has(parsed, "last")
    const [first, ...rest] = parsed.positionals
    if (!last && first === undefined) return yield* usageFailure(spec, "a session id (or --last) is required")
    const target = last ? { last: true as const } : first!
    const prompt = last ? parsed.positionals : rest
    const { loadTarget } = yield* Effect.promise(() => import("../ResumeCommand.js"))
    const session = yield* loadTarget(target, undefined)
    const schema = ArgParser.one(parsed, "output-schema")
    yield* runExecTurn({
      flags,
      words: prompt,
      skipGitRepoCheck: ArgParser.has(parsed, "skip-git-repo-check"),
      ephemeral: ArgParser.has(parsed, "ephemeral"),
      ...(schema !== undefined ? { outputSchema: schema } : {}),
      resume: { path: session.rolloutPath, sessionId: session.sessionId, history: session.history }
    })
  })

