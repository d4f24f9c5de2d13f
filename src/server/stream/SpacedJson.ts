/** SpacedJson: the `", "` / `": "` JSON text written into the compatibility server's SSE payloads. */

/**
 * Serializes a JSON value with `", "` between members and items and `": "` between a key and its
 * value. Strings are escaped as `JSON.stringify` escapes them, so non-ASCII text stays raw UTF-8.
 * Keys keep insertion order; `undefined` members are left out (as `JSON.stringify` does) and an
 * `undefined` array item or top-level value becomes `null`.
 */
export const spacedJson = (value: unknown): string => {
  const parts: Array<string> = []
  write(value, parts)
  return parts.join("")
}

const write = (value: unknown, out: Array<string>): void => {
  if (value === null || value === undefined) {
    out.push("null")
    return
  }
  switch (typeof value) {
    case "string":
      out.push(JSON.stringify(value))
      return
    case "number":
      out.push(Number.isFinite(value) ? String(value) : "null")
      return
    case "boolean":
      out.push(value ? "true" : "false")
      return
    case "bigint":
      out.push(value.toString())
      return
    case "object":
      break
    default:
      out.push("null")
      return
  }
  if (Array.isArray(value)) {
    out.push("[")
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(", ")
      write(value[i], out)
    }
    out.push("]")
    return
  }
  out.push("{")
  let first = true
  for (const key of Object.keys(value)) {
    const member = (value as Record<string, unknown>)[key]
    if (member === undefined || typeof member === "function" || typeof member === "symbol") continue
    if (!first) out.push(", ")
    first = false
    out.push(JSON.stringify(key), ": ")
    write(member, out)
  }
  out.push("}")
}
