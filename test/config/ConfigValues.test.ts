/** Tests of ConfigValues: config.toml values. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as NodePath from "node:path"
import { CodexConfig } from "../../src/config/CodexConfig.js"
import * as ConfigLoader from "../../src/config/ConfigLoader.js"
import { withHome } from "./support.js"

const load = (home: string, options: Omit<ConfigLoader.LoadOptions, "configPath"> = {}) =>
  ConfigLoader.load({ ...options, configPath: NodePath.join(home, "config.toml") })

const provider = `
[model_providers.fake]
base_url = "http://127.0.0.1:1/v1"
`

describe("config.toml values", () => {
  it.scoped("reads every context and model key, trimming text and dropping blanks", () =>
    withHome(
      {
        "config.toml": `
model = "  gpt-5.4  "
model_provider = "fake"
model_reasoning_effort = "medium"
model_reasoning_summary = "auto"
model_verbosity = ""
approval_policy = "never"
sandbox_mode = "danger-full-access"
personality = "pragmatic"
base_instructions = "base"
developer_instructions = "dev"
user_instructions = "   "
model_instructions_file = "instructions/base.md"
project_doc_max_bytes = "1024"
model_context_window = 200000.7
compact_prompt = "summarise"
collaboration_mode = "plan"
check_for_update_on_startup = false
${provider}`
      },
      {},
      (home) =>
        Effect.gen(function* () {
          const config = yield* load(home)
          expect(config).toMatchObject({
            model: "gpt-5.4",
            reasoningEffort: "medium",
            reasoningSummary: "auto",
            approvalPolicy: "never",
            sandboxMode: "danger-full-access",
            personality: "pragmatic",
            baseInstructions: "base",
            developerInstructions: "dev",
            modelInstructionsFile: NodePath.join(home, "instructions", "base.md"),
            projectDocMaxBytes: 1024,
            modelContextWindow: 200000,
            compactPrompt: "summarise",
            collaborationMode: "plan"
          })
          expect("verbosity" in config).toBe(false)
          expect("userInstructions" in config).toBe(false)
          expect(config.modelAutoCompactTokenLimit).toBeUndefined()
          expect(config.raw["check_for_update_on_startup"]).toBe(false)
        })
    ))

  it.scoped("keeps an absolute model_instructions_file and expands ~", () =>
    withHome({ "config.toml": `model = "m"\nmodel_provider = "fake"\nmodel_instructions_file = "~/base.md"\n${provider}` }, { HOME: "/home/u" }, (home) =>
      Effect.map(load(home), (config) => expect(config.modelInstructionsFile).toBe("/home/u/base.md"))
    ))

  it.scoped("keeps query parameters and headers in file order, as text", () =>
    withHome(
      {
        "config.toml": `model = "m"\nmodel_provider = "fake"\n${provider}query_params = { zeta = "1", alpha = 2, flag = true }\nhttp_headers = { "X-Team" = "core" }\nenv_http_headers = { "X-Org" = "ORG_VAR" }\n`
      },
      {},
      (home) =>
        Effect.map(load(home), (config) => {
          expect(config.provider.queryParams).toEqual([["zeta", "1"], ["alpha", "2"], ["flag", "true"]])
          expect(config.provider.httpHeaders).toEqual([["X-Team", "core"]])
          expect(config.provider.envHttpHeaders).toEqual([["X-Org", "ORG_VAR"]])
        })
    ))

  it.scoped("guardian_approval counts only when it is true", () =>
    withHome({ "config.toml": `model = "m"\nmodel_provider = "fake"\n[features]\nguardian_approval = false\nother = 1\n${provider}` }, {}, (home) =>
      Effect.map(load(home), (config) => expect(config.guardianApproval).toBe(false))
    ))
})

describe("profiles and overrides", () => {
  const toml = `
model = "top"
model_provider = "fake"
model_verbosity = "low"
profile = "quiet"

[features]
guardian_approval = true

[profiles.quiet]
model_verbosity = "high"

[profiles.plain]
model = "plain-model"
features = { }
model_providers = { fake = { base_url = "http://profile.invalid/v1" } }
${provider}`

  it.scoped("a top-level profile key picks the default profile; --profile wins over it", () =>
    withHome({ "config.toml": toml }, {}, (home) =>
      Effect.gen(function* () {
        const byDefault = yield* load(home)
        expect([byDefault.profile, byDefault.model, byDefault.verbosity]).toEqual(["quiet", "top", "high"])
        const chosen = yield* load(home, { profile: "plain" })
        expect([chosen.profile, chosen.model, chosen.verbosity]).toEqual(["plain", "plain-model", "low"])
      })
    ))

  it.scoped("the merge is shallow and provider tables stay those of the top level", () =>
    withHome({ "config.toml": toml }, {}, (home) =>
      Effect.map(load(home, { profile: "plain" }), (config) => {
        expect(config.guardianApproval).toBe(false)
        expect(config.provider.baseUrl).toBe("http://127.0.0.1:1/v1")
      })
    ))

  it.scoped("command-line overrides win over the profile and reach into tables", () =>
    withHome({ "config.toml": toml }, {}, (home) =>
      Effect.map(
        load(home, {
          profile: "plain",
          overrides: { model: "flag-model", "model_providers.fake.base_url": "http://127.0.0.1:2/v1", base_instructions: undefined }
        }),
        (config) => {
          expect(config.model).toBe("flag-model")
          expect(config.provider.baseUrl).toBe("http://127.0.0.1:2/v1")
          expect(config.raw["model"]).toBe("flag-model")
        }
      )
    ))

  it.scoped("use_chat_completion: bool-ish, and the top-level (or flag) value wins over the provider's", () =>
    withHome(
      {
        "config.toml": `model = "m"\nmodel_provider = "chat"\n[model_providers.chat]\nbase_url = "http://h/v1"\nwire_api = "chat"\nuse_chat_completion = "YES"\n`
      },
      {},
      (home) =>
        Effect.gen(function* () {
          const fromProvider = yield* load(home)
          expect(fromProvider.provider).toMatchObject({ wireApi: "chat", useChatCompletion: true })
          const error = yield* Effect.flip(load(home, { overrides: { use_chat_completion: "off" } }))
          expect(error.message).toContain("--use-chat-completion")
        })
    ))

  it.scoped("--use-chat-completion lets a chat provider through", () =>
    withHome({ "config.toml": `model = "m"\nmodel_provider = "chat"\n[model_providers.chat]\nbase_url = "http://h/v1"\nwire_api = "chat"\n` }, {}, (home) =>
      Effect.map(load(home, { overrides: { use_chat_completion: true } }), (config) =>
        expect(config.provider).toMatchObject({ wireApi: "chat", useChatCompletion: true }))
    ))

  it.scoped("layer provides the loaded config", () =>
    withHome({ "config.toml": `model = "layered"\n` }, {}, (home) =>
      Effect.gen(function* () {
        const config = yield* CodexConfig
        expect(config.model).toBe("layered")
      }).pipe(Effect.provide(ConfigLoader.layer({ configPath: NodePath.join(home, "config.toml") })))
    ))

  it.scoped("the layer fails with the ConfigError, caught by tag", () =>
    withHome({ "config.toml": `model = [1]\n` }, {}, (home) =>
      Effect.gen(function* () {
        const reason = yield* Layer.build(ConfigLoader.layer({ configPath: NodePath.join(home, "config.toml") })).pipe(
          Effect.as("built"),
          Effect.catchTag("ConfigError", (error) => Effect.succeed(error.reason)),
          Effect.scoped
        )
        expect(reason).toBe("InvalidValue")
      })
    ))
})
