/** UsageError: a command line that cannot be understood, reported with its usage and exit status 2. */
import { Data } from "effect"

/** A usage problem: printed as `tscodex: error: <message>` (after `usage` when given), exit status 2. */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string; readonly usage?: string }> {}
