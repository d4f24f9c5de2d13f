/** Parser: the accepted patch forms, the lenient ones, and the exact error texts. */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import * as Parser from "../../../src/tools/applyPatch/Parser.js"
import * as PatchError from "../../../src/tools/applyPatch/PatchError.js"

const ok = (text: string) => {
  const result = Parser.parse(text)
  if (Either.isLeft(result)) throw new Error(`expected a parse, got: ${result.left.message}`)
  return result.right
}
const error = (text: string) => {
  const result = Parser.parse(text)
  if (Either.isRight(result)) throw new Error(`expected an error, got ${JSON.stringify(result.right)}`)
  return result.left.message
}
const patch = (...lines: Array<string>) => ["*** Begin Patch", ...lines, "*** End Patch", ""].join("\n")

describe("apply_patch parser", () => {
  it("parses add, delete and update with a move, in order", () => {
    expect(ok(patch(
      "*** Add File: a/new.txt",
      "+one",
      "+",
      "+three",
      "*** Delete File: old.txt",
      "*** Update File: src.py",
      "*** Move to: dst.py",
      "@@ def f():",
      " keep",
      "-    pass",
      "+    return 1",
      "@@",
      "-x",
      "+y",
      "*** End of File"
    ))).toEqual([
      { _tag: "Add", path: "a/new.txt", content: "one\n\nthree\n" },
      { _tag: "Delete", path: "old.txt" },
      {
        _tag: "Update",
        path: "src.py",
        moveTo: "dst.py",
        sections: [
          { header: "def f():", oldLines: ["keep", "    pass"], newLines: ["keep", "    return 1"], endOfFile: false },
          { header: undefined, oldLines: ["x"], newLines: ["y"], endOfFile: true }
        ]
      }
    ])
  })

  it("accepts CRLF patches, surrounding whitespace, padded markers and no final newline", () => {
    const crlf = "*** Begin Patch\r\n*** Add File: a.txt\r\n+hi\r\n*** End Patch\r\n"
    expect(ok(crlf)).toEqual([{ _tag: "Add", path: "a.txt", content: "hi\n" }])
    expect(ok("\n\n  *** Begin Patch  \n  *** Add File: a.txt  \n+hi\n*** End Patch  ")).toEqual([
      { _tag: "Add", path: "a.txt", content: "hi\n" }
    ])
    expect(ok("*** Begin Patch\n*** Delete File: a.txt\n   *** End Patch\n\n\n")).toEqual([{ _tag: "Delete", path: "a.txt" }])
  })

  it("unwraps a patch sent inside a heredoc", () => {
    for (const opener of ["<<EOF", "<<'EOF'", "<<\"EOF\""]) {
      expect(ok(`${opener}\n*** Begin Patch\n*** Delete File: a.txt\n*** End Patch\nEOF\n`)).toEqual([
        { _tag: "Delete", path: "a.txt" }
      ])
    }
  })

  it("accepts a first section without @@, empty lines as empty context, and blank lines between sections", () => {
    expect(ok(patch("*** Update File: f.py", " import foo", "", "+bar", "", "@@ class A", "-x", "+y"))).toEqual([{
      _tag: "Update",
      path: "f.py",
      moveTo: undefined,
      sections: [
        { header: undefined, oldLines: ["import foo", "", ""], newLines: ["import foo", "", "bar", ""], endOfFile: false },
        { header: "class A", oldLines: ["x"], newLines: ["y"], endOfFile: false }
      ]
    }])
    expect(ok(patch("*** Update File: f.py", "", "@@", "-x", "+y"))[0]).toMatchObject({
      sections: [{ oldLines: ["x"], newLines: ["y"] }]
    })
  })

  it("keeps a context line that looks like a marker when it carries its leading space", () => {
    expect(ok(patch("*** Update File: doc.md", "@@", " *** End Patch", "-old", "+new"))[0]).toMatchObject({
      sections: [{ oldLines: ["*** End Patch", "old"], newLines: ["*** End Patch", "new"] }]
    })
  })

  it("accepts a pure move and an empty added file", () => {
    expect(ok(patch("*** Update File: a.txt", "*** Move to: b.txt"))).toEqual([
      { _tag: "Update", path: "a.txt", moveTo: "b.txt", sections: [] }
    ])
    expect(ok(patch("*** Add File: empty.txt"))).toEqual([{ _tag: "Add", path: "empty.txt", content: "" }])
  })

  it("reports the exact texts for malformed patches", () => {
    expect(error("")).toBe("patch rejected: empty patch")
    expect(error("  \n\n")).toBe("patch rejected: empty patch")
    expect(error("*** Begin Patch\n*** End Patch\n")).toBe("patch rejected: empty patch")
    expect(error("<<EOF\n\n\nEOF\n")).toBe("patch rejected: empty patch")
    expect(error("hello\n*** End Patch")).toBe("apply_patch verification failed: missing '*** Begin Patch' header")
    expect(error("*** Begin Patch\n*** Add File: a\n+x\n")).toBe(
      "apply_patch verification failed: missing '*** End Patch' footer"
    )
    expect(error("*** Begin Patch\n*** Add File: a\n+x\n*** End Patch\nmore\n")).toBe(
      "apply_patch verification failed: unexpected content after '*** End Patch'"
    )
    expect(error(patch("*** Add File: a", "oops"))).toBe("apply_patch verification failed: 'oops' is not a valid add line")
    expect(error(patch("*** Add File: a", "+x", ""))).toBe("apply_patch verification failed: '' is not a valid add line")
    expect(error(patch("*** Update File: a"))).toBe("apply_patch verification failed: update for a is missing a hunk")
    expect(error(patch("*** Update File: a", "*** End of File"))).toBe(
      "apply_patch verification failed: '*** End of File' must follow a hunk"
    )
    expect(error(patch("*** Update File: a", "garbage"))).toBe(
      "apply_patch verification failed: 'garbage' is not a valid hunk header"
    )
    expect(error(patch("*** Update File: a", "@@", "-x", "garbage"))).toBe(
      "apply_patch verification failed: 'garbage' is not a valid change line"
    )
    expect(error(patch("*** Update File: a", "@@", "-x", "*** End of File", "+y"))).toBe(
      "apply_patch verification failed: '+y' is not a valid hunk header"
    )
    expect(error(patch("*** Frobnicate File: a"))).toBe(
      "apply_patch verification failed: '*** Frobnicate File: a' is not a valid hunk header"
    )
    expect(error(patch("", "*** Delete File: a"))).toBe("apply_patch verification failed: '' is not a valid hunk header")
  })

  it("quotes lines the way the messages show them", () => {
    expect(PatchError.quote("it's")).toBe("\"it's\"")
    expect(PatchError.quote("say \"it's\"")).toBe("'say \"it\\'s\"'")
    expect(PatchError.quote("a\\b\tc\u0001")).toBe("'a\\\\b\\tc\\x01'")
    expect(PatchError.quote("héllo ✓")).toBe("'héllo ✓'")
  })

  it("splits lines at every common line ending", () => {
    expect(Parser.splitLines("a\r\nb\nc\rd\n")).toEqual(["a", "b", "c", "d"])
    expect(Parser.splitLines("")).toEqual([])
    expect(Parser.splitLines("a\n\n")).toEqual(["a", ""])
  })
})
