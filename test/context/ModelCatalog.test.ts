/** Tests of ModelCatalog: ModelCatalog (shipped prompts/models.json). */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as ModelCatalog from "../../src/context/ModelCatalog.js"
import * as Prompts from "../../src/context/Prompts.js"
import { tempDir, writeTree } from "./support.js"

const shipped = Effect.gen(function* () {
  const prompts = yield* Prompts.make()
  return yield* ModelCatalog.load(prompts)
}).pipe(Effect.provide(NodeContext.layer))

const instructions = (catalog: ModelCatalog.ModelCatalog, slug: string, personality?: string) =>
  Option.flatMap(catalog.lookup(slug), (info) => ModelCatalog.instructionsFor(info, personality)).pipe(Option.getOrThrow)

describe("ModelCatalog (shipped prompts/models.json)", () => {
  it.effect("gpt-5.4 with the pragmatic personality", () =>
    Effect.gen(function* () {
      const text = instructions(yield* shipped, "gpt-5.4", "pragmatic")
      expect(text.startsWith("You are Codex, a coding agent based on GPT-5.")).toBe(true)
      expect(text).toContain("You are a deeply pragmatic, effective software engineer.")
      expect(text).toContain("Always use apply_patch for manual code edits.")
      expect(text).not.toContain("{{")
    }))

  it.effect("Step models name their own family and never GPT-5", () =>
    Effect.gen(function* () {
      const catalog = yield* shipped
      for (const slug of ["step-3.5-flash", "step-3.5-flash-2603", "step-3.6"]) {
        const text = instructions(catalog, slug, "pragmatic")
        expect(text.startsWith("You are Codex, a coding agent based on Step-")).toBe(true)
        expect(text).not.toContain("GPT-5")
        expect(text).toContain("You are a deeply pragmatic, effective software engineer.")
        expect(text).toContain("Always use apply_patch for manual code edits.")
      }
    }))

  it.effect("personality names select texts; `none` leaves the slot empty", () =>
    Effect.gen(function* () {
      const catalog = yield* shipped
      const pragmatic = "You are a deeply pragmatic, effective software engineer."
      expect(instructions(catalog, "gpt-5.5", " PRAGMATIC ")).toContain(pragmatic)
      expect(instructions(catalog, "gpt-5.5")).not.toContain(pragmatic)
      expect(instructions(catalog, "gpt-5.5", "friendly")).not.toContain(pragmatic)
      expect(instructions(catalog, "gpt-5.5", "none")).not.toContain(pragmatic)
      expect(instructions(catalog, "gpt-5.5", "none").length).toBeLessThan(instructions(catalog, "gpt-5.5").length)
    }))

  it.effect("knows the windows of every named model; unknown models have no entry", () =>
    Effect.gen(function* () {
      const catalog = yield* shipped
      const slugs = [
        "gpt-5.3-codex", "gpt-5.4", "step-3.5-flash", "step-3.5-flash-2603", "gpt-5.2-codex", "gpt-5.1-codex-max",
        "gpt-5.1-codex", "gpt-5.2", "gpt-5.1", "gpt-5-codex", "gpt-5", "gpt-5.1-codex-mini", "gpt-5-codex-mini",
        "step-3.6", "gpt-5.5"
      ]
      for (const slug of slugs) expect(Option.getOrThrow(catalog.lookup(slug)).contextWindow).toBe(272000)
      expect(Option.getOrThrow(catalog.lookup("gpt-oss-20b")).contextWindow).toBe(128000)
      expect(Option.getOrThrow(catalog.lookup("gpt-oss-120b")).contextWindow).toBe(128000)
      expect(Option.isNone(catalog.lookup("demo-model"))).toBe(true)
      expect(Option.isNone(catalog.lookup(undefined))).toBe(true)
      // entries without a template fall back to the default instructions (no catalog text)
      expect(Option.isNone(ModelCatalog.instructionsFor(Option.getOrThrow(catalog.lookup("gpt-5.1")), undefined))).toBe(true)
    }))
})

