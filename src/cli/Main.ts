/** Main: routes argv to the exec command or a subcommand and turns every outcome into an exit status. */
import * as Command from "@effect/cli/Command"
import * as ValidationError from "@effect/cli/ValidationError"
import { Cause, Console, Effect, Exit, Option } from "effect"
import { CliError, ExitWith, UsageError } from "./CliError.js"

import { VERSION } from "../stack/Version.js"

export const cliInfo = { name: "tscodex", version: VERSION }

/** A subcommand: receives `[node, bin, ...rest]`. */
export type Route<R> = (argv: ReadonlyArray<string>) => Effect.Effect<void, unknown, R>

/**
 * Routes on the first argument only (`tscodex fix the doctor` is a prompt, `tscodex doctor` the
 * doctor), which @effect/cli's own subcommand matching would not do.
 */
export const route = <R>(
  argv: ReadonlyArray<string>,
  root: Route<R>,
  subcommands: ReadonlyMap<string, Route<R>>
): Effect.Effect<void, unknown, R> => {
  const [node = "node", bin = "tscodex", first = "", ...rest] = argv
  const sub = subcommands.get(first)
  return sub !== undefined ? sub([node, bin, ...rest]) : root(argv)
}

/** Prints a failure the way the reference does and replaces it with the exit status to use. */
export const reportFailure = <A, R>(program: Effect.Effect<A, unknown, R>): Effect.Effect<A, ExitWith, R> =>
  program.pipe(
    Effect.catchAll((error) => {
      if (error instanceof ExitWith) return Effect.fail(error)
      if (ValidationError.isValidationError(error)) return Effect.fail(new ExitWith({ code: 2 }))
      if (error instanceof UsageError) {
        const text = error.usage === undefined ? "" : `${error.usage}\n`
        return Console.error(`${text}tscodex: error: ${error.message}`).pipe(Effect.zipRight(Effect.fail(new ExitWith({ code: 2 }))))
      }
      const code = error instanceof CliError ? error.code ?? 1 : 1
      return Console.error(`Error: ${messageOf(error)}`).pipe(Effect.zipRight(Effect.fail(new ExitWith({ code }))))
    })
  )

export const messageOf = (error: unknown): string =>
  error instanceof Error || (typeof error === "object" && error !== null && "message" in error)
    ? String((error as { message: unknown }).message)
    : String(error)

/** The exit status of a finished program: 0, the ExitWith code, 130 on Ctrl-C, 1 for defects. */
export const exitCode = (exit: Exit.Exit<unknown, unknown>): number => {
  if (Exit.isSuccess(exit)) return 0
  if (Cause.isInterruptedOnly(exit.cause)) return 130
  const failure = Option.getOrUndefined(Cause.failureOption(exit.cause))
  return failure instanceof ExitWith ? failure.code : 1
}

export const runCommand = Command.run
