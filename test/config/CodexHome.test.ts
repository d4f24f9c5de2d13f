/** Tests of CodexHome: CodexHome.resolve. */
import { describe, expect, it } from "@effect/vitest"
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect } from "effect"
import * as NodePath from "node:path"
import * as CodexHome from "../../src/config/CodexHome.js"
import * as Environment from "../../src/config/Environment.js"
import { layers, tempDir } from "./support.js"

const resolveWith = (vars: Record<string, string>, configPath?: string) =>
  CodexHome.resolve({ configPath }).pipe(Effect.provide(layers(vars)))

describe("CodexHome.resolve", () => {
  it.scoped("defaults to ~/.codex", () =>
    Effect.gen(function* () {
      const user = yield* tempDir
      const location = yield* resolveWith({ HOME: user })
      expect(location).toEqual({
        codexHome: NodePath.join(user, ".codex"),
        configPath: NodePath.join(user, ".codex", "config.toml"),
        explicit: false
      })
    }).pipe(Effect.provide(layers({}))))

  it.scoped("uses $CODEX_HOME, trimmed and with ~ expanded", () =>
    Effect.gen(function* () {
      const user = yield* tempDir
      const fromVar = yield* resolveWith({ HOME: user, CODEX_HOME: "  ~/elsewhere  " })
      expect(fromVar.codexHome).toBe(NodePath.join(user, "elsewhere"))
      expect(fromVar.configPath).toBe(NodePath.join(user, "elsewhere", "config.toml"))
      const blank = yield* resolveWith({ HOME: user, CODEX_HOME: "   " })
      expect(blank.codexHome).toBe(NodePath.join(user, ".codex"))
    }).pipe(Effect.provide(layers({}))))

  it.scoped("takes the home from --config, which wins over $CODEX_HOME", () =>
    Effect.gen(function* () {
      const user = yield* tempDir
      const location = yield* resolveWith({ HOME: user, CODEX_HOME: "/nowhere" }, "~/custom/my.toml")
      expect(location).toEqual({
        codexHome: NodePath.join(user, "custom"),
        configPath: NodePath.join(user, "custom", "my.toml"),
        explicit: true
      })
    }).pipe(Effect.provide(layers({}))))

  it.scoped("makes a relative --config absolute and resolves symbolic links of its folder", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const user = yield* tempDir
      yield* fs.makeDirectory(NodePath.join(user, "real"))
      yield* fs.symlink(NodePath.join(user, "real"), NodePath.join(user, "link"))
      const linked = yield* resolveWith({ HOME: user }, NodePath.join(user, "link", "config.toml"))
      expect(linked.codexHome).toBe(NodePath.join(user, "real"))
      const relative = yield* resolveWith({ HOME: user }, "some/config.toml")
      expect(relative.configPath).toBe(NodePath.resolve("some/config.toml"))
    }).pipe(Effect.provide(layers({}))))

  it("expands only a leading ~ or ~/", () => {
    const env = Environment.fromRecord({ HOME: "/home/u" })
    expect(CodexHome.expandHome("~", env)).toBe("/home/u")
    expect(CodexHome.expandHome("~/x", env)).toBe("/home/u/x")
    expect(CodexHome.expandHome("~other/x", env)).toBe("~other/x")
    expect(CodexHome.expandHome("/a/~/b", env)).toBe("/a/~/b")
  })
})
