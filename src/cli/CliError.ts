/** CliError and ExitCode: how the command line reports a failure and which exit status it ends with. */
import { Data } from "effect"

/** A failure shown as `Error: <message>` on stderr; the process exits with `code` (1 unless stated). */
export class CliError extends Data.TaggedError("CliError")<{ readonly message: string; readonly code?: number }> {}

// argument parsing (cli/args) defines its own error; the rest of the command line takes it from here
export { UsageError } from "./args/UsageError.js"

/** Ends the program with this status after everything was printed. */
export class ExitWith extends Data.TaggedError("ExitWith")<{ readonly code: number }> {}
