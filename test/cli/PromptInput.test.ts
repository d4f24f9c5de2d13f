/** Tests of PromptInput: resolvePrompt. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { CliError } from "../../src/cli/CliError.js"
import { isInteractive, PROMPT_REQUIRED, resolvePrompt, type Stdin } from "../../src/cli/PromptInput.js"

const stdin = (isTTY: boolean, text = ""): Stdin => ({ isTTY, readAll: Effect.succeed(text) })

describe("resolvePrompt", () => {
  it.effect("joins argv words", () =>
    Effect.gen(function* () {
      expect(yield* resolvePrompt(["hello", "world"], stdin(true))).toBe("hello world")
    }))

  it.effect("reads a piped stdin, stripped", () =>
    Effect.gen(function* () {
      expect(yield* resolvePrompt([], stdin(false, "  hello from stdin  \n"))).toBe("hello from stdin")
    }))

  it.effect("requires a prompt on a terminal or from an empty pipe", () =>
    Effect.gen(function* () {
      const onTty = yield* Effect.flip(resolvePrompt([], stdin(true)))
      expect(onTty).toEqual(new CliError({ message: PROMPT_REQUIRED }))
      expect(onTty.message).toContain("prompt is required")
      const empty = yield* Effect.flip(resolvePrompt([], stdin(false, "  \n")))
      expect(empty.message).toBe(PROMPT_REQUIRED)
    }))
})

describe("isInteractive", () => {
  it("is true only without prompt words on a terminal", () => {
    expect(isInteractive([], true)).toBe(true)
    expect(isInteractive(["hello"], true)).toBe(false)
    expect(isInteractive([], false)).toBe(false)
  })
})
