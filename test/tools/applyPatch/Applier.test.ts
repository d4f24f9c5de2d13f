/** Applier and Workspace: checked-then-written patches on real temp folders, path confinement, rollback. */
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import * as NodePath from "node:path"
import * as Applier from "../../../src/tools/applyPatch/Applier.js"
import * as Parser from "../../../src/tools/applyPatch/Parser.js"
import * as Workspace from "../../../src/tools/applyPatch/Workspace.js"

const operations = (text: string) => {
  const parsed = Parser.parse(text)
  if (Either.isLeft(parsed)) throw new Error(parsed.left.message)
  return parsed.right
}
const patch = (...lines: Array<string>) => ["*** Begin Patch", ...lines, "*** End Patch"].join("\n")

/** A temp workspace with the given files, removed after the test. */
const workspace = (files: Record<string, string> = {}) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const root = yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-patch-" })
    for (const [path, text] of Object.entries(files)) {
      yield* fs.makeDirectory(NodePath.dirname(NodePath.join(root, path)), { recursive: true })
      yield* fs.writeFileString(NodePath.join(root, path), text)
    }
    const read = (path: string) => fs.readFileString(NodePath.join(root, path))
    const exists = (path: string) => fs.exists(NodePath.join(root, path))
    return { fs, root, read, exists }
  })

const applyIn = (root: string, text: string) => Applier.apply(operations(text), root).pipe(Effect.either)

