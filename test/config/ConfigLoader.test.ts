/** Tests of ConfigLoader: ConfigLoader acceptance. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import * as NodePath from "node:path"
import * as ConfigLoader from "../../src/config/ConfigLoader.js"
import { Environment } from "../../src/config/Environment.js"
import { apiKey, responsesUrl } from "../../src/model/request.js"
import { withHome } from "./support.js"

const load = (home: string, options: Omit<ConfigLoader.LoadOptions, "configPath"> = {}) =>
  ConfigLoader.load({ ...options, configPath: NodePath.join(home, "config.toml") })

/** The message of the ConfigError that loading `toml` fails with. */
const failure = (toml: string, options: Omit<ConfigLoader.LoadOptions, "configPath"> = {}) =>
  withHome({ "config.toml": toml }, {}, (home) =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(load(home, options))
      expect(error._tag).toBe("ConfigError")
      return { error, message: error.message.replace(`${home}/config.toml: `, "<path>: ") }
    })
  )

const fake = `
model = "m"
model_provider = "fake"

[model_providers.fake]
base_url = "http://127.0.0.1:1/v1"
`

describe("ConfigLoader acceptance", () => {
  const acceptanceToml = `
model = "base-model"
model_provider = "primary"
model_reasoning_effort = "high"
model_verbosity = "medium"

[features]
guardian_approval = true

[profiles.fast]
model = "fast-model"
model_provider = "backup"

[profiles.step]
model_provider = "stepfun-chat-zhy"

[model_providers.primary]
base_url = "https://primary.example.com/v1"
env_key = "PRIMARY_KEY"

[model_providers.backup]
base_url = "https://backup.example.com/openai"
env_key = "BACKUP_KEY"
query_params = { api_version = "2026-03-01" }

[model_providers.stepfun-chat-zhy]
name = "stepfun"
base_url = "http://100.96.255.200:8001/v1"
`

  it.scoped("a profile selects model and provider; top-level settings stay", () =>
    withHome({ "config.toml": acceptanceToml }, { BACKUP_KEY: "test-key" }, (home) =>
      Effect.gen(function* () {
        const config = yield* load(home, { profile: "fast" })
        const env = yield* Environment
        expect(config.profile).toBe("fast")
        expect(config.model).toBe("fast-model")
        expect(config.provider.id).toBe("backup")
        expect(config.provider.envKey).toBe("BACKUP_KEY")
        expect(apiKey(config.provider, env)).toEqual(Either.right("test-key"))
        expect(responsesUrl(config.provider)).toBe("https://backup.example.com/openai/responses?api_version=2026-03-01")
        expect(config.reasoningEffort).toBe("high")
        expect(config.verbosity).toBe("medium")
        expect(config.guardianApproval).toBe(true)
      })
    ))

  it.scoped("a provider without env_key has no key and no error", () =>
    withHome({ "config.toml": acceptanceToml }, {}, (home) =>
      Effect.gen(function* () {
        const config = yield* load(home, { profile: "step" })
        expect(config.model).toBe("base-model")
        expect(config.provider).toMatchObject({ id: "stepfun-chat-zhy", name: "stepfun", baseUrl: "http://100.96.255.200:8001/v1" })
        expect(config.provider.envKey).toBeUndefined()
        expect(apiKey(config.provider, yield* Environment)).toEqual(Either.right(undefined))
      })
    ))

  it.scoped("model_auto_compact_token_limit is read", () =>
    withHome({ "config.toml": `model_auto_compact_token_limit = 12345\n${fake}` }, {}, (home) =>
      Effect.map(load(home), (config) => expect(config.modelAutoCompactTokenLimit).toBe(12345))
    ))

  it.scoped("loads .env beside config.toml before resolving", () =>
    withHome(
      {
        "config.toml": fake.replace("base_url", "env_key = \"TEST_KEY\"\nbase_url"),
        ".env": "TEST_KEY=\"loaded-from-dotenv\"\nexport OTHER_KEY=second-value\nPLAIN_KEY=plain-value # inline comment\nCODEX_INTERNAL_ORIGINATOR_OVERRIDE=blocked\n"
      },
      {},
      (home) =>
        Effect.gen(function* () {
          const config = yield* load(home)
          const env = yield* Environment
          expect(apiKey(config.provider, env)).toEqual(Either.right("loaded-from-dotenv"))
          expect([env.get("OTHER_KEY"), env.get("PLAIN_KEY")]).toEqual(["second-value", "plain-value"])
          expect(env.get("CODEX_INTERNAL_ORIGINATOR_OVERRIDE")).toBeUndefined()
        })
    ))
})

