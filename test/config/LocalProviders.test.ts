/** Tests of LocalProviders: built-in local providers and --oss. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as NodePath from "node:path"
import * as ConfigLoader from "../../src/config/ConfigLoader.js"
import { withHome } from "./support.js"

const load = (home: string, options: Omit<ConfigLoader.LoadOptions, "configPath"> = {}) =>
  ConfigLoader.load({ ...options, configPath: NodePath.join(home, "config.toml") })

describe("built-in local providers and --oss", () => {
  it.scoped("--oss picks ollama with the local default model; --local-provider or oss_provider pick lmstudio", () =>
    withHome({ "config.toml": "" }, {}, (home) =>
      Effect.gen(function* () {
        const ollama = yield* load(home, { oss: true })
        expect([ollama.provider.id, ollama.provider.name, ollama.provider.baseUrl, ollama.model]).toEqual([
          "ollama", "gpt-oss", "http://localhost:11434/v1", "gpt-oss:20b"
        ])
        expect(ollama.provider.envKey).toBeUndefined()
        const lmstudio = yield* load(home, { oss: "lmstudio", overrides: { model: "qwen" } })
        expect([lmstudio.provider.id, lmstudio.provider.baseUrl, lmstudio.model]).toEqual(["lmstudio", "http://localhost:1234/v1", "qwen"])
      })))

  it.scoped("oss_provider in config.toml, CODEX_OSS_PORT and a model_provider naming a built-in", () =>
    withHome({ "config.toml": 'oss_provider = "lmstudio"\nmodel = "mine"\n' }, { CODEX_OSS_PORT: "4321" }, (home) =>
      Effect.gen(function* () {
        const config = yield* load(home, { oss: true })
        expect([config.provider.id, config.provider.baseUrl, config.model]).toEqual(["lmstudio", "http://localhost:4321/v1", "mine"])
        const named = yield* load(home, { overrides: { model_provider: "ollama" } })
        expect(named.provider.baseUrl).toBe("http://localhost:4321/v1")
      })))

  it.scoped("CODEX_OSS_BASE_URL replaces the whole URL", () =>
    withHome({ "config.toml": 'model_provider = "ollama"\nmodel = "m"\n' }, { CODEX_OSS_BASE_URL: "http://gpu:11434/v1" }, (home) =>
      Effect.map(load(home), (config) => expect(config.provider.baseUrl).toBe("http://gpu:11434/v1"))))
})