describe("apply_patch applier", () => {
  it.scoped("adds, updates, moves and deletes, creating parent folders", () =>
    Effect.gen(function*() {
      const ws = yield* workspace({ "m.txt": "one\ntwo\n", "gone.txt": "bye\n", "src/old.txt": "keep\nold\n" })
      const result = yield* applyIn(ws.root, patch(
        "*** Add File: deep/er/new.txt",
        "+fresh",
        "*** Update File: m.txt",
        "@@",
        "-two",
        "+2",
        "*** Delete File: gone.txt",
        "*** Update File: src/old.txt",
        "*** Move to: dst/new.txt",
        "@@",
        " keep",
        "-old",
        "+new"
      ))
      expect(result).toEqual(Either.right([
        { kind: "A", path: "deep/er/new.txt" },
        { kind: "M", path: "dst/new.txt" },
        { kind: "M", path: "m.txt" },
        { kind: "D", path: "gone.txt" }
      ]))
      expect(yield* ws.read("deep/er/new.txt")).toBe("fresh\n")
      expect(yield* ws.read("m.txt")).toBe("one\n2\n")
      expect(yield* ws.read("dst/new.txt")).toBe("keep\nnew\n")
      expect(yield* ws.exists("gone.txt")).toBe(false)
      expect(yield* ws.exists("src/old.txt")).toBe(false)
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("lets later operations see earlier ones: an add then an update reports M", () =>
    Effect.gen(function*() {
      const ws = yield* workspace()
      const result = yield* applyIn(ws.root, patch("*** Add File: a.txt", "+x", "*** Update File: a.txt", "@@", "-x", "+y"))
      expect(result).toEqual(Either.right([{ kind: "M", path: "a.txt" }]))
      expect(yield* ws.read("a.txt")).toBe("y\n")
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("writes nothing when a later operation fails", () =>
    Effect.gen(function*() {
      const ws = yield* workspace({ "first.txt": "a\n", "second.txt": "b\n" })
      const result = yield* applyIn(ws.root, patch(
        "*** Update File: first.txt", "@@", "-a", "+A",
        "*** Add File: created.txt", "+new",
        "*** Update File: second.txt", "@@", "-not there", "+x"
      ))
      expect(Either.getLeft(result).pipe((o) => o._tag === "Some" ? o.value.message : "")).toBe(
        "apply_patch verification failed: Failed to find expected lines in second.txt"
      )
      expect(yield* ws.read("first.txt")).toBe("a\n")
      expect(yield* ws.exists("created.txt")).toBe(false)
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("refuses to read what is missing, deleted earlier, or a folder", () =>
    Effect.gen(function*() {
      const ws = yield* workspace({ "a.txt": "a\n", "dir/x.txt": "x\n" })
      const message = (text: string) =>
        applyIn(ws.root, text).pipe(Effect.map((r) => (Either.isLeft(r) ? r.left.message : "applied")))
      expect(yield* message(patch("*** Delete File: missing.txt"))).toBe(
        "apply_patch verification failed: Failed to read missing.txt"
      )
      expect(yield* message(patch("*** Delete File: a.txt", "*** Update File: a.txt", "@@", "-a", "+b"))).toBe(
        "apply_patch verification failed: Failed to read a.txt"
      )
      expect(yield* message(patch("*** Update File: dir", "@@", "-a", "+b"))).toBe(
        "apply_patch verification failed: Failed to read dir"
      )
      expect(yield* message(patch("*** Add File: dir", "+x"))).toBe(
        "apply_patch verification failed: Failed to write dir: it is a directory"
      )
      expect(yield* ws.read("a.txt")).toBe("a\n")
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("refuses paths outside the workspace: .., absolute, and through symlinks", () =>
    Effect.gen(function*() {
      const outside = yield* workspace({ "secret.txt": "s\n" })
      const ws = yield* workspace({ "in.txt": "in\n" })
      yield* ws.fs.symlink(outside.root, NodePath.join(ws.root, "escape"))
      yield* ws.fs.symlink(NodePath.join(outside.root, "planted.txt"), NodePath.join(ws.root, "dangling.txt"))
      const refused = "patch rejected: writing outside of the project; rejected by user approval settings"
      for (const text of [
        patch("*** Add File: ../evil.txt", "+x"),
        patch("*** Add File: sub/../../evil.txt", "+x"),
        patch(`*** Add File: ${NodePath.join(outside.root, "evil.txt")}`, "+x"),
        patch("*** Delete File: escape/secret.txt"),
        patch("*** Add File: dangling.txt", "+x"),
        patch("*** Update File: in.txt", "*** Move to: ../moved.txt", "@@", "-in", "+out"),
        patch("*** Add File: ok.txt", "+x", "*** Add File: /etc/evil.txt", "+x")
      ]) {
        const result = yield* applyIn(ws.root, text)
        expect(Either.isLeft(result) && result.left.message).toBe(refused)
      }
      expect(yield* outside.fs.readDirectory(outside.root)).toEqual(["secret.txt"])
      expect(yield* ws.exists("ok.txt")).toBe(false)
      expect(yield* ws.read("in.txt")).toBe("in\n")
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("accepts absolute paths and symlinks that stay inside, reporting real relative paths", () =>
    Effect.gen(function*() {
      const ws = yield* workspace({ "real/a.txt": "a\n" })
      yield* ws.fs.symlink(NodePath.join(ws.root, "real"), NodePath.join(ws.root, "alias"))
      const result = yield* applyIn(ws.root, patch(
        `*** Add File: ${NodePath.join(ws.root, "abs.txt")}`, "+abs",
        "*** Update File: alias/a.txt", "@@", "-a", "+b",
        "*** Add File: ./x/../y.txt", "+y"
      ))
      expect(result).toEqual(Either.right([
        { kind: "A", path: "abs.txt" },
        { kind: "A", path: "y.txt" },
        { kind: "M", path: "real/a.txt" }
      ]))
      expect(yield* ws.read("real/a.txt")).toBe("b\n")
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("undoes earlier writes when a later write fails", () =>
    Effect.gen(function*() {
      const ws = yield* workspace({ "a.txt": "a\n", "file.txt": "f\n" })
      const result = yield* applyIn(ws.root, patch(
        "*** Update File: a.txt", "@@", "-a", "+changed",
        "*** Add File: new.txt", "+n",
        "*** Add File: file.txt/inner.txt", "+x"
      ))
      expect(Either.isLeft(result) && result.left._tag).toBe("PatchWriteError")
      expect(Either.isLeft(result) && result.left.message).toContain("cannot write file.txt/inner.txt")
      expect(yield* ws.read("a.txt")).toBe("a\n")
      expect(yield* ws.exists("new.txt")).toBe(false)
      expect(yield* ws.read("file.txt")).toBe("f\n")
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("keeps CRLF endings, completes a missing final newline, and keeps Unicode and a BOM", () =>
    Effect.gen(function*() {
      const ws = yield* workspace({ "crlf.txt": "one\r\ntwo\r\n", "nonl.txt": "x\ny", "u.txt": "\uFEFFnaïve — café\n🙂\n" })
      const result = yield* applyIn(ws.root, patch(
        "*** Update File: crlf.txt", "@@", "-two", "+2",
        "*** Update File: nonl.txt", "@@", "-y", "+z",
        "*** Update File: u.txt", "@@", "-naïve - café", "+naïve — thé"
      ))
      expect(Either.isRight(result)).toBe(true)
      expect(yield* ws.read("crlf.txt")).toBe("one\r\n2\r\n")
      expect(yield* ws.read("nonl.txt")).toBe("x\nz\n")
      const bytes = yield* ws.fs.readFile(NodePath.join(ws.root, "u.txt"))
      expect(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes)).toBe("\uFEFFnaïve — thé\n🙂\n")
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("reads invalid UTF-8 with replacement characters instead of failing", () =>
    Effect.gen(function*() {
      const ws = yield* workspace()
      yield* ws.fs.writeFile(NodePath.join(ws.root, "bin.txt"), new Uint8Array([0x61, 0xff, 0x0a, 0x62, 0x0a]))
      const result = yield* applyIn(ws.root, patch("*** Update File: bin.txt", "@@", "-b", "+c"))
      expect(Either.isRight(result)).toBe(true)
      expect(yield* ws.read("bin.txt")).toBe("a\uFFFD\nc\n")
    }).pipe(Effect.provide(NodeFileSystem.layer)))
})

describe("apply_patch workspace", () => {
  it.scoped("resolves .., symlinks and dangling symlinks like the OS, and stops on loops", () =>
    Effect.gen(function*() {
      const ws = yield* workspace({ "d/f.txt": "f" })
      const fs = ws.fs
      const root = yield* fs.realPath(ws.root)
      yield* fs.symlink("d", NodePath.join(root, "rel"))
      yield* fs.symlink("nowhere/x", NodePath.join(root, "dangling"))
      yield* fs.symlink("loop2", NodePath.join(root, "loop1"))
      yield* fs.symlink("loop1", NodePath.join(root, "loop2"))
      expect(yield* Workspace.resolveReal(fs, `${root}/rel/f.txt`)).toBe(`${root}/d/f.txt`)
      expect(yield* Workspace.resolveReal(fs, `${root}/rel/../d/./new/x.txt`)).toBe(`${root}/d/new/x.txt`)
      expect(yield* Workspace.resolveReal(fs, `${root}/dangling`)).toBe(`${root}/nowhere/x`)
      expect(yield* Workspace.resolveReal(fs, `${root}/loop1/x`).pipe(Effect.flip)).toContain("too many levels")
      expect(Workspace.isInside("/a/b", "/a/b")).toBe(true)
      expect(Workspace.isInside("/a/b", "/a/bc")).toBe(false)
      expect(Workspace.isInside("/", "/etc")).toBe(true)
    }).pipe(Effect.provide(NodeFileSystem.layer)))
})
