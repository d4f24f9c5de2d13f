/** Auth: the inbound Bearer-key check and the OpenAI-style errors the server answers with. */
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { createHash, timingSafeEqual } from "node:crypto"

/** An error answer shaped like OpenAI's: `{"error": {"message", "type", "param", "code"}}`. */
export const openAiError = (
  status: number,
  message: string,
  options: { readonly type?: string; readonly param?: string | null; readonly code?: string | null } = {}
): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.unsafeJson(
    {
      error: {
        message,
        type: options.type ?? "invalid_request_error",
        param: options.param ?? null,
        code: options.code ?? null
      }
    },
    { status }
  )

const digest = (text: string): Buffer => createHash("sha256").update(text).digest()

/** Checks Bearer tokens against a fixed set of keys, in time that does not depend on how much of a key matched. */
export const makeChecker = (keys: ReadonlyArray<string>) => {
  const digests = keys.map(digest)
  return (authorization: string | undefined): "ok" | "missing" | "invalid" => {
    const match = /^\s*bearer\s+(\S+)\s*$/i.exec(authorization ?? "")
    if (match === null) return "missing"
    const presented = digest(match[1]!)
    let ok = false
    for (const expected of digests) ok = timingSafeEqual(presented, expected) || ok
    return ok ? "ok" : "invalid"
  }
}

/** The 401 answers (the presented key is never echoed). */
export const unauthorized = (reason: "missing" | "invalid"): HttpServerResponse.HttpServerResponse =>
  openAiError(
    401,
    reason === "missing"
      ? "You didn't provide an API key. Send one in the Authorization header using Bearer auth (Authorization: Bearer YOUR_KEY)."
      : "Incorrect API key provided.",
    { code: reason === "missing" ? "missing_api_key" : "invalid_api_key" }
  ).pipe(HttpServerResponse.setHeader("www-authenticate", "Bearer"))