describe("ConfigLoader defaults and the built-in provider", () => {
  it.scoped("without config.toml uses the built-in openai provider and the default model", () =>
    withHome({}, {}, (home) =>
      Effect.gen(function* () {
        const config = yield* ConfigLoader.load({}).pipe(Effect.provideService(Environment, {
          ...(yield* Environment),
          get: (name) => (name === "CODEX_HOME" ? home : undefined)
        }))
        expect(config.codexHome).toBe(home)
        expect(config.configPath).toBe(NodePath.join(home, "config.toml"))
        expect(config.model).toBe(ConfigLoader.DEFAULT_MODEL)
        expect(config.provider).toEqual({
          id: "openai",
          name: "OpenAI",
          baseUrl: "https://api.openai.com/v1",
          envKey: "OPENAI_API_KEY",
          wireApi: "responses",
          queryParams: [],
          httpHeaders: [],
          envHttpHeaders: [],
          requestMaxRetries: 4,
          streamMaxRetries: 5,
          streamIdleTimeoutMs: 300000,
          useChatCompletion: false
        })
        expect(config.guardianApproval).toBe(false)
        expect(config.profile).toBeUndefined()
      })
    ))

  it.scoped("reads config.toml and .env from $CODEX_HOME", () =>
    withHome({ "config.toml": "model = \"from-home\"\n", ".env": "HOME_VAR=1\n" }, {}, (home) =>
      Effect.gen(function* () {
        const env = yield* Environment
        yield* env.set("CODEX_HOME", home)
        const config = yield* ConfigLoader.load()
        expect(config.model).toBe("from-home")
        expect(config.provider.id).toBe("openai")
        expect(env.get("HOME_VAR")).toBe("1")
      })
    ))

  it.scoped("OPENAI_BASE_URL moves the built-in provider; a [model_providers.openai] table replaces it", () =>
    withHome({ "config.toml": "model_provider = \"openai\"\n" }, { OPENAI_BASE_URL: "http://127.0.0.1:9/v1" }, (home) =>
      Effect.gen(function* () {
        expect((yield* load(home)).provider.baseUrl).toBe("http://127.0.0.1:9/v1")
      })
    ))

  it.scoped("a table named openai is an ordinary provider (and then needs a model)", () =>
    Effect.gen(function* () {
      const { message } = yield* failure("[model_providers.openai]\nbase_url = \"http://127.0.0.1:2/v1\"\n")
      expect(message).toBe("<path>: model is missing (there is no default model for provider \"openai\")")
    }))

  it.scoped("provider defaults, and clamping of the retry and timeout knobs", () =>
    withHome(
      {
        "config.toml": `${fake}\n[model_providers.low]\nbase_url = "http://h/v1"\nstream_max_retries = -3\nrequest_max_retries = -1\nstream_idle_timeout_ms = 0\n\n[model_providers.high]\nbase_url = "http://h/v1"\nstream_max_retries = 1000\nrequest_max_retries = "7"\nstream_idle_timeout_ms = 2.9\n`
      },
      {},
      (home) =>
        Effect.gen(function* () {
          const defaults = yield* load(home)
          expect(defaults.provider).toMatchObject({ requestMaxRetries: 4, streamMaxRetries: 5, streamIdleTimeoutMs: 300000, name: "fake" })
          const low = yield* load(home, { overrides: { model_provider: "low" } })
          expect(low.provider).toMatchObject({ requestMaxRetries: 0, streamMaxRetries: 0, streamIdleTimeoutMs: 1 })
          const high = yield* load(home, { overrides: { model_provider: "high" } })
          expect(high.provider).toMatchObject({ requestMaxRetries: 7, streamMaxRetries: 100, streamIdleTimeoutMs: 2 })
        })
    ))
})
