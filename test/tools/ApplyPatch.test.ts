/** ApplyPatch: the tool through the registry, its output texts, its wire declaration and result items. */
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import * as NodePath from "node:path"
import { toolCall, toResponsesInputUnsafe } from "../../src/protocol/Items.js"
import { serializeToolSpec } from "../../src/protocol/Prompt.js"
import * as ApplyPatch from "../../src/tools/ApplyPatch.js"
import * as Tool from "../../src/tools/Tool.js"
import * as ToolRegistry from "../../src/tools/ToolRegistry.js"
import * as ExecTools from "../support/ExecTools.js"

const context: Tool.ToolContext = { turnId: "turn-1", history: [], collaborationMode: "default" }

/** A temp workspace with files, the tool rooted there, and a registry holding it. */
const setup = (files: Record<string, string> = {}) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const root = yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-apply-patch-" })
    for (const [path, text] of Object.entries(files)) yield* fs.writeFileString(NodePath.join(root, path), text)
    const tool = yield* ApplyPatch.make({ cwd: root })
    const registry = ToolRegistry.make([tool])
    const call = (input: string) => registry.execute(toolCall("call_patch_1", "apply_patch", input, "custom"), context)
    const read = (path: string) => fs.readFileString(NodePath.join(root, path))
    const exists = (path: string) => fs.exists(NodePath.join(root, path))
    return { fs, root, tool, call, read, exists }
  })

