/** Matcher: where sections land, the tolerant comparisons in order, end-of-file anchoring and line endings. */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import * as Matcher from "../../../src/tools/applyPatch/Matcher.js"
import type { Section } from "../../../src/tools/applyPatch/Parser.js"

const section = (oldLines: Array<string>, newLines: Array<string>, extra: Partial<Section> = {}): Section => ({
  header: undefined,
  oldLines,
  newLines,
  endOfFile: false,
  ...extra
})
const apply = (lines: Array<string>, ...sections: Array<Section>) => {
  const result = Matcher.applySections(lines, sections)
  return Either.isRight(result) ? result.right : "no match"
}

describe("apply_patch matcher", () => {
  it("replaces the first exact match at or after the cursor, sections in order", () => {
    expect(apply(["a", "x", "b", "x"], section(["b"], ["B"]), section(["x"], ["X"]))).toEqual(["a", "x", "B", "X"])
  })

  it("falls back to a match before the cursor when sections come out of order", () => {
    expect(apply(["a", "b", "c"], section(["c"], ["C"]), section(["a"], ["A"]))).toEqual(["A", "b", "C"])
  })

  it("ignores trailing whitespace, then surrounding whitespace, then typographic punctuation", () => {
    expect(apply(["foo   ", "bar\t"], section(["foo", "bar"], ["baz"]))).toEqual(["baz"])
    expect(apply(["    foo", "  bar  "], section(["foo", "bar"], ["baz"]))).toEqual(["baz"])
    expect(apply(["say \u201Chi\u201D \u2014 it\u2019s\u00A0ok"], section(["say \"hi\" - it's ok"], ["done"]))).toEqual(["done"])
    expect(apply(["foo"], section(["fo"], ["x"]))).toBe("no match")
  })

  it("prefers a stricter match later in the file over a looser one earlier", () => {
    expect(apply(["  key", "key"], section(["key"], ["KEY"]))).toEqual(["  key", "KEY"])
  })

  it("uses the @@ header text to find the place, and ignores it when the file does not have it", () => {
    const lines = ["def a():", "    return 1", "def b():", "    return 1"]
    expect(apply(lines, section(["    return 1"], ["    return 2"], { header: "def b():" }))).toEqual([
      "def a():", "    return 1", "def b():", "    return 2"
    ])
    expect(apply(lines, section(["    return 1"], ["    return 2"], { header: "@@ -1,2 +1,2 @@" }))).toEqual([
      "def a():", "    return 2", "def b():", "    return 1"
    ])
    // The header line repeated as the first context line still matches.
    expect(apply(["x", "def b():", "    pass"], section(["def b():", "    pass"], ["def b():", "    return"], { header: "def b():" })))
      .toEqual(["x", "def b():", "    return"])
  })

  it("anchors an End of File section to the last lines", () => {
    expect(apply(["x", "y", "x"], section(["x"], ["z"], { endOfFile: true }))).toEqual(["x", "y", "z"])
    expect(apply(["x", "y"], section(["x"], ["z"], { endOfFile: true }))).toBe("no match")
    expect(apply(["a"], section([], ["tail"], { endOfFile: true }))).toEqual(["a", "tail"])
  })

  it("inserts pure additions at the end, or at the cursor once a header or section placed it", () => {
    expect(apply(["a", "b"], section([], ["c"]))).toEqual(["a", "b", "c"])
    expect(apply(["a", "b", "c"], section([], ["after a"], { header: "a" }))).toEqual(["a", "after a", "b", "c"])
    expect(apply(["a", "b", "c"], section(["a"], ["A"]), section([], ["new"]))).toEqual(["A", "new", "b", "c"])
  })

  it("skips empty sections and retries without trailing empty context lines", () => {
    expect(apply(["a"], section([], []), section(["a"], ["b"]))).toEqual(["b"])
    expect(apply(["a", "b"], section(["b", ""], ["c", ""]))).toEqual(["a", "c"])
    expect(apply(["a", "b"], section(["b", "", ""], ["c"]))).toEqual(["a", "c"])
  })

  it("reports the section that did not match", () => {
    const missing = section(["nope"], ["x"])
    expect(Matcher.applySections(["a"], [missing])).toEqual(Either.left({ _tag: "NoMatch", section: missing }))
  })

  it("keeps CRLF line endings, adds a missing final newline, and empties to the empty text", () => {
    expect(Matcher.updateText("a\r\nb\r\n", [section(["b"], ["c"])])).toEqual(Either.right("a\r\nc\r\n"))
    expect(Matcher.updateText("a\nb", [section(["b"], ["c"])])).toEqual(Either.right("a\nc\n"))
    expect(Matcher.updateText("only\n", [section(["only"], [])])).toEqual(Either.right(""))
    expect(Matcher.updateText("", [section([], ["first"])])).toEqual(Either.right("first\n"))
    expect(Matcher.updateText("a\rb\n", [section(["a\rb"], ["c"])])).toEqual(Either.right("c\n"))
  })

  it("keeps a byte order mark when the first line is replaced", () => {
    expect(Matcher.updateText("\uFEFFfirst\nsecond\n", [section(["first"], ["1st"])])).toEqual(Either.right("\uFEFF1st\nsecond\n"))
  })

  it("matches and keeps Unicode text", () => {
    expect(Matcher.updateText("héllo\n日本語\n🙂\n", [section(["日本語"], ["中文"])])).toEqual(Either.right("héllo\n中文\n🙂\n"))
  })
})
