/** Shell: the `shell` (argv) and `shell_command` (script) tools, which run a command to completion and report its output. */
import * as CommandExecutor from "@effect/platform/CommandExecutor"
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Schema } from "effect"
import * as NodePath from "node:path"
import { Environment } from "../config/Environment.js"
import type * as CommandGate from "../sandbox/CommandGate.js"
import { IntLike, TextLike, Truthy } from "./Coercion.js"
import * as ShellRunner from "./shell/ShellRunner.js"
import { shellJoin } from "./unifiedExec/OutputText.js"
import * as Tool from "./Tool.js"

export const SHELL = "shell"
export const SHELL_COMMAND = "shell_command"
export const DEFAULT_TIMEOUT_MS = 30_000

/**
 * Accepted although not declared (the declarations stay pycodex's): Codex's shell tools let the
 * model ask to run without the sandbox, as exec_command does.
 */
const escalationFields = {
  sandbox_permissions: Tool.undeclaredArgument(Schema.Unknown),
  justification: Tool.undeclaredArgument(Schema.Unknown)
}

/** `command` is checked by hand so that each problem gets its own message. */
export const ShellParameters = Schema.Struct({
  command: Tool.requiredArgument(Schema.Unknown, { type: "array", items: { type: "string" } }),
  workdir: Tool.optionalArgument(TextLike, { type: "string" }),
  timeout_ms: Tool.optionalArgument(IntLike, { type: "integer" }),
  ...escalationFields
}).annotations(Tool.openDeclaration)
export type ShellParameters = typeof ShellParameters.Type

export const ShellCommandParameters = Schema.Struct({
  command: Tool.requiredArgument(TextLike, { type: "string" }),
  workdir: Tool.optionalArgument(TextLike, { type: "string" }),
  timeout_ms: Tool.optionalArgument(IntLike, { type: "integer" }),
  login: Tool.optionalArgument(Truthy, { type: "boolean" }),
  ...escalationFields
}).annotations(Tool.openDeclaration)
export type ShellCommandParameters = typeof ShellCommandParameters.Type

export interface ShellOptions {
  /** Default working directory (default: the current directory). */
  readonly cwd?: string
  /** The sandbox and approval policies every command goes through (default: commands run as given). */
  readonly gate?: CommandGate.Gate
}

/** What the model asked for besides the command: to run without the sandbox, and why. */
interface Escalation {
  readonly sandbox_permissions?: unknown
  readonly justification?: unknown
}

/** The gate request's escalation fields; an unknown `sandbox_permissions` value is an error text. */
const escalationOf = (args: Escalation): { readonly error: string } | Pick<CommandGate.GateRequest, "sandboxPermissions" | "justification"> => {
  const permissions = args.sandbox_permissions ?? "use_default"
  if (permissions !== "use_default" && permissions !== "require_escalated") {
    return { error: `Error: unknown sandbox_permissions ${JSON.stringify(permissions)}; expected use_default or require_escalated.` }
  }
  const justification = typeof args.justification === "string" && args.justification.trim() !== "" ? args.justification : undefined
  return { sandboxPermissions: permissions, justification }
}

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
    return (argv: readonly [string, ...Array<string>], workdir: string | undefined, timeoutMs: number, escalation: Escalation, turnId: string) =>
      Effect.gen(function*() {
        const asked = escalationOf(escalation)
        if ("error" in asked) return asked.error
        const wanted = workdir === undefined || workdir === "" ? cwd : NodePath.resolve(cwd, workdir)
        const resolved = yield* fs.realPath(wanted).pipe(
          Effect.mapError(() => new Tool.ToolFailure({ name: "FileNotFoundError", message: `No such file or directory: '${wanted}'` }))
        )
        const info = yield* fs.stat(resolved).pipe(Effect.option)
        if (info._tag === "Some" && info.value.type !== "Directory") {
          return yield* new Tool.ToolFailure({ name: "NotADirectoryError", message: `Not a directory: '${resolved}'` })
        }
        const launch = (run: readonly [string, ...Array<string>]) =>
          ShellRunner.run({ argv: run, cwd: resolved, env: environment.all(), timeoutMs }).pipe(
            Effect.provideService(CommandExecutor.CommandExecutor, executor),
            Effect.mapError((error) => new Tool.ToolFailure({ name: failureNames[error.reason], message: error.message })),
            Effect.map((outcome): CommandGate.Attempt => ({
              text: ShellRunner.formatOutcome(resolved, timeoutMs, outcome),
              exitCode: outcome.exitCode,
              output: `${outcome.stdout}\n${outcome.stderr}`
            }))
          )
        if (options.gate === undefined) return (yield* launch(argv)).text
        return yield* options.gate.run({ argv, cwd: resolved, display: shellJoin(argv), ...asked, turnId }, launch).pipe(
          Effect.catchTag("SandboxError", (error) => new Tool.ToolFailure({ name: "SandboxError", message: error.message }))
        )
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
      handler: (args, context) => {
        const timeoutMs = args.timeout_ms ?? DEFAULT_TIMEOUT_MS
        const command = args.command
        if (!Array.isArray(command) || command.length === 0) {
          return Effect.succeed("Error: `command` must be a non-empty string array.")
        }
        if (!command.every((entry): entry is string => typeof entry === "string" && entry !== "")) {
          return Effect.succeed("Error: each `command` entry must be a non-empty string.")
        }
        return run(command as [string, ...Array<string>], args.workdir, timeoutMs, args, context.turnId)
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
      handler: (args, context) => {
        const command = (args.command ?? "").trim()
        const timeoutMs = args.timeout_ms ?? DEFAULT_TIMEOUT_MS
        if (command === "") return Effect.succeed("Error: `command` is required.")
        const login = args.login ?? true
        return run(["bash", login ? "-lc" : "-c", command], args.workdir, timeoutMs, args, context.turnId)
      }
    }))
