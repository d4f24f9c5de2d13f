/** Tests of KnownValues: enumerated keys. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Logger, Ref } from "effect"
import * as NodePath from "node:path"
import * as ConfigLoader from "../../src/config/ConfigLoader.js"
import * as CliLogger from "../../src/cli/CliLogger.js"
import { withHome } from "./support.js"

/** Loads `toml` and returns the config and every warning logged, the file shown as `<path>`. */
const load = (toml: string) =>
  Effect.gen(function* () {
    const warnings = yield* Ref.make<ReadonlyArray<string>>([])
    const logger = Logger.make(({ message }) => {
      const text = (Array.isArray(message) ? message : [message]).map(String).join(" ")
      Effect.runSync(Ref.update(warnings, (all) => [...all, text]))
    })
    const config = yield* withHome({ "config.toml": toml }, {}, (home) =>
      ConfigLoader.load({ configPath: NodePath.join(home, "config.toml") }).pipe(
        Effect.map((config) => ({ config, path: NodePath.join(home, "config.toml") }))
      )
    ).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
    return { config: config.config, warnings: (yield* Ref.get(warnings)).map((w) => w.replace(config.path, "<path>")) }
  })

describe("enumerated keys", () => {
  it.scoped("an unknown value is one warning naming file, key and the accepted values, and is ignored", () =>
    Effect.gen(function* () {
      const { config, warnings } = yield* load(
        "model = \"m\"\napproval_policy = \"sometimes\"\nsandbox_mode = \"wide-open\"\nmodel_reasoning_effort = \"ultra\"\n"
      )
      expect(warnings).toEqual([
        "<path>: approval_policy \"sometimes\" is not one of untrusted, unless-trusted, on-failure, on-request, never, on-request-rule-request-permission; it is ignored",
        "<path>: sandbox_mode \"wide-open\" is not one of read-only, workspace-write, danger-full-access; it is ignored",
        "<path>: model_reasoning_effort \"ultra\" is not one of none, minimal, low, medium, high, xhigh; it is ignored"
      ])
      expect(config.approvalPolicy).toBeUndefined()
      expect(config.sandboxMode).toBeUndefined()
      expect(config.reasoningEffort).toBeUndefined()
    }))

  it.scoped("known values, Codex spellings and `_` for `-` pass without a word", () =>
    Effect.gen(function* () {
      const { config, warnings } = yield* load(
        "model = \"m\"\napproval_policy = \"untrusted\"\nsandbox_mode = \"workspace_write\"\nmodel_reasoning_effort = \"xhigh\"\n"
      )
      expect(warnings).toEqual([])
      expect(config.approvalPolicy).toBe("untrusted")
      expect(config.sandboxMode).toBe("workspace_write")
      expect(config.reasoningEffort).toBe("xhigh")
    }))
})

describe("the command line's logger", () => {
  it.effect("writes each warning once as `[warning] …`", () =>
    Effect.gen(function* () {
      const lines: Array<string> = []
      const logger = CliLogger.make((line) => lines.push(line))
      const program = Effect.gen(function* () {
        yield* Effect.logWarning("config.toml: approval_policy \"x\" is not one of never; it is ignored")
        yield* Effect.logWarning("config.toml: approval_policy \"x\" is not one of never; it is ignored")
        yield* Effect.logError("boom")
      })
      yield* program.pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
      expect(lines).toEqual([
        "[warning] config.toml: approval_policy \"x\" is not one of never; it is ignored",
        "[error] boom"
      ])
    }))
})
