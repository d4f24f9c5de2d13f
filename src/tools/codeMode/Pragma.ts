/** Pragma: splits an `exec` input into its optional `// @exec: {...}` first line and the JavaScript source. */
import { Option } from "effect"
import { toInt } from "../Coercion.js"

export const BLANK = "Error: exec expects raw JavaScript source text (non-empty)."
const PREFIX = "// @exec:"
const FIELDS = "`yield_time_ms` and `max_output_tokens`"

export interface ParsedExec {
  readonly code: string
  readonly yieldTimeMs: number | undefined
  readonly maxOutputTokens: number | undefined
}

/** The parsed input, or the error text the model sees. */
export const parse = (input: string): ParsedExec | string => {
  if (input.trim() === "") return BLANK
  const newline = input.indexOf("\n")
  const first = newline === -1 ? input : input.slice(0, newline)
  if (!first.trimStart().startsWith(PREFIX)) return { code: input, yieldTimeMs: undefined, maxOutputTokens: undefined }
  const rest = newline === -1 ? "" : input.slice(newline + 1)
  if (rest.trim() === "") return "Error: exec pragma must be followed by JavaScript source on subsequent lines"
  const json = first.trimStart().slice(PREFIX.length).trim()
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch (error) {
    return `Error: exec pragma must be valid JSON with supported fields ${FIELDS}: ${error instanceof Error ? error.message : String(error)}`
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return `Error: exec pragma must be a JSON object with supported fields ${FIELDS}`
  }
  const record = value as Record<string, unknown>
  for (const key of Object.keys(record)) {
    if (key !== "yield_time_ms" && key !== "max_output_tokens") return `Error: unsupported exec pragma field \`${key}\``
  }
  const field = (key: string): number | undefined | string => {
    const raw = record[key]
    if (raw === undefined || raw === null) return undefined
    return Option.match(toInt(raw), {
      onNone: () => `Error: exec pragma field \`${key}\` must be an integer, got ${JSON.stringify(raw)}`,
      onSome: (n) => n
    })
  }
  const yieldTimeMs = field("yield_time_ms")
  if (typeof yieldTimeMs === "string") return yieldTimeMs
  const maxOutputTokens = field("max_output_tokens")
  if (typeof maxOutputTokens === "string") return maxOutputTokens
  return { code: rest, yieldTimeMs, maxOutputTokens }
}

/** A tool name as a JavaScript identifier: other characters and a leading digit become `_`. */
export const jsName = (name: string): string => {
  const replaced = name.replace(/[^A-Za-z0-9_$]/g, "_").replace(/^[0-9]/, "_")
  return replaced === "" ? "_" : replaced
}
