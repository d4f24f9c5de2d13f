/** Limits: bounds on the shape of an inbound body (nesting depth, the length of fields that are names or ids). */
import { Either } from "effect"
import { RequestTooLarge } from "./RequestErrors.js"

/** Deeper bodies are refused: nothing legitimate nests this far, and copying or encoding them can overflow the stack. */
export const MAX_DEPTH = 128

/** Top-level text fields that name or identify something, with their longest accepted length. */
export const FIELD_LIMITS: ReadonlyArray<readonly [field: string, max: number]> = [
  ["model", 256],
  ["previous_response_id", 256],
  ["prompt_cache_key", 512],
  ["user", 512],
  ["safety_identifier", 512],
  ["service_tier", 64]
]

/** Longest accepted `x-client-request-id` header (it becomes the session id). */
export const MAX_CLIENT_REQUEST_ID = 512

/** How deep a JSON value nests (a scalar is 0, `{}` and `[]` are 1), walking without recursion; stops past `max`. */
export const depthOf = (value: unknown, max: number = MAX_DEPTH): number => {
  let deepest = 0
  const stack: Array<readonly [unknown, number]> = [[value, 0]]
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!
    if (typeof current !== "object" || current === null) continue
    const here = depth + 1
    if (here > deepest) deepest = here
    if (deepest > max) return deepest
    const children = Array.isArray(current) ? current : Object.values(current as Record<string, unknown>)
    for (const child of children) if (typeof child === "object" && child !== null) stack.push([child, here])
  }
  return deepest
}

/** The body within the limits, or why not (answered with HTTP 400). */
export const checkLimits = (
  body: Readonly<Record<string, unknown>>,
  clientRequestId: string | undefined
): Either.Either<Readonly<Record<string, unknown>>, RequestTooLarge> => {
  for (const [field, max] of FIELD_LIMITS) {
    const value = body[field]
    if (typeof value === "string" && value.length > max) {
      return Either.left(new RequestTooLarge({
        param: field,
        message: `Invalid '${field}': string too long. Expected a string with maximum length ${max}, but got a string with length ${value.length} instead.`
      }))
    }
  }
  if (clientRequestId !== undefined && clientRequestId.length > MAX_CLIENT_REQUEST_ID) {
    return Either.left(new RequestTooLarge({
      param: "x-client-request-id",
      message: `Invalid 'x-client-request-id' header: longer than ${MAX_CLIENT_REQUEST_ID} characters.`
    }))
  }
  if (depthOf(body) > MAX_DEPTH) {
    return Either.left(new RequestTooLarge({ param: null, message: `request body nests deeper than ${MAX_DEPTH} levels` }))
  }
  return Either.right(body)
}
