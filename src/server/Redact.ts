/** Redact: removes credentials from text the server sends out (error messages, logs), whatever echoed them. */

const MASK = "***"

/** `scheme://user:password@host` → `scheme://***@host`. */
const userInfo = /\b([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/g

/** Query or form parameters whose name says they carry a secret. */
const keyParam =
  /([?&;]|\b)((?:api[-_]?key|apikey|key|token|access[-_]?token|refresh[-_]?token|id[-_]?token|secret|client[-_]?secret|password|passwd|pwd|auth|authorization|sig|signature|x-api-key)=)[^&\s#"'<>]+/gi

/** An `Authorization`-style header or JSON member echoed back, with its value. */
const headerEcho =
  /((?:proxy-)?authorization|x-api-key|api-key|cookie|set-cookie)(\\?["']?\s*:\s*\\?["']?)(?:(bearer|basic|token)\s+)?[^\s"'\\,;}]+/gi

/** A bare `Bearer <token>` or `Basic <token>` anywhere. */
const schemeToken = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{4,}/g

/** Token shapes of well-known providers (`sk-…`, `sk-ant-…`, GitHub, Slack, Google). */
const knownTokens = /\b(?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{12,}|gh[pousr]_[A-Za-z0-9]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{30,})/g

/**
 * `text` with credentials masked: URL user-info, key-like query parameters, echoed
 * `Authorization`/`x-api-key`/cookie values, bare `Bearer`/`Basic` tokens, well-known token
 * shapes, and every literal in `secrets` (the keys this server knows) of 4 or more characters.
 */
export const redact = (text: string, secrets: ReadonlyArray<string> = []): string => {
  let out = text
  for (const secret of secrets) {
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(MASK)
  }
  return out
    .replace(userInfo, `$1${MASK}@`)
    .replace(keyParam, `$1$2${MASK}`)
    .replace(headerEcho, (_m, name: string, sep: string, scheme: string | undefined) => `${name}${sep}${scheme === undefined ? "" : `${scheme} `}${MASK}`)
    .replace(schemeToken, `$1 ${MASK}`)
    .replace(knownTokens, MASK)
}

/** A redactor bound to the secrets known now. */
export const make = (secrets: ReadonlyArray<string>) => (text: string): string => redact(text, secrets)
