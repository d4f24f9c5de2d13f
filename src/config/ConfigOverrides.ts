/** ConfigOverrides: `-c key=value` settings from the command line, each value read as TOML with a plain-string fallback. */
import { Either } from "effect"
import { parse } from "smol-toml"

/** One `key=value` override: the dotted key and its value. */
export interface Override {
  readonly key: string
  readonly value: unknown
}

/** The value part read as a TOML value (`5`, `true`, `"o3"`, `["a"]`, `{ x = 1 }`), else the text itself without surrounding quotes. */
export const parseValue = (text: string): unknown => {
  try {
    return parse(`value = ${text}`)["value"]
  } catch {
    return text.trim().replace(/^["']+|["']+$/g, "")
  }
}

/** `key=value` → the override; the text of the problem otherwise (no `=`, or an empty key). */
export const parseOverride = (text: string): Either.Either<Override, string> => {
  const at = text.indexOf("=")
  if (at === -1) return Either.left(`Invalid override (missing '='): ${text}`)
  const key = text.slice(0, at).trim()
  if (key === "") return Either.left(`Empty key in override: ${text}`)
  return Either.right({ key, value: parseValue(text.slice(at + 1)) })
}

/** True when the text reads as `dotted.key=value` rather than a file path that happens to contain `=`. */
export const looksLikeOverride = (text: string): boolean => /^\s*[A-Za-z0-9_-]+(\.[A-Za-z0-9_"'-]+)*\s*=/.test(text)

/** Overrides in order as the `overrides` record ConfigLoader takes (a later key wins). */
export const toRecord = (overrides: ReadonlyArray<Override>): Record<string, unknown> => {
  const record: Record<string, unknown> = {}
  for (const { key, value } of overrides) {
    delete record[key]
    record[key] = value
  }
  return record
}
