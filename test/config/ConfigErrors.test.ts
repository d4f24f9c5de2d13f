/** Tests of ConfigErrors: config errors name the file and the key. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as NodePath from "node:path"
import * as ConfigLoader from "../../src/config/ConfigLoader.js"
import { withHome } from "./support.js"

/** Loads `toml` from a temp home and returns the error's reason and message (the file shown as `<path>`). */
const failure = (toml: string, options: Omit<ConfigLoader.LoadOptions, "configPath"> = {}) =>
  withHome({ "config.toml": toml }, {}, (home) =>
    Effect.gen(function* () {
      const path = NodePath.join(home, "config.toml")
      const error = yield* Effect.flip(ConfigLoader.load({ ...options, configPath: path }))
      expect(error.path).toBe(path)
      return { reason: error.reason, key: error.key, message: error.message.replace(path, "<path>") }
    })
  )

const provider = (body: string) => `model = "m"\nmodel_provider = "fake"\n[model_providers.fake]\n${body}\n`

describe("config errors name the file and the key", () => {
  it.scoped("malformed TOML gives line and column", () =>
    Effect.gen(function* () {
      const result = yield* failure("model = \"m\"\nmodel_provider = [\n")
      expect(result.reason).toBe("Parse")
      expect(result.message).toMatch(/^<path>: invalid TOML at line 3, column 1: .+$/)
    }))

  it.scoped("a value of the wrong type is refused, never turned into text", () =>
    Effect.gen(function* () {
      expect(yield* failure("model = 5\n")).toEqual({ reason: "InvalidValue", key: "model", message: "<path>: model must be text, got 5" })
      expect((yield* failure("model = \"m\"\nmodel_auto_compact_token_limit = \"x\"\n")).message).toBe(
        "<path>: model_auto_compact_token_limit must be an integer, got \"x\""
      )
      expect((yield* failure("model = \"m\"\napproval_policy = true\n")).message).toBe("<path>: approval_policy must be text, got true")
      expect((yield* failure(provider("base_url = 8080"))).message).toBe("<path>: model_providers.fake.base_url must be text, got 8080")
    }))

  it.scoped("unknown profile", () =>
    Effect.gen(function* () {
      expect(yield* failure("model = \"m\"\n[profiles.a]\nmodel = \"x\"\n", { profile: "nope" })).toEqual({
        reason: "UnknownProfile",
        key: undefined,
        message: "<path>: unknown Codex profile: nope"
      })
    }))

  it.scoped("a default profile that does not exist, and a profile key that is not text", () =>
    Effect.gen(function* () {
      expect((yield* failure("profile = \"gone\"\n")).message).toBe("<path>: unknown Codex profile: gone")
      expect((yield* failure("profile = [1]\n")).message).toBe("<path>: profile must be text, got a list")
    }))

  it.scoped("unknown provider lists the defined ones", () =>
    Effect.gen(function* () {
      const result = yield* failure(`model = "m"\nmodel_provider = "ghost"\n[model_providers.one]\nbase_url = "http://h/v1"\n`)
      expect(result).toEqual({
        reason: "UnknownProvider",
        key: "model_provider",
        message: "<path>: model_provider = \"ghost\" has no [model_providers.ghost] table (defined: one)"
      })
    }))

  it.scoped("an unknown provider chosen by a profile is named in the profile", () =>
    Effect.gen(function* () {
      const result = yield* failure(`model = "m"\n[profiles.p]\nmodel_provider = "ghost"\n`, { profile: "p" })
      expect(result.message).toBe("<path>: profiles.p.model_provider = \"ghost\" has no [model_providers.ghost] table (no providers are defined)")
    }))

  it.scoped("missing or blank base_url", () =>
    Effect.gen(function* () {
      const missing = yield* failure(provider("env_key = \"K\""))
      expect(missing).toEqual({
        reason: "MissingKey",
        key: "model_providers.fake.base_url",
        message: "<path>: model_providers.fake.base_url is missing"
      })
      expect((yield* failure(provider("base_url = \"  \""))).message).toBe("<path>: model_providers.fake.base_url is missing")
    }))

  it.scoped("a base_url that is not an http(s) URL", () =>
    Effect.gen(function* () {
      expect((yield* failure(provider("base_url = \"127.0.0.1:8000\""))).message).toBe(
        "<path>: model_providers.fake.base_url must be an http(s) URL, got \"127.0.0.1:8000\""
      )
    }))

  it.scoped("missing model for a configured provider", () =>
    Effect.gen(function* () {
      const result = yield* failure(`model_provider = "fake"\n[model_providers.fake]\nbase_url = "http://h/v1"\n`)
      expect(result.reason).toBe("MissingKey")
      expect(result.message).toBe("<path>: model is missing (there is no default model for provider \"fake\")")
    }))

  it.scoped("integers: garbage is refused, also from a profile", () =>
    Effect.gen(function* () {
      expect((yield* failure(`model_context_window = "lots"\n`)).message).toBe(
        "<path>: model_context_window must be an integer, got \"lots\""
      )
      expect((yield* failure(`[profiles.p]\nproject_doc_max_bytes = true\n`, { profile: "p" })).message).toBe(
        "<path>: profiles.p.project_doc_max_bytes must be an integer, got true"
      )
      expect((yield* failure(provider("base_url = \"http://h/v1\"\nstream_max_retries = \"five\""))).message).toBe(
        "<path>: model_providers.fake.stream_max_retries must be an integer, got \"five\""
      )
    }))

  it.scoped("a bad command-line override says so", () =>
    Effect.gen(function* () {
      expect((yield* failure("", { overrides: { model_auto_compact_token_limit: "soon" } })).message).toBe(
        "<path>: model_auto_compact_token_limit (command-line override) must be an integer, got \"soon\""
      )
    }))

  it.scoped("bool-ish and boolean keys", () =>
    Effect.gen(function* () {
      expect((yield* failure("use_chat_completion = \"maybe\"\n")).message).toBe(
        "<path>: use_chat_completion must be true or false, got \"maybe\""
      )
      expect((yield* failure("[features]\nguardian_approval = \"yes\"\n")).message).toBe(
        "<path>: features.guardian_approval must be true or false, got \"yes\""
      )
    }))

  it.scoped("tables where text is expected, and text where tables are expected", () =>
    Effect.gen(function* () {
      expect((yield* failure("model = { name = \"x\" }\n")).message).toBe("<path>: model must be text, got a table")
      expect((yield* failure("features = \"all\"\n")).message).toBe("<path>: features must be a table")
      expect((yield* failure("model_providers = \"none\"\n")).message).toBe("<path>: model_providers must be a table, got \"none\"")
      expect((yield* failure("model_provider = \"fake\"\nmodel_providers = { fake = 3 }\n")).message).toBe(
        "<path>: model_providers.fake must be a table"
      )
      expect((yield* failure(provider("base_url = \"http://h/v1\"\nquery_params = { a = [1] }"))).message).toBe(
        "<path>: model_providers.fake.query_params.a must be text, got a list"
      )
      expect((yield* failure("profiles = { p = \"x\" }\n", { profile: "p" })).message).toBe("<path>: profiles.p must be a table")
    }))

  it.scoped("wire_api: chat needs --use-chat-completion, other values are refused", () =>
    Effect.gen(function* () {
      const chat = yield* failure(provider("base_url = \"http://h/v1\"\nwire_api = \"chat\""))
      expect(chat.reason).toBe("InvalidValue")
      expect(chat.message).toBe(
        "<path>: model_providers.fake.wire_api = \"chat\" needs the Chat Completions bridge: run with --use-chat-completion or set use_chat_completion = true"
      )
      expect((yield* failure(provider("base_url = \"http://h/v1\"\nwire_api = \"grpc\""))).message).toBe(
        "<path>: model_providers.fake.wire_api must be \"responses\" or \"chat\", got \"grpc\""
      )
    }))

  it.scoped("an explicit --config that does not exist", () =>
    withHome({}, {}, (home) =>
      Effect.gen(function* () {
        const path = NodePath.join(home, "missing.toml")
        const error = yield* Effect.flip(ConfigLoader.load({ configPath: path }))
        expect(error.reason).toBe("Io")
        expect(error.message).toBe(`${path}: config file not found`)
      })
    ))

  it.scoped("a config path that is a folder", () =>
    withHome({ "dir/config.toml/x": "" }, {}, (home) =>
      Effect.gen(function* () {
        const path = NodePath.join(home, "dir", "config.toml")
        const error = yield* Effect.flip(ConfigLoader.load({ configPath: path }))
        expect(error.reason).toBe("Io")
        expect(error.message.startsWith(`${path}: cannot read the file`)).toBe(true)
      })
    ))
})
