/** Tests of Fixtures: recorded config.toml files. */
import { describe, expect, it } from "@effect/vitest"
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect } from "effect"
import * as NodePath from "node:path"
import * as ConfigLoader from "../../src/config/ConfigLoader.js"
import { withHome } from "./support.js"

/** The recorded runs' config.toml files, copied into the repository. */
const FIXTURES = NodePath.join(import.meta.dirname, "..", "fixtures", "recorded-config")

/** Copies a recorded config.toml into a temp home (so no .env of the recording folder is read) and loads it. */
const loadFixture = (relative: string, options: Omit<ConfigLoader.LoadOptions, "configPath"> = {}) =>
  withHome({}, {}, (home) =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const text = yield* fs.readFileString(NodePath.join(FIXTURES, relative, "config.toml"))
      yield* fs.writeFileString(NodePath.join(home, "config.toml"), text)
      return yield* ConfigLoader.load({ ...options, configPath: NodePath.join(home, "config.toml") }).pipe(Effect.either)
    })
  )

describe("recorded config.toml files", () => {
  it.scoped("a Codex run's config", () =>
    Effect.gen(function* () {
      const result = yield* loadFixture("codex-0.169.0/message-only")
      expect(result._tag).toBe("Right")
      if (result._tag !== "Right") return
      expect(result.right).toMatchObject({
        model: "gpt-5.5",
        approvalPolicy: "never",
        sandboxMode: "danger-full-access",
        provider: { id: "fake", name: "Fake Responses", baseUrl: "http://127.0.0.1:18180/v1", envKey: "FAKE_OPENAI_API_KEY", wireApi: "responses" }
      })
      expect(result.right.raw["check_for_update_on_startup"]).toBe(false)
    }))

  it.scoped("retry knobs", () =>
    Effect.gen(function* () {
      const result = yield* loadFixture("codex-0.169.0/errors/http-500-retry-knobs")
      expect(result._tag === "Right" && result.right.provider).toMatchObject({ requestMaxRetries: 1, streamMaxRetries: 2 })
    }))

  it.scoped("auto-compact limit", () =>
    Effect.gen(function* () {
      const result = yield* loadFixture("codex-0.169.0/auto-compact")
      expect(result._tag === "Right" && result.right.modelAutoCompactTokenLimit).toBe(20000)
    }))

  it.scoped("wire_api = chat is refused without the bridge, accepted with it", () =>
    Effect.gen(function* () {
      const refused = yield* loadFixture("codex-0.169.0/wire-api-chat")
      expect(refused._tag === "Left" && refused.left.message).toContain("--use-chat-completion")
      const bridged = yield* loadFixture("codex-0.169.0/wire-api-chat", { overrides: { use_chat_completion: true } })
      expect(bridged._tag === "Right" && bridged.right.provider.wireApi).toBe("chat")
    }))

  it.scoped("a pycodex run's config", () =>
    Effect.gen(function* () {
      const result = yield* loadFixture("pycodex-0.1.12/errors/http-429")
      expect(result._tag === "Right" && result.right.provider.baseUrl).toBe("http://127.0.0.1:18181/v1")
    }))
})
