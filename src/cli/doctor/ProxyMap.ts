/** ProxyMap: the proxy variables that matter for a URL, shown without credentials. */
import { Either } from "effect"
import type { Environment } from "../../config/Environment.js"
import * as Proxy from "../../model/proxy.js"

const SUFFIX = "_proxy"

/**
 * Every non-empty `<scheme>_proxy` variable keyed by `<scheme>` (`no_proxy` gives `no`). Names are
 * read in any case; a variable spelled with a lowercase `_proxy` wins over other spellings, and an
 * empty one of those removes the entry. Empty when `NO_PROXY` sends the URL straight to the server.
 */
export const forUrl = (env: Environment, url: URL): ReadonlyMap<string, string> => {
  const vars = Object.entries(env.all())
  const map = new Map<string, string>()
  for (const [name, value] of vars) {
    if (value !== "" && name.toLowerCase().endsWith(SUFFIX)) map.set(name.slice(0, -SUFFIX.length).toLowerCase(), value)
  }
  for (const [name, value] of vars) {
    if (!name.endsWith(SUFFIX)) continue
    const key = name.slice(0, -SUFFIX.length).toLowerCase()
    if (value !== "") map.set(key, value)
    else map.delete(key)
  }
  if (Proxy.bypasses(Proxy.fromEnvironment(env).noProxy, url)) return new Map()
  return map
}

/** A proxy setting with any `user:password@` part removed (with or without a scheme). */
export const hideCredentials = (value: string): string => {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)?[^/?#]*@(.*)$/s.exec(value)
  return match === null ? value : `${match[1] ?? ""}${match[2] ?? ""}`
}

/** `key=value` pairs sorted by key, credentials hidden; `not configured` when there are none. */
export const describe = (map: ReadonlyMap<string, string>): string => {
  if (map.size === 0) return "not configured"
  return [...map.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${hideCredentials(value)}`)
    .join(", ")
}

/**
 * The proxy the model client will actually send requests to `url` through (the same selection
 * rules), or a TransportConfigError when that variable cannot be used.
 */
export const applying = (env: Environment, url: URL): Either.Either<Proxy.Proxy | undefined, Proxy.TransportConfigError> =>
  Proxy.select(Proxy.fromEnvironment(env), url)
