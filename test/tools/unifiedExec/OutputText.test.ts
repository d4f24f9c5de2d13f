/** OutputText: truncation, counts, command display and the result text. */
import { describe, expect, it } from "@effect/vitest"
import * as OutputText from "../../../src/tools/unifiedExec/OutputText.js"

const seq = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${from + i}\n`).join("")

describe("truncateMiddle", () => {
  it("leaves text within the budget unchanged", () => {
    expect(OutputText.truncateMiddle("hello\n", 2)).toBe("hello\n")
    expect(OutputText.truncateMiddle("", 0)).toBe("")
  })

  it("cuts `seq 1 3000` to 40 bytes on each side of the marker", () => {
    const text = seq(1, 3000)
    expect(new TextEncoder().encode(text).length).toBe(13893)
    expect(OutputText.approxTokenCount(text)).toBe(3474)
    const out = OutputText.truncateMiddle(text, 20)
    const prefix = seq(1, 15) + "16\n1"
    const suffix = seq(2993, 3000)
    expect(prefix.length).toBe(40)
    expect(suffix.length).toBe(40)
    expect(out).toBe(`Total output lines: 3000\n\n${prefix}\u20263454 tokens truncated\u2026${suffix}`)
  })

  it("keeps the head and tail of one long line", () => {
    const text = "HEAD" + "A".repeat(25_000) + "B".repeat(25_000) + "TAIL\n"
    const out = OutputText.truncateMiddle(text, OutputText.DEFAULT_MAX_OUTPUT_TOKENS)
    expect(out.startsWith("Total output lines: 1\n\nHEAD")).toBe(true)
    expect(out).toContain("tokens truncated")
    expect(out.endsWith("TAIL\n")).toBe(true)
  })

  it("gives only the marker for a zero budget", () => {
    expect(OutputText.truncateMiddle("abcdefgh", 0)).toBe("Total output lines: 1\n\n\u20262 tokens truncated\u2026")
  })

  it("never splits a character", () => {
    // 10 three-byte characters (30 bytes), budget 2 tokens = 8 bytes: 4 bytes each side hold one character.
    const out = OutputText.truncateMiddle("\u20ac".repeat(10), 2)
    expect(out).toBe("Total output lines: 1\n\n\u20ac\u20266 tokens truncated\u2026\u20ac")
  })
})

describe("counts", () => {
  it("counts lines the way a line splitter does", () => {
    expect(OutputText.countLines("")).toBe(0)
    expect(OutputText.countLines("a")).toBe(1)
    expect(OutputText.countLines("a\n")).toBe(1)
    expect(OutputText.countLines("a\r\nb\rc\u2028d")).toBe(4)
    expect(OutputText.countLines("\n\n")).toBe(2)
  })

  it("estimates tokens from UTF-8 bytes", () => {
    expect(OutputText.approxTokenCount("")).toBe(0)
    expect(OutputText.approxTokenCount("a")).toBe(1)
    expect(OutputText.approxTokenCount("hello\n")).toBe(2)
    expect(OutputText.approxTokenCount("\u{1F600}\u{1F600}")).toBe(2)
    expect(OutputText.utf8Length("\u00e9\u20ac\u{1F600}")).toBe(9)
  })

  it("holds back an unfinished UTF-8 sequence", () => {
    const euro = new TextEncoder().encode("a\u20ac")
    const [done, rest] = OutputText.splitIncompleteUtf8(euro.subarray(0, 3))
    expect([...done]).toEqual([0x61])
    expect(rest.length).toBe(2)
    const [whole, none] = OutputText.splitIncompleteUtf8(euro)
    expect(whole.length).toBe(4)
    expect(none.length).toBe(0)
  })
})

describe("command display and result text", () => {
  it("quotes argv like a POSIX shell", () => {
    expect(OutputText.shellJoin(["/bin/bash", "-lc", "echo hello"])).toBe("/bin/bash -lc 'echo hello'")
    expect(OutputText.shellJoin(["/bin/bash", "-lc", "cat"])).toBe("/bin/bash -lc cat")
    expect(OutputText.shellJoin(["sh", "-c", "echo 'hi'", ""])).toBe(`sh -c 'echo '"'"'hi'"'"'' ''`)
  })

  it("formats a finished and a running snapshot", () => {
    const base = { command: "/bin/bash -lc 'echo hello'", chunkId: "65086a", originalTokenCount: 2, output: "hello\n" }
    expect(OutputText.formatSnapshot({ ...base, wallTimeMillis: 2.4, state: { _tag: "Exited", exitCode: 0 } })).toBe(
      "Command: /bin/bash -lc 'echo hello'\nChunk ID: 65086a\nWall time: 0.0024 seconds\nProcess exited with code 0\nOriginal token count: 2\nOutput:\nhello\n"
    )
    expect(
      OutputText.formatSnapshot({ ...base, output: "", originalTokenCount: 0, wallTimeMillis: 250, state: { _tag: "Running", sessionId: 1000 } })
    ).toBe("Command: /bin/bash -lc 'echo hello'\nChunk ID: 65086a\nWall time: 0.2500 seconds\nProcess running with session ID 1000\nOriginal token count: 0\nOutput:\n")
  })
})
