/** Tests of RootCommand: parseArgs (root). */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Exit } from "effect"
import { ExitWith } from "../../src/cli/CliError.js"
import { exitCode, route } from "../../src/cli/Main.js"
import { parseArgs } from "../../src/cli/RootCommand.js"

describe("parseArgs (root)", () => {
  it("rejects a flag-like word given before `--`, with the usage line", () => {
    const error = Either.getLeft(parseArgs(["hello", "--bogus"])).pipe((e) => e._tag === "Some" ? e.value : undefined)
    expect(error?.message).toBe("unrecognized arguments: --bogus")
    expect(error?.usage).toMatch(/^usage: tscodex .*--config .*--json.*<prompt>/)
  })

  it("accepts flag-like words after `--`", () => {
    const args = Either.getOrThrow(parseArgs(["--", "--json", "hi"]))
    expect(args.prompt).toEqual(["--json", "hi"])
    expect(args.flags.json).toBe(false)
  })

  it("keeps --config PATH and reads --config/-c key=value as overrides", () => {
    const args = Either.getOrThrow(parseArgs(["--config", "/tmp/x/config.toml", "-c", "model_providers.x.base_url=\"http://h/v1\"", "-c", "n=5", "hi"]))
    expect(args.flags.configPath).toBe("/tmp/x/config.toml")
    expect(args.flags.overrides).toEqual({ "model_providers.x.base_url": "http://h/v1", n: 5 })
    expect(args.prompt).toEqual(["hi"])
  })

  it("maps -m, -s, -a, -C, -i, -o and the bypass switch", () => {
    const args = Either.getOrThrow(parseArgs(["-m", "o3", "-s", "read-only", "-a", "on-request", "-C", "/w", "-i", "a.png,b.png", "-i", "c.jpg", "-o", "out.txt", "hi"]))
    expect(args.flags.overrides).toEqual({ model: "o3", sandbox_mode: "read-only", approval_policy: "on-request" })
    expect(args.flags.cd).toBe("/w")
    expect(args.flags.images).toEqual(["a.png", "b.png", "c.jpg"])
    expect(args.flags.outputLastMessage).toBe("out.txt")
    const bypass = Either.getOrThrow(parseArgs(["-s", "read-only", "--dangerously-bypass-approvals-and-sandbox", "hi"]))
    expect(bypass.flags.overrides).toEqual({ sandbox_mode: "danger-full-access", approval_policy: "never" })
  })

  it("refuses an unknown sandbox mode", () => {
    const error = Either.flip(parseArgs(["-s", "nope", "hi"]))
    expect(Either.getOrThrow(error).message).toBe(
      "argument --sandbox: invalid choice: 'nope' (choose from 'read-only', 'workspace-write', 'danger-full-access')"
    )
  })
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
