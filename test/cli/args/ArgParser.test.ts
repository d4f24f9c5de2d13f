/** Tests of ArgParser: ArgParser.parse. */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import * as ArgParser from "../../../src/cli/args/ArgParser.js"
import type { CommandSpec } from "../../../src/cli/args/ArgParser.js"

const spec: CommandSpec = {
  path: "t",
  about: "test",
  positionals: [{ name: "PROMPT", help: "p" }],
  options: [
    { long: "model", short: "m", value: "MODEL", help: "m" },
    { long: "config", short: "c", value: "key=value", repeat: true, help: "c" },
    { long: "json", help: "j" },
    { long: "jobs", value: "N", help: "n" },
    { long: "color", value: "C", choices: ["always", "never"], help: "c" }
  ],
  prefixes: true
}
const ok = (words: ReadonlyArray<string>) => Either.getOrThrow(ArgParser.parse(spec, words))
const fail = (words: ReadonlyArray<string>) => Either.getOrThrow(Either.flip(ArgParser.parse(spec, words)))

describe("ArgParser.parse", () => {
  it("reads long, short, attached and `=` forms, interleaved with words", () => {
    const parsed = ok(["say", "-m", "a", "hi", "--config=x=1", "-cy=2", "--json", "-", "-m=b"])
    expect(parsed.positionals).toEqual(["say", "hi", "-"])
    expect(ArgParser.one(parsed, "model")).toBe("b")
    expect(ArgParser.all(parsed, "config")).toEqual(["x=1", "y=2"])
    expect(ArgParser.has(parsed, "json")).toBe(true)
    expect(parsed.help).toBe(false)
  })

  it("stops reading options at `--` and notes where", () => {
    const parsed = ok(["a", "--", "--json", "-m"])
    expect(parsed.positionals).toEqual(["a", "--json", "-m"])
    expect(parsed.dashDashAt).toBe(1)
    expect(ArgParser.has(parsed, "json")).toBe(false)
  })

  it("accepts unique prefixes and refuses ambiguous ones", () => {
    expect(ArgParser.one(ok(["--mod", "x"]), "model")).toBe("x")
    expect(fail(["--j"]).message).toBe("ambiguous option: --j could match --json, --jobs")
  })

  it("reports unknown options together, a missing value, a bad choice and a value given to a switch", () => {
    expect(fail(["--bogus", "hi", "-z"]).message).toBe("unrecognized arguments: --bogus -z")
    expect(fail(["hi", "--model"]).message).toBe("argument --model: expected one argument")
    expect(fail(["-m", "--json"]).message).toBe("argument -m: expected one argument")
    expect(fail(["--color", "blue"]).message).toBe("argument --color: invalid choice: 'blue' (choose from 'always', 'never')")
    expect(fail(["--json=yes"]).message).toBe("argument --json: ignored explicit argument 'yes'")
  })

  it("notes -h and --help", () => {
    expect(ok(["-h"]).help).toBe(true)
    expect(ok(["x", "--help"]).help).toBe(true)
  })
})
