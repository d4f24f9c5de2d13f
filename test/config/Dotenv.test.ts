/** Tests of Dotenv: Dotenv.parse. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as NodePath from "node:path"
import * as Dotenv from "../../src/config/Dotenv.js"
import { Environment } from "../../src/config/Environment.js"
import { withHome } from "./support.js"

const valueOf = (text: string, name: string) => new Map(Dotenv.parse(text)).get(name)

describe("Dotenv.parse", () => {
  it("reads quoted, exported and commented values", () => {
    const text = [
      "TEST_KEY=\"loaded-from-dotenv\"",
      "export OTHER_KEY=second-value",
      "PLAIN_KEY=plain-value # inline comment",
      "# a comment line",
      "",
      "no equals sign here",
      "=no-name"
    ].join("\n")
    expect(Dotenv.parse(text)).toEqual([
      ["TEST_KEY", "loaded-from-dotenv"],
      ["OTHER_KEY", "second-value"],
      ["PLAIN_KEY", "plain-value"]
    ])
  })

  it("keeps a hash without a space before it", () => {
    expect(valueOf("D=x#y", "D")).toBe("x#y")
  })

  it("keeps what follows a closing double quote as part of the value", () => {
    expect(valueOf("C=\"abc\" # c", "C")).toBe("abc\" # c")
  })

  it("leaves backslashes alone in single quotes", () => {
    expect(valueOf("B='a\\nb'", "B")).toBe("a\\nb")
  })

  it("interprets escapes in double quotes without mangling other scripts", () => {
    expect(valueOf("E=\"line1\\nline2\\t\\\"q\\\" \\\\ \\x41\\u00e9\"", "E")).toBe("line1\nline2\t\"q\" \\ A\u00e9")
    expect(valueOf("U=\"héllo 日本\"", "U")).toBe("héllo 日本")
    expect(valueOf("K=\"keep \\q as written\"", "K")).toBe("keep \\q as written")
  })

  it("tolerates an unterminated quote and empty values", () => {
    expect(valueOf("Q=\"open value", "Q")).toBe("open value")
    expect(valueOf("S='open", "S")).toBe("open")
    expect(valueOf("EMPTY=", "EMPTY")).toBe("")
    expect(valueOf("ONE=\"", "ONE")).toBe("")
  })

  it("trims keys and values, handles CRLF and export with extra spaces", () => {
    expect(Dotenv.parse("  SPACED  =  value  \r\nexport    X=1\r\n")).toEqual([["SPACED", "value"], ["X", "1"]])
  })

  it("splits at the first equals sign", () => {
    expect(valueOf("URL=http://h/?a=b", "URL")).toBe("http://h/?a=b")
  })
})

describe("Dotenv.load", () => {
  const acceptanceFile = [
    "TEST_KEY=\"loaded-from-dotenv\"",
    "export OTHER_KEY=second-value",
    "PLAIN_KEY=plain-value # inline comment",
    "CODEX_INTERNAL_ORIGINATOR_OVERRIDE=blocked"
  ].join("\n")

  it.scoped("sets the variables of <home>/.env, never CODEX_ ones", () =>
    withHome({ ".env": acceptanceFile }, {}, (home) =>
      Effect.gen(function* () {
        const result = yield* Dotenv.load(home)
        const env = yield* Environment
        expect(env.get("TEST_KEY")).toBe("loaded-from-dotenv")
        expect(env.get("OTHER_KEY")).toBe("second-value")
        expect(env.get("PLAIN_KEY")).toBe("plain-value")
        expect(env.get("CODEX_INTERNAL_ORIGINATOR_OVERRIDE")).toBeUndefined()
        expect(result).toEqual({
          path: NodePath.join(home, ".env"),
          found: true,
          applied: ["TEST_KEY", "OTHER_KEY", "PLAIN_KEY"],
          kept: [],
          ignored: ["CODEX_INTERNAL_ORIGINATOR_OVERRIDE"]
        })
      })
    ))

  it.scoped("lets variables already set in the environment win", () =>
    withHome({ ".env": "API_KEY=from-file\nEMPTY_ONE=filled\nNEW=yes\n" }, { API_KEY: "from-shell", EMPTY_ONE: "" }, (home) =>
      Effect.gen(function* () {
        const result = yield* Dotenv.load(home)
        const env = yield* Environment
        expect(env.get("API_KEY")).toBe("from-shell")
        expect(env.get("EMPTY_ONE")).toBe("filled")
        expect(env.get("NEW")).toBe("yes")
        expect(result.kept).toEqual(["API_KEY"])
      })
    ))

  it.scoped("applies a later duplicate over an earlier one from the same file", () =>
    withHome({ ".env": "DUP=first\nDUP=second\n" }, {}, (home) =>
      Effect.gen(function* () {
        yield* Dotenv.load(home)
        expect((yield* Environment).get("DUP")).toBe("second")
      })
    ))

  it.scoped("reads a home once per environment", () =>
    withHome({ ".env": "ONCE=1\n" }, {}, (home) =>
      Effect.gen(function* () {
        const env = yield* Environment
        yield* Dotenv.load(home)
        yield* env.set("ONCE", "")
        const again = yield* Dotenv.load(home)
        expect(env.get("ONCE")).toBe("")
        expect(again.applied).toEqual(["ONCE"])
      })
    ))

  it.scoped("does nothing without a .env file, or when .env is a folder", () =>
    withHome({ "sub/.env/placeholder": "" }, {}, (home) =>
      Effect.gen(function* () {
        const missing = yield* Dotenv.load(home)
        expect(missing.found).toBe(false)
        const folder = yield* Dotenv.load(NodePath.join(home, "sub"))
        expect(folder).toMatchObject({ found: false, applied: [] })
      })
    ))
})
