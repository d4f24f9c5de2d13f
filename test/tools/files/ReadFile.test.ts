/** read_file through the registry on real files: slices, indentation blocks, limits, readable roots. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import * as NodePath from "node:path"
import { toolCall, type ToolResult } from "../../../src/protocol/Items.js"
import { serializeToolSpec } from "../../../src/protocol/Prompt.js"
import { splitText } from "../../../src/tools/files/Lines.js"
import * as ReadFile from "../../../src/tools/ReadFile.js"
import type * as Tool from "../../../src/tools/Tool.js"
import * as ToolRegistry from "../../../src/tools/ToolRegistry.js"

const context: Tool.ToolContext = { turnId: "turn-1", history: [], collaborationMode: "default" }

/** A Python-like file: class A with a commented method f (anchor at line 6) and a method g, then a function. */
const SOURCE = [
  "import os",
  "",
  "class A:",
  "    # helper for f",
  "    def f(self):",
  "        a = 1",
  "",
  "        return a",
  "",
  "    def g(self):",
  "        return 2",
  "",
  "def top():",
  "    pass"
].join("\n") + "\n"

const setup = (options: ReadFile.ReadFileOptions = {}) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const dir = yield* fs.realPath(yield* fs.makeTempDirectoryScoped({ prefix: "read-file-" }))
    const registry = ToolRegistry.make([yield* ReadFile.make(options)])
    const run = (args: Record<string, unknown>): Effect.Effect<ToolResult> =>
      registry.execute(toolCall("call-1", "read_file", args), context)
    const text = (args: Record<string, unknown>) =>
      Effect.map(run(args), (result) => {
        expect(result.isError).toBe(false)
        return result.output as string
      })
    const write = (name: string, content: string | Uint8Array) =>
      Effect.as(typeof content === "string" ? fs.writeFileString(NodePath.join(dir, name), content) : fs.writeFile(NodePath.join(dir, name), content), NodePath.join(dir, name))
    return { fs, dir, registry, run, text, write }
  })

const lineNumbers = (output: string) => output.split("\n").map((line) => Number(/^L(\d+):/.exec(line)?.[1]))

