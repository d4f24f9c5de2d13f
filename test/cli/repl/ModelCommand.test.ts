/** `/model <name>` checks the name against the model catalog before switching. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Ref } from "effect"
import { BANNER } from "../../../src/cli/repl/Commands.js"
import { closeMatches } from "../../../src/cli/repl/ModelChoice.js"
import * as ModelClient from "../../../src/model/ModelClient.js"
import { assistantMessage } from "../../../src/protocol/Items.js"
import { startRepl } from "./support.js"

const CATALOG = ["gpt-5.5", "gpt-5.4", "gpt-5.3-codex", "gpt-5.1-codex-mini", "gpt-oss-20b"]

describe("/model and the catalog", () => {
  it.scoped("an unknown name is refused with close matches; the same command again switches", () =>
    Effect.gen(function* () {
      const repl = yield* startRepl([ModelClient.items(assistantMessage("done"))], { knownModels: CATALOG })
      yield* repl.type("/model gpt-5.6")
      yield* repl.type("/model gpt-5.4")
      yield* repl.type("/model gtp-55")
      yield* repl.type("/model my-local-model")
      yield* repl.type("/model my-local-model")
      yield* repl.finish()
      expect((yield* repl.terminal.lines).slice(BANNER.length)).toEqual([
        "Error: model gpt-5.6 is not in the catalog; did you mean gpt-5.5, gpt-5.4?",
        "  Type /model gpt-5.6 again to use it anyway.",
        "Switched model to gpt-5.4.",
        "Error: model gtp-55 is not in the catalog; did you mean gpt-5.5?",
        "  Type /model gtp-55 again to use it anyway.",
        "Error: model my-local-model is not in the catalog.",
        "  Type /model my-local-model again to use it anyway.",
        "Switched model to my-local-model."
      ])
      expect(yield* Ref.get(repl.client.model)).toBe("my-local-model")
    }))

  it.scoped("the confirmation must follow at once: another /model in between asks again", () =>
    Effect.gen(function* () {
      const repl = yield* startRepl([ModelClient.items(assistantMessage("done"))], { knownModels: CATALOG })
      yield* repl.type("/model other")
      yield* repl.type("/model gpt-5.5")
      yield* repl.type("/model other")
      yield* repl.finish()
      expect(yield* Ref.get(repl.client.model)).toBe("gpt-5.5")
    }))

  it("close matches: small typos, and catalog names that contain the typed one", () => {
    expect(closeMatches("gpt-5.6", CATALOG)).toEqual(["gpt-5.5", "gpt-5.4"])
    expect(closeMatches("codex-mini", CATALOG)).toEqual(["gpt-5.1-codex-mini"])
    expect(closeMatches("claude", CATALOG)).toEqual([])
  })
})
