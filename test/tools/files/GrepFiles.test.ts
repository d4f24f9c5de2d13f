/** grep_files with ripgrep and with the built-in search: the same answers on the same trees. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { execFileSync } from "node:child_process"
import * as NodePath from "node:path"
import { toolCall } from "../../../src/protocol/Items.js"
import { serializeToolSpec } from "../../../src/protocol/Prompt.js"
import * as GrepFiles from "../../../src/tools/GrepFiles.js"
import type * as Tool from "../../../src/tools/Tool.js"
import * as ToolRegistry from "../../../src/tools/ToolRegistry.js"

const context: Tool.ToolContext = { turnId: "turn-1", history: [], collaborationMode: "default" }

const ripgrepVersion = (() => {
  try {
    return execFileSync("rg", ["--version"], { encoding: "utf8" }).split("\n")[0]
  } catch {
    return undefined
  }
})()

/** A tree exercising what ripgrep skips by default, with modification times one minute apart. */
const buildTree = (fs: FileSystem.FileSystem, dir: string) =>
  Effect.gen(function*() {
    const files: Array<[string, string | Uint8Array]> = [
      ["match.py", "hello world\n"],
      ["skip.py", "goodbye\n"],
      ["src/deep/one.ts", "const x = 'Hello'\nhello()\n"],
      ["src/two.txt", "say hello\n"],
      [".hidden.py", "hello\n"],
      [".cache/inside.py", "hello\n"],
      ["build/out.py", "hello\n"],
      ["notes/ignored.log", "hello\n"],
      ["notes/kept.log", "hello\n"],
      ["local/.ignore", "secret.txt\n"],
      ["local/secret.txt", "hello\n"],
      ["local/public.txt", "hello\n"],
      ["binary.dat", new Uint8Array([0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x00, 0x01])],
      ["crlf.txt", "hello\r\n"],
      [".gitignore", "build/\n*.log\n!kept.log\n"]
    ]
    yield* fs.makeDirectory(NodePath.join(dir, ".git"))
    let minute = 0
    for (const [relative, content] of files) {
      const path = NodePath.join(dir, relative)
      yield* fs.makeDirectory(NodePath.dirname(path), { recursive: true })
      if (typeof content === "string") yield* fs.writeFileString(path, content)
      else yield* fs.writeFile(path, content)
      const when = new Date(Date.UTC(2024, 0, 1, 0, minute++))
      yield* fs.utimes(path, when, when)
    }
    yield* fs.symlink(NodePath.join(dir, "match.py"), NodePath.join(dir, "link.py"))
    // Folders get distinct times too: the walk visits the newest entries of each folder first.
    for (const folder of ["src/deep", "src", "notes", "local", "build", ".cache"]) {
      const when = new Date(Date.UTC(2024, 0, 1, 0, minute++))
      yield* fs.utimes(NodePath.join(dir, folder), when, when)
    }
  })

const setup = (ripgrep: string | false) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const dir = yield* fs.realPath(yield* fs.makeTempDirectoryScoped({ prefix: "grep-files-" }))
    yield* buildTree(fs, dir)
    const registry = ToolRegistry.make([yield* GrepFiles.make({ cwd: dir, ripgrep })])
    const text = (args: Record<string, unknown>) =>
      Effect.map(registry.execute(toolCall("call-1", "grep_files", args), context), (result) => {
        expect(result.isError).toBe(false)
        return result.output as string
      })
    return { dir, registry, text }
  })

const QUERIES: ReadonlyArray<Record<string, unknown>> = [
  { pattern: "hello" },
  { pattern: "hello", include: "*.py" },
  { pattern: "hello", path: "src" },
  { pattern: "hello", limit: 2 },
  { pattern: "(?i)HELLO$" },
  { pattern: "hello$" },
  { pattern: "^say" },
  { pattern: "nothing-like-this" },
  { pattern: "hello", path: ".hidden.py" },
  { pattern: "hello", include: "*.log" }
]

const relative = (dir: string, output: string) =>
  output.split("\n").map((line) => (line.startsWith(dir) ? NodePath.relative(dir, line) : line))

const searchers: ReadonlyArray<[string, string | false]> = [["the built-in search", false], ...(ripgrepVersion === undefined ? [] : [["ripgrep", "rg"] as [string, string]])]

describe("grep_files", () => {
  if (ripgrepVersion === undefined) {
    it.skip("ripgrep comparison: rg is not on PATH (install the ripgrep package)", () => {})
  }

  it.scoped("is declared with the documented parameters and runs in parallel", () =>
    Effect.gen(function*() {
      const { registry } = yield* setup(false)
      const declared = Either.getOrThrow(serializeToolSpec(registry.specs[0]!))
      expect(declared).toMatchObject({ type: "function", name: "grep_files", strict: false })
      expect(declared.parameters).toEqual({
        type: "object",
        properties: { include: { type: "string" }, limit: { type: "integer" }, path: { type: "string" }, pattern: { type: "string" } },
        required: ["pattern"]
      })
      expect(registry.supportsParallel("grep_files")).toBe(true)
    }).pipe(Effect.provide(NodeContext.layer)))

  for (const [label, ripgrep] of searchers) {
    it.scoped(`${label}: lists matching files newest first, skipping hidden, ignored, linked and binary files`, () =>
      Effect.gen(function*() {
        const { dir, text } = yield* setup(ripgrep)
        expect(relative(dir, yield* text({ pattern: "hello" }))).toEqual([
          "local/public.txt",
          "notes/kept.log",
          "src/deep/one.ts",
          "src/two.txt",
          "crlf.txt",
          "match.py"
        ])
        expect(relative(dir, yield* text({ pattern: "hello", include: "*.py" }))).toEqual([
          ".hidden.py",
          "match.py"
        ])
        expect(yield* text({ pattern: "nothing-like-this" })).toBe("No matches found.")
        expect(yield* text({ pattern: "  " })).toBe("Error: `pattern` must not be empty.")
        expect(yield* text({ pattern: "x", limit: 0 })).toBe("Error: `limit` must be greater than zero.")
        expect(yield* text({ pattern: "x", path: "missing" })).toBe(`Error: unable to access \`${dir}/missing\`.`)
      }).pipe(Effect.provide(NodeContext.layer)))
  }

  it.scoped.skipIf(ripgrepVersion === undefined)("gives the same answers with ripgrep and with the built-in search", () =>
    Effect.gen(function*() {
      const withRg = yield* setup("rg")
      const builtIn = yield* setup(false)
      for (const query of QUERIES) {
        const expected = relative(withRg.dir, yield* withRg.text(query))
        const actual = relative(builtIn.dir, yield* builtIn.text(query))
        expect({ query, files: actual }).toEqual({ query, files: expected })
      }
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("searches only inside the readable roots", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const { dir } = yield* setup(false)
      const root = yield* fs.realPath(yield* fs.makeTempDirectoryScoped({ prefix: "grep-root-" }))
      const registry = ToolRegistry.make([yield* GrepFiles.make({ cwd: dir, ripgrep: false, readableRoots: [root] })])
      const result = yield* registry.execute(toolCall("call-1", "grep_files", { pattern: "hello" }), context)
      expect(result.output).toBe(`Error: \`${dir}\` is outside the folders this session may read.`)
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("falls back to the built-in search when the ripgrep program is missing", () =>
    Effect.gen(function*() {
      const { dir, text } = yield* setup("/nonexistent/rg")
      expect(relative(dir, yield* text({ pattern: "world" }))).toEqual(["match.py"])
    }).pipe(Effect.provide(NodeContext.layer)))
})
