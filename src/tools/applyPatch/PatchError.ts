/** PatchError: why a patch was refused or could not be applied, with the exact texts the model reads. */
import { Data } from "effect"

/**
 * A patch the tool will not apply. `Rejected` is a refusal (empty patch, a path outside the
 * workspace); `Verification` is a patch that does not parse or does not fit the files.
 */
export class PatchError extends Data.TaggedError("PatchError")<{
  readonly reason: "Rejected" | "Verification"
  readonly detail: string
}> {
  override get message(): string {
    return this.reason === "Rejected" ? `patch rejected: ${this.detail}` : `apply_patch verification failed: ${this.detail}`
  }
}

export const rejected = (detail: string): PatchError => new PatchError({ reason: "Rejected", detail })
export const verification = (detail: string): PatchError => new PatchError({ reason: "Verification", detail })

export const emptyPatch = (): PatchError => rejected("empty patch")
export const outsideWorkspace = (): PatchError =>
  rejected("writing outside of the project; rejected by user approval settings")
/** A write the sandbox policy does not allow (read-only mode, a protected `.git`). */
export const sandboxRefusal = (reason: string): PatchError => rejected(`${reason}; rejected by user approval settings`)

/**
 * A line quoted for an error message: in single quotes (double quotes when the line has a single
 * quote and no double quote), with backslashes, the active quote and control characters escaped.
 */
export const quote = (line: string): string => {
  const delimiter = line.includes("'") && !line.includes("\"") ? "\"" : "'"
  let out = ""
  for (const char of line) {
    const code = char.codePointAt(0)!
    if (char === "\\") out += "\\\\"
    else if (char === delimiter) out += `\\${char}`
    else if (char === "\n") out += "\\n"
    else if (char === "\r") out += "\\r"
    else if (char === "\t") out += "\\t"
    else if (code < 0x20 || (code >= 0x7f && code <= 0xa0)) out += `\\x${code.toString(16).padStart(2, "0")}`
    else out += char
  }
  return `${delimiter}${out}${delimiter}`
}

/**
 * A write that failed after validation succeeded (permissions, a parent that is a file). The
 * changes already written are undone before this is reported.
 */
export class PatchWriteError extends Data.TaggedError("PatchWriteError")<{
  /** Error class shown to the model, e.g. `PermissionError`. */
  readonly name: string
  readonly message: string
}> {}
