/** Tests of ConfigOverrides: ConfigOverrides. */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import * as ConfigOverrides from "../../src/config/ConfigOverrides.js"

describe("ConfigOverrides", () => {
  it("reads the value as TOML, else as the raw string without quotes", () => {
    const value = (text: string) => Either.getOrThrow(ConfigOverrides.parseOverride(text)).value
    expect(value('model="o3"')).toBe("o3")
    expect(value("model=o3")).toBe("o3")
    expect(value("n=5")).toBe(5)
    expect(value("flag=true")).toBe(true)
    expect(value('list=["a", "b"]')).toEqual(["a", "b"])
    expect(value("t={ x = 1 }")).toEqual({ x: 1 })
    expect(value("shell_environment_policy.inherit=all")).toBe("all")
    expect(value("x='unterminated")).toBe("unterminated")
    expect(Either.getOrThrow(ConfigOverrides.parseOverride(" a.b = 1")).key).toBe("a.b")
  })

  it("refuses text without `=` or with an empty key, in Codex's words", () => {
    expect(ConfigOverrides.parseOverride("model")).toEqual(Either.left("Invalid override (missing '='): model"))
    expect(ConfigOverrides.parseOverride("=1")).toEqual(Either.left("Empty key in override: =1"))
  })

  it("tells an override from a config path", () => {
    expect(ConfigOverrides.looksLikeOverride("model=o3")).toBe(true)
    expect(ConfigOverrides.looksLikeOverride("model_providers.x.base_url=http://h")).toBe(true)
    expect(ConfigOverrides.looksLikeOverride("/tmp/a=b/config.toml")).toBe(false)
    expect(ConfigOverrides.looksLikeOverride("config.toml")).toBe(false)
  })

  it("keeps the last value of a key", () => {
    expect(ConfigOverrides.toRecord([{ key: "a", value: 1 }, { key: "b", value: 2 }, { key: "a", value: 3 }])).toEqual({ b: 2, a: 3 })
  })
})