describe("ModelCatalog (other catalogs)", () => {
  it.scoped("reads upstream-style entries: inline templates, personalities, lenient numbers, last slug wins", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const catalogFile = {
        models: [
          { display_name: "no slug" },
          { slug: 42 },
          { slug: "dup", context_window: 1 },
          { slug: "dup", context_window: "2000", effective_context_window_percent: 50, auto_compact_token_limit: 7.9 },
          {
            slug: "inline",
            model_messages: {
              instructions_template: "Hello.\n{{ personality }}\n{{personality}} {{ unknown }}",
              instructions_variables: { personality_pragmatic: "P", personality_default: "D" }
            }
          },
          { slug: "plain", base_instructions: "fixed text", model_messages: null },
          { slug: "odd-vars", model_messages: { instructions_template: "[{{ personality }}]", instructions_variables: "x" } }
        ]
      }
      yield* writeTree(dir, {
        "models.json": JSON.stringify(catalogFile),
        "agent_guidelines.md": "G",
        "personality/default.md": "d",
        "personality/friendly.md": "f",
        "personality/pragmatic.md": "p"
      })
      const catalog = yield* ModelCatalog.load(yield* Prompts.make(dir))
      const dup = Option.getOrThrow(catalog.lookup("dup"))
      expect([dup.contextWindow, dup.effectiveContextWindowPercent, dup.autoCompactTokenLimit]).toEqual([2000, 50, 7])
      expect(instructions(catalog, "inline", "pragmatic")).toBe("Hello.\nP\nP {{ unknown }}")
      expect(instructions(catalog, "inline", "friendly")).toBe("Hello.\n\n {{ unknown }}")
      expect(instructions(catalog, "inline")).toBe("Hello.\nD\nD {{ unknown }}")
      expect(instructions(catalog, "plain")).toBe("fixed text")
      expect(instructions(catalog, "odd-vars", "pragmatic")).toBe("[]")
      expect(Option.isNone(catalog.lookup("42"))).toBe(true)
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("a catalog that is not JSON is a clear error", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      yield* writeTree(dir, { "models.json": "{ not json" })
      const error = yield* Effect.flip(Effect.flatMap(Prompts.make(dir), ModelCatalog.load))
      expect(error._tag).toBe("ContextError")
      expect(error.message).toContain("models.json is not a valid model catalog")
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("a missing prompt file names its path", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      yield* writeTree(dir, { "models.json": "{\"models\": []}" })
      const error = yield* Effect.flip(Effect.flatMap(Prompts.make(dir), (p) => p.text("nope.md")))
      expect(error.message).toContain(`cannot read prompt file ${dir}/nope.md`)
    }).pipe(Effect.provide(NodeContext.layer)))
})

describe("Prompts", () => {
  it.effect("finds the package's prompts/ folder from the sources, from a bundle in dist/ and from the library build in dist/lib/", () =>
    Effect.gen(function* () {
      const prompts = yield* Prompts.make()
      expect(prompts.dir.endsWith("/prompts")).toBe(true)
      expect(yield* Prompts.compactPrompt()).toContain("CONTEXT CHECKPOINT COMPACTION")
      const prefix = yield* Prompts.summaryPrefix()
      expect(prefix).not.toContain("\n")
      expect(prefix.length).toBeGreaterThan(0)
      const [fromSources, fromBundle] = Prompts.candidateDirs("file:///pkg/dist/tscodex.js")
      expect(fromBundle).toBe("/pkg/prompts")
      expect(fromSources).toBe("/prompts")
      expect(Prompts.candidateDirs("file:///pkg/src/context/Prompts.ts")[0]).toBe("/pkg/prompts")
      expect(Prompts.candidateDirs("file:///pkg/dist/lib/context/Prompts.js")).toContain("/pkg/prompts")
    }).pipe(Effect.provide(NodeContext.layer)))
})
