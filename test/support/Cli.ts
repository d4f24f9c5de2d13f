/** Runs the built CLI (dist/tscodex.js) as a child process, scoped, and collects its output. */
import * as Command from "@effect/platform/Command"
import { Effect, Stream } from "effect"
import * as path from "node:path"

export const CLI_PATH = path.resolve(import.meta.dirname, "../../dist/tscodex.js")

export interface CliRun {
  readonly stdout: string
  readonly stderr: string
  readonly exitCode: number
}

const collect = (stream: Stream.Stream<Uint8Array, unknown>) =>
  stream.pipe(Stream.decodeText(), Stream.runFold("", (acc, chunk) => acc + chunk))

/**
 * Runs `node dist/tscodex.js ...args` with the given variables on top of this process's
 * environment (HOME points nowhere unless given) and a piped, non-TTY stdin holding `stdin`.
 */
export const runCli = (
  args: ReadonlyArray<string>,
  options: { readonly env?: Record<string, string>; readonly stdin?: string; readonly cwd?: string } = {}
) =>
  Effect.scoped(
    Effect.gen(function* () {
      const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: "/nonexistent-home", ...options.env }
      const input = options.stdin === undefined ? Stream.empty : Stream.make(new TextEncoder().encode(options.stdin))
      let command = Command.make(process.execPath, CLI_PATH, ...args).pipe(Command.env(env), Command.stdin(input))
      if (options.cwd !== undefined) command = Command.workingDirectory(command, options.cwd)
      const proc = yield* Command.start(command)
      const [stdout, stderr, exitCode] = yield* Effect.all(
        [collect(proc.stdout), collect(proc.stderr), proc.exitCode],
        { concurrency: "unbounded" }
      )
      return { stdout, stderr, exitCode: Number(exitCode) } satisfies CliRun
    })
  )