describe("read_file", () => {
  it.scoped("is declared with the documented parameters and runs in parallel", () =>
    Effect.gen(function*() {
      const { registry } = yield* setup()
      const declared = Either.getOrThrow(serializeToolSpec(registry.specs[0]!))
      expect(declared).toMatchObject({ type: "function", name: "read_file", strict: false })
      expect(declared.parameters).toEqual({
        type: "object",
        properties: {
          file_path: { type: "string" },
          indentation: {
            type: "object",
            properties: {
              anchor_line: { type: "integer" },
              include_header: { type: "boolean" },
              include_siblings: { type: "boolean" },
              max_levels: { type: "integer" },
              max_lines: { type: "integer" }
            }
          },
          limit: { type: "integer" },
          mode: { type: "string" },
          offset: { type: "integer" }
        },
        required: ["file_path"]
      })
      expect(registry.supportsParallel("read_file")).toBe(true)
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("returns a numbered slice", () =>
    Effect.gen(function*() {
      const { text, write } = yield* setup()
      const path = yield* write("three.txt", "first\nsecond\nthird\n")
      expect(yield* text({ file_path: path, offset: 2, limit: 2 })).toBe("L2: second\nL3: third")
      expect(yield* text({ file_path: path })).toBe("L1: first\nL2: second\nL3: third")
      expect(yield* text({ file_path: path, offset: "3", limit: 10.7 })).toBe("L3: third")
      expect(yield* text({ file_path: path, offset: 4 })).toBe("Error: `offset` exceeds file length.")
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("splits lines at every terminator, cuts long lines and replaces invalid bytes", () =>
    Effect.gen(function*() {
      const { text, write } = yield* setup()
      const mixed = yield* write("mixed.txt", "a\r\nb\rc\u2028d\x0ce")
      expect(yield* text({ file_path: mixed })).toBe("L1: a\nL2: b\nL3: c\nL4: d\nL5: e")
      const long = yield* write("long.txt", "x".repeat(600) + "\nshort\n")
      expect(yield* text({ file_path: long })).toBe(`L1: ${"x".repeat(500)}\nL2: short`)
      const bytes = yield* write("bad.txt", new Uint8Array([0x61, 0xff, 0x62, 0x0a]))
      expect(yield* text({ file_path: bytes })).toBe("L1: a\uFFFDb")
      const empty = yield* write("empty.txt", "")
      expect(yield* text({ file_path: empty })).toBe("Error: `offset` exceeds file length.")
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("refuses bad arguments with the documented texts", () =>
    Effect.gen(function*() {
      const { dir, run, text, write } = yield* setup()
      const path = yield* write("a.txt", "a\n")
      expect(yield* text({ file_path: "relative.txt" })).toBe("Error: `file_path` must be an absolute path.")
      expect(yield* text({ file_path: path, offset: 0 })).toBe("Error: `offset` must be a 1-indexed line number.")
      expect(yield* text({ file_path: path, limit: 0 })).toBe("Error: `limit` must be greater than zero.")
      expect(yield* text({ file_path: `${dir}//missing.txt/` })).toBe(`Error: \`${dir}/missing.txt\` does not exist.`)
      expect(yield* text({ file_path: `${dir}/` })).toBe(`Error: \`${dir}\` is not a file.`)
      const bad = yield* run({ file_path: path, offset: "abc" })
      expect(bad.isError).toBe(true)
      expect(JSON.stringify(bad.output)).toContain("offset")
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("shows the indentation block around an anchor line", () =>
    Effect.gen(function*() {
      const { text, write } = yield* setup()
      const path = yield* write("code.py", SOURCE)
      const block = (indentation: Record<string, unknown>) =>
        Effect.map(text({ file_path: path, mode: "indentation", offset: 6, indentation }), lineNumbers)
      const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)
      expect(yield* block({ max_levels: 1 })).toEqual(range(4, 11))
      expect(yield* block({ max_levels: 2 })).toEqual(range(3, 14))
      expect(yield* block({})).toEqual(range(3, 14))
      expect(yield* block({ max_levels: 1, include_header: false })).toEqual(range(5, 11))
      expect(yield* block({ max_lines: 3 })).toEqual([5, 6])
      expect(yield* block({ max_lines: 1 })).toEqual([6])
      expect(yield* block({ max_levels: 1, include_siblings: true })).toEqual(range(4, 12).filter((n) => n !== 12))
      expect(yield* text({ file_path: path, mode: "indentation", indentation: { anchor_line: 6, max_lines: 1 } }))
        .toBe("L6:         a = 1")
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("refuses bad indentation options", () =>
    Effect.gen(function*() {
      const { text, write } = yield* setup()
      const path = yield* write("code.py", SOURCE)
      const ask = (indentation: Record<string, unknown>) => text({ file_path: path, mode: "indentation", indentation })
      expect(yield* ask({ anchor_line: 0 })).toBe("Error: `anchor_line` must be a 1-indexed line number.")
      expect(yield* ask({ anchor_line: 15 })).toBe("Error: `anchor_line` exceeds file length.")
      expect(yield* ask({ anchor_line: 2, max_lines: 0 })).toBe("Error: `max_lines` must be greater than zero.")
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("bounds its output: a long read ends at a whole line and says where to go on", () =>
    Effect.gen(function*() {
      const { text, write } = yield* setup()
      const line = "y".repeat(400)
      const path = yield* write("big.txt", `${line}\n`.repeat(1000))
      const out = yield* text({ file_path: path })
      expect(Buffer.byteLength(out)).toBeLessThanOrEqual(ReadFile.MAX_OUTPUT_BYTES + 100)
      const lines = out.split("\n")
      const last = lines[lines.length - 1]!
      const shown = lines.length - 1
      expect(last).toBe(`… output cut at ${ReadFile.MAX_OUTPUT_BYTES} bytes; read on from offset ${shown + 1}.`)
      expect(lines[shown - 1]).toBe(`L${shown}: ${line}`)
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("reads only inside the readable roots, following symbolic links", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const outside = yield* fs.realPath(yield* fs.makeTempDirectoryScoped({ prefix: "read-outside-" }))
      const secret = NodePath.join(outside, "secret.txt")
      yield* fs.writeFileString(secret, "secret\n")
      const inside = yield* fs.realPath(yield* fs.makeTempDirectoryScoped({ prefix: "read-inside-" }))
      const { text } = yield* Effect.flatMap(Effect.succeed(inside), (root) => setup({ readableRoots: [root] }))
      yield* fs.writeFileString(NodePath.join(inside, "ok.txt"), "fine\n")
      yield* fs.symlink(secret, NodePath.join(inside, "link.txt"))
      expect(yield* text({ file_path: NodePath.join(inside, "ok.txt") })).toBe("L1: fine")
      expect(yield* text({ file_path: secret })).toBe(`Error: \`${secret}\` is outside the folders this session may read.`)
      const link = NodePath.join(inside, "link.txt")
      expect(yield* text({ file_path: link })).toBe(`Error: \`${link}\` is outside the folders this session may read.`)
    }).pipe(Effect.provide(NodeContext.layer)))
})

describe("line splitting", () => {
  it("follows the documented terminators and keeps facts about each line", () => {
    const lines = splitText("\tx = 1\n  # note\n   \n-- sql\nlast")
    expect(lines.map((l) => [l.number, l.indent, l.blank, l.comment])).toEqual([
      [1, 4, false, false],
      [2, 2, false, true],
      [3, 3, true, false],
      [4, 0, false, true],
      [5, 0, false, false]
    ])
    expect(splitText("")).toEqual([])
    expect(splitText("a\r\n").length).toBe(1)
    expect(splitText("a\n\n").length).toBe(2)
  })
})