describe("apply_patch tool", () => {
  it.scoped("adds, updates and deletes, answering with the one-line summary", () =>
    Effect.gen(function*() {
      const ws = yield* setup({ "delete.txt": "bye\n", "modify.txt": "line1\nline2\n" })
      const result = yield* ws.call([
        "*** Begin Patch",
        "*** Add File: nested/new.txt",
        "+created",
        "*** Delete File: delete.txt",
        "*** Update File: modify.txt",
        "@@",
        "-line2",
        "+changed",
        "*** End Patch"
      ].join("\n"))
      expect(result.output).toBe("Exit code: 0\nWall time: 0 seconds\nOutput:\nSuccess: A nested/new.txt M modify.txt D delete.txt\n")
      expect(result.toolType).toBe("custom")
      expect(result.isError).toBe(false)
      expect(yield* ws.read("nested/new.txt")).toBe("created\n")
      expect(yield* ws.read("modify.txt")).toBe("line1\nchanged\n")
      expect(yield* ws.exists("delete.txt")).toBe(false)
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("fails verification as a whole: nothing is created when a later update cannot apply", () =>
    Effect.gen(function*() {
      const ws = yield* setup()
      const result = yield* ws.call(
        "*** Begin Patch\n*** Add File: created.txt\n+hello\n*** Update File: missing.txt\n@@\n-a\n+b\n*** End Patch\n"
      )
      expect(result.isError).toBe(false)
      expect(result.output).toBe(
        "Exit code: 1\nWall time: 0 seconds\nOutput:\napply_patch verification failed: Failed to read missing.txt"
      )
      expect(yield* ws.exists("created.txt")).toBe(false)
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("leaves the first file untouched when the second one's hunk does not match", () =>
    Effect.gen(function*() {
      const ws = yield* setup({ "one.txt": "alpha\n", "two.txt": "beta\n" })
      const result = yield* ws.call([
        "*** Begin Patch",
        "*** Update File: one.txt", "@@", "-alpha", "+ALPHA",
        "*** Update File: two.txt", "@@", "-gamma", "+GAMMA",
        "*** End Patch"
      ].join("\n"))
      expect(result.output).toBe(
        "Exit code: 1\nWall time: 0 seconds\nOutput:\napply_patch verification failed: Failed to find expected lines in two.txt"
      )
      expect(yield* ws.read("one.txt")).toBe("alpha\n")
      expect(yield* ws.read("two.txt")).toBe("beta\n")
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("rejects an empty patch and a path that leaves the workspace", () =>
    Effect.gen(function*() {
      const ws = yield* setup()
      expect((yield* ws.call("")).output).toBe("Exit code: 1\nWall time: 0 seconds\nOutput:\npatch rejected: empty patch")
      const escape = yield* ws.call("*** Begin Patch\n*** Add File: ../escape.txt\n+x\n*** End Patch\n")
      expect(escape.output).toBe(
        "Exit code: 1\nWall time: 0 seconds\nOutput:\npatch rejected: writing outside of the project; rejected by user approval settings"
      )
      expect(escape.isError).toBe(false)
      expect(yield* ws.fs.exists(NodePath.join(ws.root, "..", "escape.txt"))).toBe(false)
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("reports parse errors with exit code 1", () =>
    Effect.gen(function*() {
      const ws = yield* setup()
      expect((yield* ws.call("*** Add File: a.txt\n+x\n")).output).toBe(
        "Exit code: 1\nWall time: 0 seconds\nOutput:\napply_patch verification failed: missing '*** Begin Patch' header"
      )
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("accepts the recorded call and answers it as recorded", () =>
    Effect.gen(function*() {
      const ws = yield* setup()
      const input = "*** Begin Patch\n*** Add File: hello.txt\n+hello from apply_patch\n*** End Patch\n"
      const result = yield* ws.call(input)
      expect(toResponsesInputUnsafe(result)).toEqual({
        type: "custom_tool_call_output",
        call_id: "call_patch_1",
        output: "Exit code: 0\nWall time: 0 seconds\nOutput:\nSuccess: A hello.txt\n",
        name: "apply_patch"
      })
      expect(Object.keys(toResponsesInputUnsafe(result))).toEqual(["type", "call_id", "output", "name"])
      expect(yield* ws.read("hello.txt")).toBe("hello from apply_patch\n")
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("applies the lenient forms models send: heredoc, no @@, loose whitespace, typographic quotes", () =>
    Effect.gen(function*() {
      const ws = yield* setup({ "a.py": "def f():\n    return \u201Cx\u201D   \n" })
      const result = yield* ws.call(
        "<<'EOF'\n*** Begin Patch\n*** Update File: a.py\n def f():\n-    return \"x\"\n+    return \"y\"\n*** End Patch\nEOF\n"
      )
      expect(result.output).toBe("Exit code: 0\nWall time: 0 seconds\nOutput:\nSuccess: M a.py\n")
      expect(yield* ws.read("a.py")).toBe("def f():\n    return \"y\"\n")
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("turns a write that fails after checking into an error result, undoing earlier writes", () =>
    Effect.gen(function*() {
      const ws = yield* setup({ "a.txt": "a\n", "plain.txt": "p\n" })
      const result = yield* ws.call(
        "*** Begin Patch\n*** Update File: a.txt\n@@\n-a\n+b\n*** Add File: plain.txt/child.txt\n+c\n*** End Patch"
      )
      expect(result.isError).toBe(true)
      expect(result.output).toEqual({ error: expect.stringMatching(/^[A-Za-z]+Error: cannot write plain\.txt\/child\.txt: .*no file was changed$/) })
      expect(yield* ws.read("a.txt")).toBe("a\n")
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("is a custom, non-parallel tool declared exactly as in exec_tools.json", () =>
    Effect.gen(function*() {
      const ws = yield* setup()
      const fileEntry = ExecTools.declarationOf("apply_patch")
      expect(ws.tool.kind).toBe("custom")
      expect(ws.tool.supportsParallel).toBe(false)
      expect(ToolRegistry.make([ws.tool]).supportsParallel("apply_patch")).toBe(false)
      const serialized = serializeToolSpec(Tool.spec(ws.tool))
      expect(serialized).toEqual(Either.right(fileEntry))
      expect(JSON.stringify(Either.getOrThrow(serialized))).toBe(JSON.stringify(fileEntry))
      // The declaration is the tool's own: nothing replaces it at run time.
      expect(ws.tool.rawPayload).toBeUndefined()
      const bare = ApplyPatch.tool(ws.fs, ws.root)
      expect(Either.getOrThrow(serializeToolSpec(Tool.spec(bare)))).toEqual(fileEntry)
    }).pipe(Effect.provide(NodeFileSystem.layer)))
})
