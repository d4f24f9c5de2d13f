/** Tests of AgentsMd: AgentsMd. */
import { SystemError } from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as AgentsMd from "../../src/context/AgentsMd.js"
import { tempDir, writeTree } from "./support.js"

/** The spec's example tree: a blank override shadows the AGENTS.md next to it. */
const exampleTree = (root: string) =>
  writeTree(root, {
    ".git/HEAD": "ref: refs/heads/main\n",
    "AGENTS.md": "root rules\n",
    "a/AGENTS.override.md": "  \n",
    "a/AGENTS.md": "shadowed\n",
    "a/b/AGENTS.md": "héllo wörld\n"
  })

const merged = (fs: FileSystem.FileSystem, cwd: string, maxBytes: number | undefined) =>
  Effect.map(AgentsMd.projectDocs(fs, cwd, maxBytes), (docs) =>
    AgentsMd.mergeInstructions({ userInstructions: "u", homeInstructions: undefined, projectDocs: Option.getOrUndefined(docs) })
  )

describe("AgentsMd", () => {
  it.scoped("joins docs from the repo root down, with a byte budget that never splits a character", () =>
    Effect.gen(function* () {
      const root = yield* tempDir
      yield* exampleTree(root)
      const fs = yield* FileSystem.FileSystem
      const cwd = `${root}/a/b`
      expect(yield* AgentsMd.projectRoot(fs, cwd)).toBe(root)
      expect(yield* merged(fs, cwd, undefined)).toEqual(
        Option.some("u\n\n--- project-doc ---\n\nroot rules\n\n\nhéllo wörld\n")
      )
      expect(yield* merged(fs, cwd, 12)).toEqual(Option.some("u\n\n--- project-doc ---\n\nroot rules\n\n\nh"))
      expect(yield* merged(fs, cwd, 13)).toEqual(Option.some("u\n\n--- project-doc ---\n\nroot rules\n\n\nh"))
      expect(yield* merged(fs, cwd, 14)).toEqual(Option.some("u\n\n--- project-doc ---\n\nroot rules\n\n\nhé"))
      expect(yield* merged(fs, cwd, 11)).toEqual(Option.some("u\n\n--- project-doc ---\n\nroot rules\n"))
      expect(yield* merged(fs, cwd, 0)).toEqual(Option.some("u"))
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("without a .git folder only the working directory is searched", () =>
    Effect.gen(function* () {
      const root = yield* tempDir
      yield* writeTree(root, { "AGENTS.md": "outer\n", "pkg/AGENTS.md": "inner\n" })
      const fs = yield* FileSystem.FileSystem
      expect(yield* AgentsMd.projectRoot(fs, `${root}/pkg`)).toBe(`${root}/pkg`)
      expect(yield* AgentsMd.projectDocs(fs, `${root}/pkg`, undefined)).toEqual(Option.some("inner\n"))
      expect(yield* AgentsMd.projectDocs(fs, root + "/missing-dir", undefined)).toEqual(Option.none())
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("merges user, home and project instructions in that order", () =>
    Effect.gen(function* () {
      const home = yield* tempDir
      const fs = yield* FileSystem.FileSystem
      expect(yield* AgentsMd.homeInstructions(fs, home)).toEqual(Option.none())
      yield* writeTree(home, { "AGENTS.md": "\n global rules \n", "AGENTS.override.md": "   " })
      expect(yield* AgentsMd.homeInstructions(fs, home)).toEqual(Option.some("global rules"))
      yield* writeTree(home, { "AGENTS.override.md": "override wins" })
      expect(yield* AgentsMd.homeInstructions(fs, home)).toEqual(Option.some("override wins"))
      expect(AgentsMd.mergeInstructions({ userInstructions: "u", homeInstructions: "h", projectDocs: "p" })).toEqual(
        Option.some("u\n\nh\n\n--- project-doc ---\n\np")
      )
      expect(AgentsMd.mergeInstructions({ userInstructions: undefined, homeInstructions: undefined, projectDocs: "p" }))
        .toEqual(Option.some("p"))
      expect(AgentsMd.mergeInstructions({ userInstructions: undefined, homeInstructions: "h", projectDocs: undefined }))
        .toEqual(Option.some("h"))
      expect(AgentsMd.mergeInstructions({ userInstructions: undefined, homeInstructions: undefined, projectDocs: undefined }))
        .toEqual(Option.none())
      expect(AgentsMd.block("/w", "x")).toBe("# AGENTS.md instructions for /w\n\n<INSTRUCTIONS>\nx\n</INSTRUCTIONS>")
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("an unreadable AGENTS.md is skipped, the others still count", () =>
    Effect.gen(function* () {
      const root = yield* tempDir
      yield* writeTree(root, { ".git": "gitdir: elsewhere\n", "AGENTS.md": "root\n", "sub/AGENTS.md": "locked\n" })
      const real = yield* FileSystem.FileSystem
      const locked = `${root}/sub/AGENTS.md`
      const guarded = FileSystem.FileSystem.of({
        ...real,
        readFile: (path) =>
          path === locked
            ? Effect.fail(new SystemError({ reason: "PermissionDenied", module: "FileSystem", method: "readFile", pathOrDescriptor: path }))
            : real.readFile(path)
      })
      const docs = yield* AgentsMd.projectDocs(guarded, `${root}/sub`, undefined)
      expect(docs).toEqual(Option.some("root\n"))
    }).pipe(Effect.provide(NodeContext.layer)))

  it("cuts UTF-8 text at character boundaries", () => {
    expect(AgentsMd.truncateUtf8("héllo", 2)).toBe("h")
    expect(AgentsMd.truncateUtf8("héllo", 3)).toBe("hé")
    expect(AgentsMd.truncateUtf8("😀x", 3)).toBe("")
    expect(AgentsMd.truncateUtf8("😀x", 4)).toBe("😀")
    expect(AgentsMd.truncateUtf8("abc", 10)).toBe("abc")
    expect(AgentsMd.truncateUtf8("abc", 0)).toBe("")
  })
})
