/** Task file parsing: valid lines, and every bad line reported with its number. */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import * as TaskSpec from "../../src/batch/TaskSpec.js"

const problems = (text: string): ReadonlyArray<string> =>
  Either.match(TaskSpec.parse("tasks.jsonl", text), { onLeft: (e) => e.problems, onRight: () => [] })

describe("TaskSpec.parse", () => {
  it("reads tasks, skipping blank and # lines", () => {
    const text = [
      "# a comment",
      JSON.stringify({ id: "a", prompt: "one" }),
      "",
      JSON.stringify({ id: "b", prompt: "two", repo: "https://example.com/r.git", ref: "v1", timeout_seconds: 30, config: { model: "m" } }),
      JSON.stringify({ id: "c", prompt: "three", repo: { url: "../r", ref: "main" } })
    ].join("\n")
    const tasks = Either.getOrThrow(TaskSpec.parse("tasks.jsonl", text))
    expect(tasks.map((t) => t.id)).toEqual(["a", "b", "c"])
    expect(tasks.map(TaskSpec.workspaceOf)).toEqual([
      { _tag: "Inherit" },
      { _tag: "Git", url: "https://example.com/r.git", ref: "v1" },
      { _tag: "Git", url: "../r", ref: "main" }
    ])
    expect(TaskSpec.workspaceOf({ id: "d", prompt: "x", cwd: "sub" })).toEqual({ _tag: "Folder", path: "sub" })
    expect(TaskSpec.workspaceOf({ id: "e", prompt: "x", repo: "r" })).toEqual({ _tag: "Git", url: "r", ref: "HEAD" })
  })

  it("reports every bad line with its number and reason", () => {
    const text = [
      JSON.stringify({ id: "a", prompt: "ok" }),
      "{not json",
      JSON.stringify({ id: "b" }),
      JSON.stringify({ id: "../etc", prompt: "x" }),
      JSON.stringify({ id: "a", prompt: "again" }),
      JSON.stringify({ id: "c", prompt: "x", cwd: ".", repo: "r" }),
      JSON.stringify({ id: "d", prompt: "x", ref: "v1" }),
      JSON.stringify({ id: "e", prompt: "x", timeout_seconds: -1 }),
      JSON.stringify({ id: "f", prompt: "x", colour: "blue" }),
      JSON.stringify({ id: "g", prompt: "   " })
    ].join("\n")
    const found = problems(text)
    expect(found).toHaveLength(9)
    expect(found[0]).toMatch(/^line 2: not JSON/)
    expect(found[1]).toMatch(/^line 3: prompt: is missing/)
    expect(found[2]).toMatch(/^line 4: id: ids use letters, digits/)
    expect(found[3]).toBe('line 5: duplicate id "a" (first on line 1)')
    expect(found[4]).toBe("line 6: give either cwd or repo, not both")
    expect(found[5]).toBe("line 7: ref needs a repo")
    expect(found[6]).toMatch(/^line 8: timeout_seconds: Expected a positive number/)
    expect(found[7]).toMatch(/^line 9: colour: is unexpected/)
    expect(found[8]).toBe("line 10: prompt: the prompt is empty")
  })

  it("an empty file has no tasks, and the error names the file", () => {
    const result = TaskSpec.parse("tasks.jsonl", "\n# nothing\n")
    expect(Either.isLeft(result) && result.left.message).toBe("invalid task file tasks.jsonl:\n  no tasks")
  })

  it("the stored form does not depend on key order, nested keys included", () => {
    const a = { id: "a", prompt: "p", config: { x: 1, y: { b: 2, a: 1 } } }
    const b = { config: { y: { a: 1, b: 2 }, x: 1 }, prompt: "p", id: "a" }
    expect(TaskSpec.canonical(a)).toBe(TaskSpec.canonical(b))
    expect(TaskSpec.canonical(a)).toContain('"b":2')
  })
})
