/** Shell: the `shell` (argv) and `shell_command` (script) tools, which run a command to completion and report its output. */
import * as CommandExecutor from "@effect/platform/CommandExecutor"
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Schema } from "effect"
import * as NodePath from "node:path"
import { Environment } from "../config/Environment.js"
import { IntLike, TextLike, Truthy } from "./Coercion.js"
import * as ShellRunner from "./shell/ShellRunner.js"
import * as Tool from "./Tool.js"

export const SHELL = "shell"
export const SHELL_COMMAND = "shell_command"
export const DEFAULT_TIMEOUT_MS = 30_000

export const SHELL_JSON_SCHEMA = {
  type: "object",
  properties: {
    command: { type: "array", items: { type: "string" } },
    workdir: { type: "string" },
    timeout_ms: { type: "integer" }
  },
  required: ["command"]
}

export const SHELL_COMMAND_JSON_SCHEMA = {
  type: "object",
  properties: {
    command: { type: "string" },
    workdir: { type: "string" },
    timeout_ms: { type: "integer" },
    login: { type: "boolean" }
  },
  required: ["command"]
}

/** `command` is checked by hand so that each problem gets its own message. */
export const ShellParameters = Schema.Struct({
  command: Schema.optionalWith(Schema.Unknown, { exact: true }),
  workdir: Schema.optionalWith(TextLike, { exact: true }),
  timeout_ms: Schema.optionalWith(IntLike, { exact: true })
}).annotations({ jsonSchema: SHELL_JSON_SCHEMA })
export type ShellParameters = typeof ShellParameters.Type

export const ShellCommandParameters = Schema.Struct({
  command: Schema.optionalWith(TextLike, { exact: true }),
  workdir: Schema.optionalWith(TextLike, { exact: true }),
  timeout_ms: Schema.optionalWith(IntLike, { exact: true }),
  login: Schema.optionalWith(Truthy, { exact: true })
}).annotations({ jsonSchema: SHELL_COMMAND_JSON_SCHEMA })
export type ShellCommandParameters = typeof ShellCommandParameters.Type

export interface ShellOptions {
  /** Default working directory (default: the current directory). */
  readonly cwd?: string
  /** Rewrites the argv before it runs (the sandbox wraps the command here); a failure refuses the command. */
  readonly wrap?: ArgvWrap
}

/** Turns a command into the one that runs it (sandboxed); fails with the reason it may not run. */
export type ArgvWrap = (
  argv: readonly [string, ...Array<string>],
  cwd: string
) => Effect.Effect<readonly [string, ...Array<string>], { readonly message: string }>

const failureNames: Record<ShellRunner.ShellSpawnError["reason"], string> = {
  NotFound: "FileNotFoundError",
  PermissionDenied: "PermissionError",
  Spawn: "OSError"
}

/** Runs argv in the resolved working directory and formats the outcome. */
const makeRunner = (options: ShellOptions) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const executor = yield* CommandExecutor.CommandExecutor
    const environment = yield* Environment
    const cwd = options.cwd ?? process.cwd()
    return (argv: readonly [string, ...Array<string>], workdir: string | undefined, timeoutMs: number) =>
      Effect.gen(function*() {
        const wanted = workdir === undefined || workdir === "" ? cwd : NodePath.resolve(cwd, workdir)
        const resolved = yield* fs.realPath(wanted).pipe(
          Effect.mapError(() => new Tool.ToolFailure({ name: "FileNotFoundError", message: `No such file or directory: '${wanted}'` }))
        )
        const info = yield* fs.stat(resolved).pipe(Effect.option)
        if (info._tag === "Some" && info.value.type !== "Directory") {
          return yield* new Tool.ToolFailure({ name: "NotADirectoryError", message: `Not a directory: '${resolved}'` })
        }
        const wrapped = options.wrap === undefined
          ? argv
          : yield* options.wrap(argv, resolved).pipe(
            Effect.mapError((error) => new Tool.ToolFailure({ name: "SandboxError", message: error.message }))
          )
        const outcome = yield* ShellRunner.run({
          argv: wrapped,
          cwd: resolved,
          env: environment.all(),
          timeoutMs
        }).pipe(
          Effect.provideService(CommandExecutor.CommandExecutor, executor),
          Effect.mapError((error) => new Tool.ToolFailure({ name: failureNames[error.reason], message: error.message }))
        )
        return ShellRunner.formatOutcome(resolved, timeoutMs, outcome)
      })
  })

type Requirements = FileSystem.FileSystem | CommandExecutor.CommandExecutor | Environment

/** The `shell` tool: argv without a shell. */
export const makeShell = (options: ShellOptions = {}): Effect.Effect<Tool.Tool<ShellParameters>, never, Requirements> =>
  Effect.map(makeRunner(options), (run) =>
    Tool.make({
      name: SHELL,
      // Codex declares the shell tools parallel-safe.
      supportsParallel: true,
      description: "Runs a program with arguments (an argv list; use [\"bash\", \"-lc\", \"...\"] for shell syntax) " +
        "and returns its exit code and output.",
      parameters: ShellParameters,
      handler: (args) => {
        const timeoutMs = args.timeout_ms ?? DEFAULT_TIMEOUT_MS
        const command = args.command
        if (!Array.isArray(command) || command.length === 0) {
          return Effect.succeed("Error: `command` must be a non-empty string array.")
        }
        if (!command.every((entry): entry is string => typeof entry === "string" && entry !== "")) {
          return Effect.succeed("Error: each `command` entry must be a non-empty string.")
        }
        return run(command as [string, ...Array<string>], args.workdir, timeoutMs)
      }
    }))

/** The `shell_command` tool: one script run by `bash -lc` (or `bash -c` without login). */
export const makeShellCommand = (
  options: ShellOptions = {}
): Effect.Effect<Tool.Tool<ShellCommandParameters>, never, Requirements> =>
  Effect.map(makeRunner(options), (run) =>
    Tool.make({
      name: SHELL_COMMAND,
      // Codex declares the shell tools parallel-safe.
      supportsParallel: true,
      description: "Runs a bash script and returns its exit code and output.",
      parameters: ShellCommandParameters,
      handler: (args) => {
        const command = (args.command ?? "").trim()
        const timeoutMs = args.timeout_ms ?? DEFAULT_TIMEOUT_MS
        if (command === "") return Effect.succeed("Error: `command` is required.")
        const login = args.login ?? true
        return run(["bash", login ? "-lc" : "-c", command], args.workdir, timeoutMs)
      }
    }))
