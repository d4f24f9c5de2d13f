/** list_dir through the registry on a real folder tree: order, kinds, depth, paging, bounds. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { execFileSync } from "node:child_process"
import * as NodePath from "node:path"
import { toolCall } from "../../../src/protocol/Items.js"
import { serializeToolSpec } from "../../../src/protocol/Prompt.js"
import * as ListDir from "../../../src/tools/ListDir.js"
import type * as Tool from "../../../src/tools/Tool.js"
import * as ToolRegistry from "../../../src/tools/ToolRegistry.js"

const context: Tool.ToolContext = { turnId: "turn-1", history: [], collaborationMode: "default" }

const setup = (options: ListDir.ListDirOptions = {}) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const dir = yield* fs.realPath(yield* fs.makeTempDirectoryScoped({ prefix: "list-dir-" }))
    const registry = ToolRegistry.make([yield* ListDir.make(options)])
    const text = (args: Record<string, unknown>) =>
      Effect.map(registry.execute(toolCall("call-1", "list_dir", args), context), (result) => {
        expect(result.isError).toBe(false)
        return result.output as string
      })
    const file = (relative: string) => fs.writeFileString(NodePath.join(dir, relative), "x")
    const folder = (relative: string) => fs.makeDirectory(NodePath.join(dir, relative), { recursive: true })
    return { fs, dir, registry, text, file, folder }
  })

describe("list_dir", () => {
  it.scoped("is declared with the documented parameters and runs in parallel", () =>
    Effect.gen(function*() {
      const { registry } = yield* setup()
      const declared = Either.getOrThrow(serializeToolSpec(registry.specs[0]!))
      expect(declared).toMatchObject({ type: "function", name: "list_dir", strict: false })
      expect(declared.parameters).toEqual({
        type: "object",
        properties: { depth: { type: "integer" }, dir_path: { type: "string" }, limit: { type: "integer" }, offset: { type: "integer" } },
        required: ["dir_path"]
      })
      expect(registry.supportsParallel("list_dir")).toBe(true)
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("lists files, folders, links and special files in path order, two levels deep", () =>
    Effect.gen(function*() {
      const { dir, fs, text, file, folder } = yield* setup()
      yield* file("A.txt")
      yield* file("b.txt")
      yield* folder("sub/deeper/deepest")
      yield* file("sub/x.txt")
      yield* file("sub/deeper/hidden-by-depth.txt")
      yield* folder("sub-2")
      yield* fs.symlink(NodePath.join(dir, "A.txt"), NodePath.join(dir, "link"))
      execFileSync("mkfifo", [NodePath.join(dir, "fifo")])
      expect(yield* text({ dir_path: dir, depth: 2 })).toBe(
        `Absolute path: ${dir}\nA.txt\nb.txt\nfifo?\nlink@\nsub/\nsub-2/\n  deeper/\n  x.txt`
      )
      expect(yield* text({ dir_path: dir, depth: 3 })).toContain("\n    deepest/\n    hidden-by-depth.txt")
      expect(yield* text({ dir_path: `${dir}//`, depth: 1 })).toBe(
        `Absolute path: ${dir}\nA.txt\nb.txt\nfifo?\nlink@\nsub/\nsub-2/`
      )
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("pages with offset and limit and says when more entries remain", () =>
    Effect.gen(function*() {
      const { dir, text, file } = yield* setup()
      for (const name of ["a", "b", "c", "d"]) yield* file(name)
      expect(yield* text({ dir_path: dir, offset: 2, limit: 2 })).toBe(`Absolute path: ${dir}\nb\nc\nMore than 2 entries found`)
      expect(yield* text({ dir_path: dir, offset: 4 })).toBe(`Absolute path: ${dir}\nd`)
      expect(yield* text({ dir_path: dir, offset: 5 })).toBe("Error: `offset` exceeds directory entry count.")
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("answers an empty folder and bad arguments with the documented texts", () =>
    Effect.gen(function*() {
      const { dir, text, file } = yield* setup()
      expect(yield* text({ dir_path: dir, offset: 3 })).toBe(`Absolute path: ${dir}`)
      yield* file("f")
      expect(yield* text({ dir_path: "rel" })).toBe("Error: `dir_path` must be an absolute path.")
      expect(yield* text({ dir_path: dir, offset: 0 })).toBe("Error: `offset` must be a 1-indexed entry number.")
      expect(yield* text({ dir_path: dir, limit: 0 })).toBe("Error: `limit` must be greater than zero.")
      expect(yield* text({ dir_path: dir, depth: 0 })).toBe("Error: `depth` must be greater than zero.")
      expect(yield* text({ dir_path: `${dir}/nope` })).toBe(`Error: \`${dir}/nope\` does not exist.`)
      expect(yield* text({ dir_path: `${dir}/f` })).toBe(`Error: \`${dir}/f\` is not a directory.`)
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("bounds its output and lists only inside the readable roots", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const root = yield* fs.realPath(yield* fs.makeTempDirectoryScoped({ prefix: "list-root-" }))
      const { dir, text, file } = yield* setup({ readableRoots: [root] })
      expect(yield* text({ dir_path: dir })).toBe(`Error: \`${dir}\` is outside the folders this session may read.`)
      const long = "n".repeat(200)
      for (let i = 0; i < 400; i++) yield* fs.writeFileString(NodePath.join(root, `${long}${String(i).padStart(3, "0")}`), "")
      const out = yield* text({ dir_path: root, limit: 1000 })
      expect(Buffer.byteLength(out)).toBeLessThanOrEqual(ListDir.MAX_OUTPUT_BYTES + 100)
      const lines = out.split("\n")
      expect(lines[lines.length - 1]).toBe(`More than ${lines.length - 2} entries found`)
      expect(lines.length - 2).toBeLessThan(400)
      void file
    }).pipe(Effect.provide(NodeContext.layer)))
})
