/** Tests of WorkspaceMetadata: WorkspaceMetadata. */
import * as Command from "@effect/platform/Command"
import * as CommandExecutor from "@effect/platform/CommandExecutor"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as WorkspaceMetadata from "../../src/context/WorkspaceMetadata.js"
import { manager, tempDir, writeTree } from "./support.js"

const git = (cwd: string, ...args: Array<string>) =>
  Command.make("git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args)
    .pipe(Command.workingDirectory(cwd), Command.string)

describe("WorkspaceMetadata", () => {
  it.scopedLive("reports the repo root, HEAD, remotes and pending changes", () =>
    Effect.gen(function* () {
      const repo = yield* tempDir
      yield* git(repo, "init", "-q")
      yield* writeTree(repo, { "a.txt": "one\n", "sub/b.txt": "two\n" })
      yield* git(repo, "add", ".")
      yield* git(repo, "commit", "-q", "-m", "first")
      yield* git(repo, "remote", "add", "origin", "https://example.com/demo.git")
      yield* git(repo, "remote", "add", "backup", "/srv/backup.git")
      const head = (yield* git(repo, "rev-parse", "HEAD")).trim()
      const probe = WorkspaceMetadata.gitProbe(yield* CommandExecutor.CommandExecutor)

      const clean = yield* probe(`${repo}/sub`)
      expect(clean).toEqual(Option.some({
        [repo]: {
          latest_git_commit_hash: head,
          associated_remote_urls: { backup: "/srv/backup.git", origin: "https://example.com/demo.git" },
          has_changes: false
        }
      }))
      yield* writeTree(repo, { "a.txt": "changed\n" })
      const dirty = Option.getOrThrow(yield* probe(repo))
      expect(dirty[repo]?.has_changes).toBe(true)
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("a fresh repo without commits or remotes reports only what exists", () =>
    Effect.gen(function* () {
      const repo = yield* tempDir
      yield* git(repo, "init", "-q")
      const probe = WorkspaceMetadata.gitProbe(yield* CommandExecutor.CommandExecutor)
      expect(yield* probe(repo)).toEqual(Option.some({ [repo]: { has_changes: false } }))
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("outside a repository there is nothing to report", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const probe = WorkspaceMetadata.gitProbe(yield* CommandExecutor.CommandExecutor)
      expect(yield* probe(dir)).toEqual(Option.none())
      expect(yield* probe(`${dir}/missing`)).toEqual(Option.none())
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("the live manager adds git facts to the first turn only", () =>
    Effect.gen(function* () {
      const repo = yield* tempDir
      yield* git(repo, "init", "-q")
      const context = yield* manager({ cwd: repo }, { codexHome: repo, sandboxMode: "workspace-write" })
      const first = yield* context.buildPrompt({ history: [], tools: [], parallelToolCalls: false, turnId: "a" })
      const second = yield* context.buildPrompt({ history: [], tools: [], parallelToolCalls: false, turnId: "b" })
      expect(first.turnMetadata).toEqual({ turn_id: "a", workspaces: { [repo]: { has_changes: false } }, sandbox: "workspace-write" })
      expect(second.turnMetadata).toEqual({ turn_id: "b", sandbox: "workspace-write" })
    }).pipe(Effect.provide(NodeContext.layer)))
})
