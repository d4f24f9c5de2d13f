import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { ExitWith } from "../../src/cli/CliError.js"
import { exitCode, route } from "../../src/cli/Main.js"
import { rejectUnknownFlags } from "../../src/cli/RootCommand.js"

describe("rejectUnknownFlags", () => {
  it.effect("rejects a flag-like word given before `--`", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(rejectUnknownFlags(["hello", "--bogus"], ["node", "tscodex", "hello", "--bogus"]))
      expect(error.message).toBe("unrecognized arguments: --bogus")
    }))

  it.effect("accepts flag-like words after `--`", () =>
    rejectUnknownFlags(["--json", "hi"], ["node", "tscodex", "--", "--json", "hi"]))
})

describe("route", () => {
  const seen: Array<string> = []
  const root = (argv: ReadonlyArray<string>) => Effect.sync(() => void seen.push(`root ${argv.slice(2).join(" ")}`))
  const doctor = (argv: ReadonlyArray<string>) => Effect.sync(() => void seen.push(`doctor ${argv.slice(2).join(" ")}`))

  it.effect("routes on the first argument only", () =>
    Effect.gen(function* () {
      const subs = new Map([["doctor", doctor]])
      yield* route(["node", "tscodex", "doctor", "--skip-live"], root, subs)
      yield* route(["node", "tscodex", "fix", "the", "doctor"], root, subs)
      yield* route(["node", "tscodex", "--json", "doctor"], root, subs)
      expect(seen).toEqual(["doctor --skip-live", "root fix the doctor", "root --json doctor"])
    }))
})

describe("exitCode", () => {
  it("maps outcomes to exit statuses", () => {
    expect(exitCode(Exit.void)).toBe(0)
    expect(exitCode(Exit.fail(new ExitWith({ code: 2 })))).toBe(2)
    expect(exitCode(Exit.interrupt(undefined as never))).toBe(130)
    expect(exitCode(Exit.die(new Error("bug")))).toBe(1)
  })
})
