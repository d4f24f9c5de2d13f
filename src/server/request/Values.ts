/** @internal Small readers for loosely typed JSON request values. */

export type JsonRecord = Record<string, unknown>

export const isRecord = (value: unknown): value is JsonRecord =>
  value !== null && typeof value === "object" && !Array.isArray(value)

/** Empty-ish values: null, false, 0, "", [] and {} (absent keys read as undefined). */
export const isFalsy = (value: unknown): boolean => {
  if (value === undefined || value === null || value === false || value === 0 || value === "") return true
  if (Array.isArray(value)) return value.length === 0
  if (isRecord(value)) return Object.keys(value).length === 0
  return typeof value === "number" && Number.isNaN(value)
}

export const isTruthy = (value: unknown): boolean => !isFalsy(value)

/**
 * A value read as text: strings as they are, null/absent as "", numbers and
 * booleans in their JSON spelling, arrays and objects as compact JSON.
 */
export const text = (value: unknown): string => {
  if (typeof value === "string") return value
  if (value === undefined || value === null) return ""
  if (typeof value === "number" || typeof value === "boolean") return String(value)
  return JSON.stringify(value)
}

/** An integral JSON number above zero (booleans and strings excluded). */
export const isPositiveInteger = (value: unknown): value is number =>
  typeof value === "number" && Number.isInteger(value) && value > 0

/**
 * How an offending value is quoted inside an error message: strings in single
 * quotes (double quotes when the text holds a single quote and no double quote),
 * a missing value as `None`, booleans as `True`/`False`, containers as literals.
 * Clients match these messages, so the spelling stays fixed.
 */
export const quoted = (value: unknown): string => {
  if (value === undefined || value === null) return "None"
  if (value === true) return "True"
  if (value === false) return "False"
  if (typeof value === "number") return String(value)
  if (typeof value === "string") {
    if (value.includes("'") && !value.includes('"')) return `"${value}"`
    return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`
  }
  if (Array.isArray(value)) return "[" + value.map(quoted).join(", ") + "]"
  if (isRecord(value)) return "{" + Object.entries(value).map(([k, v]) => `${quoted(k)}: ${quoted(v)}`).join(", ") + "}"
  return String(value)
}
