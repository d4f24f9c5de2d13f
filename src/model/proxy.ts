/**
 * @internal Which proxy a request goes through: the `*_PROXY` and `NO_PROXY` variables, read the
 * way curl and Python's requests read them.
 *
 * - `https://` targets use `https_proxy`, else `all_proxy`; `http://` targets use `http_proxy`,
 *   else `all_proxy`. The lowercase spelling of a variable wins whenever it is set, even to an
 *   empty value (which switches that proxy off); otherwise the uppercase one is read.
 * - A proxy URL without a scheme is an `http://` proxy; `http://` and `https://` proxies are
 *   supported, with optional `user:password@` credentials (percent-decoded) sent as Basic
 *   `Proxy-Authorization`.
 * - `NO_PROXY` is a list separated by commas or whitespace. `*` bypasses every proxy. Otherwise an
 *   entry matches a host equal to it or ending in `.<entry>` (a leading `.` or `*.` is ignored),
 *   an IP literal equal to it, or an IP literal inside it when it is a CIDR block (`10.0.0.0/8`,
 *   `fd00::/8`). An entry with `:port` matches only that port (the scheme's default when the URL
 *   has none). Loopback targets get no special treatment: like requests, they go through the
 *   proxy unless `NO_PROXY` lists them.
 */
import { Data, Either } from "effect"
import * as Net from "node:net"
import type { Environment } from "../config/Environment.js"

/** A transport setting in the environment that cannot be used as it is. Never worth a retry. */
export class TransportConfigError extends Data.TaggedError("TransportConfigError")<{ readonly message: string }> {}

/** One proxy variable as read: its name (for messages) and trimmed value. */
export interface ProxyVariable {
  readonly name: string
  readonly value: string
}

/** The proxy variables of an environment. */
export interface ProxyEnvironment {
  readonly http?: ProxyVariable | undefined
  readonly https?: ProxyVariable | undefined
  readonly all?: ProxyVariable | undefined
  readonly noProxy: ReadonlyArray<string>
}

/** No proxy at all. */
export const none: ProxyEnvironment = { noProxy: [] }

/** A proxy to send a request through. */
export interface Proxy {
  /** The variable it came from. */
  readonly variable: string
  readonly secure: boolean
  /** Host name or IP literal, without IPv6 brackets. */
  readonly host: string
  readonly port: number
  /** `Basic <base64>` when the URL carried credentials. */
  readonly authorization?: string | undefined
  /** `http://host:port`: the proxy as messages may name it, never with credentials. */
  readonly display: string
}

const readVariable = (env: Environment, base: string): ProxyVariable | undefined => {
  for (const name of [base.toLowerCase(), base.toUpperCase()]) {
    const value = env.get(name)
    if (value === undefined) continue
    return value.trim() === "" ? undefined : { name, value: value.trim() }
  }
  return undefined
}

/** The entries of a `NO_PROXY` value. */
export const parseNoProxy = (value: string | undefined): ReadonlyArray<string> =>
  (value ?? "").split(/[\s,]+/).map((entry) => entry.trim().toLowerCase()).filter((entry) => entry !== "")

/** Reads the proxy variables through the Environment service. */
export const fromEnvironment = (env: Environment): ProxyEnvironment => ({
  http: readVariable(env, "http_proxy"),
  https: readVariable(env, "https_proxy"),
  all: readVariable(env, "all_proxy"),
  noProxy: parseNoProxy(readVariable(env, "no_proxy")?.value)
})

/** A URL's host without IPv6 brackets or a trailing dot, lowercased. */
export const bareHost = (hostname: string): string => hostname.replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "").toLowerCase()

/** The port a URL connects to: its own, else its scheme's default. */
export const effectivePort = (url: URL): number => (url.port !== "" ? Number(url.port) : url.protocol === "https:" ? 443 : 80)

const ipFamily = (host: string): "ipv4" | "ipv6" | undefined => {
  const version = Net.isIP(host)
  return version === 4 ? "ipv4" : version === 6 ? "ipv6" : undefined
}

/** Splits `host`, `host:port`, `[v6]`, `[v6]:port` and bare IPv6 (`::1`, `fd00::/8`) entries. */
const splitEntry = (entry: string): { readonly host: string; readonly port?: number } => {
  const bracketed = /^\[([^\]]*)\](?::(\d+))?$/.exec(entry)
  if (bracketed !== null) return { host: bracketed[1]!, ...(bracketed[2] !== undefined ? { port: Number(bracketed[2]) } : {}) }
  const withPort = /^([^:]*):(\d+)$/.exec(entry)
  if (withPort !== null) return { host: withPort[1]!, port: Number(withPort[2]) }
  return { host: entry }
}

const entryMatches = (entry: string, host: string, port: number): boolean => {
  const split = splitEntry(entry)
  if (split.port !== undefined && split.port !== port) return false
  const name = split.host.replace(/^\*?\./, "").replace(/\.$/, "")
  if (name === "") return false
  const family = ipFamily(host)
  if (family !== undefined) {
    const cidr = /^(.*)\/(\d{1,3})$/.exec(name)
    const list = new Net.BlockList()
    try {
      if (cidr !== null) {
        const networkFamily = ipFamily(cidr[1]!)
        if (networkFamily !== family) return false
        list.addSubnet(cidr[1]!, Number(cidr[2]), networkFamily)
      } else if (ipFamily(name) === family) {
        list.addAddress(name, family)
      } else {
        return name === host
      }
    } catch {
      return false
    }
    return list.check(host, family)
  }
  return host === name || host.endsWith(`.${name}`)
}

/** Whether `NO_PROXY` sends requests to this URL straight to the server. */
export const bypasses = (noProxy: ReadonlyArray<string>, url: URL): boolean => {
  if (noProxy.includes("*")) return true
  const host = bareHost(url.hostname)
  const port = effectivePort(url)
  return noProxy.some((entry) => entryMatches(entry, host, port))
}

const decode = (text: string): string => {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** Reads a proxy URL; its credentials never reach an error message. */
export const parseProxy = (variable: ProxyVariable): Either.Either<Proxy, TransportConfigError> => {
  const text = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(variable.value) ? variable.value : `http://${variable.value}`
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return Either.left(new TransportConfigError({ message: `${variable.name} is not a valid proxy URL` }))
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return Either.left(
      new TransportConfigError({
        message: `${variable.name} names a ${url.protocol.slice(0, -1)} proxy; only http:// and https:// proxies are supported`
      })
    )
  }
  const host = bareHost(url.hostname)
  if (host === "") return Either.left(new TransportConfigError({ message: `${variable.name} is not a valid proxy URL` }))
  const port = effectivePort(url)
  const hasCredentials = url.username !== "" || url.password !== ""
  const credentials = `${decode(url.username)}:${decode(url.password)}`
  return Either.right({
    variable: variable.name,
    secure: url.protocol === "https:",
    host,
    port,
    authorization: hasCredentials ? `Basic ${Buffer.from(credentials, "utf8").toString("base64")}` : undefined,
    display: `${url.protocol}//${url.host}`
  })
}

/** The proxy for a request to `url`, or undefined to connect directly. */
export const select = (proxies: ProxyEnvironment, url: URL): Either.Either<Proxy | undefined, TransportConfigError> => {
  const variable = url.protocol === "https:" ? (proxies.https ?? proxies.all) : url.protocol === "http:" ? (proxies.http ?? proxies.all) : undefined
  if (variable === undefined || bypasses(proxies.noProxy, url)) return Either.right(undefined)
  return parseProxy(variable)
}
