/** CliError and ExitCode: how the command line reports a failure and which exit status it ends with. */
import { Data } from "effect"

/** A failure shown as `Error: <message>` on stderr; the process exits with `code` (1 unless stated). */
export class CliError extends Data.TaggedError("CliError")<{ readonly message: string; readonly code?: number }> {}

/** A usage problem: printed as `tscodex: error: <message>` (after `usage` when given), exit status 2. */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string; readonly usage?: string }> {}

/** Ends the program with this status after everything was printed. */
export class ExitWith extends Data.TaggedError("ExitWith")<{ readonly code: number }> {}
