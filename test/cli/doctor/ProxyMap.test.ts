/** Tests of ProxyMap: doctor proxy map. */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import * as ProxyMap from "../../../src/cli/doctor/ProxyMap.js"
import * as Environment from "../../../src/config/Environment.js"

const url = new URL("https://api.example.com/v1/responses")
const env = (vars: Record<string, string>) => Environment.fromRecord({ ...vars })

describe("doctor proxy map", () => {
  it("collects every non-empty *_proxy variable, keyed by scheme, no_proxy as `no`", () => {
    const map = ProxyMap.forUrl(env({ HTTPS_PROXY: "http://p:1", ftp_proxy: "http://f:2", NO_PROXY: "internal", ALL_PROXY: "", PATH: "/bin" }), url)
    expect([...map.entries()].sort()).toEqual([["ftp", "http://f:2"], ["https", "http://p:1"], ["no", "internal"]])
  })

  it("lets the lowercase spelling win, and an empty lowercase variable remove the entry", () => {
    expect(ProxyMap.forUrl(env({ HTTPS_PROXY: "http://upper:1", https_proxy: "http://lower:2" }), url).get("https")).toBe("http://lower:2")
    expect(ProxyMap.forUrl(env({ https_proxy: "http://lower:2", HTTPS_PROXY: "http://upper:1" }), url).get("https")).toBe("http://lower:2")
    expect(ProxyMap.forUrl(env({ HTTP_PROXY: "http://upper:1", http_proxy: "" }), url).has("http")).toBe(false)
  })

  it("is empty when NO_PROXY bypasses the host", () => {
    expect(ProxyMap.forUrl(env({ https_proxy: "http://p:1", no_proxy: ".example.com" }), url).size).toBe(0)
    expect(ProxyMap.forUrl(env({ https_proxy: "http://p:1", no_proxy: "*" }), url).size).toBe(0)
  })

  it("never shows credentials", () => {
    expect(ProxyMap.hideCredentials("http://user:secret@127.0.0.1:3128")).toBe("http://127.0.0.1:3128")
    expect(ProxyMap.hideCredentials("http://user:p%40ss@proxy:3128/path?q=1#f")).toBe("http://proxy:3128/path?q=1#f")
    expect(ProxyMap.hideCredentials("user:secret@proxy:3128")).toBe("proxy:3128")
    expect(ProxyMap.hideCredentials("http://proxy:3128")).toBe("http://proxy:3128")
    expect(ProxyMap.hideCredentials("localhost,127.0.0.1")).toBe("localhost,127.0.0.1")
  })

  it("describes the map sorted by key, or as not configured", () => {
    expect(ProxyMap.describe(new Map())).toBe("not configured")
    const map = new Map([["no", "localhost"], ["https", "http://u:s@127.0.0.1:3128"], ["all", "socks5://a:b@h:1"]])
    expect(ProxyMap.describe(map)).toBe("all=socks5://h:1, https=http://127.0.0.1:3128, no=localhost")
  })

  it("names the proxy the client will use, or why it cannot", () => {
    const selected = ProxyMap.applying(env({ https_proxy: "http://u:s@127.0.0.1:3128" }), url)
    expect(Either.getOrThrow(selected)?.display).toBe("http://127.0.0.1:3128")
    expect(Either.getOrThrow(ProxyMap.applying(env({ http_proxy: "http://127.0.0.1:3128" }), url))).toBeUndefined()
    const bad = ProxyMap.applying(env({ https_proxy: "socks5://127.0.0.1:1080" }), url)
    expect(Either.isLeft(bad)).toBe(true)
  })
})
