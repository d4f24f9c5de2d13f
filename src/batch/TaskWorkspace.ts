/**
 * TaskWorkspace: the folder a task attempt runs in: the batch's own folder, a folder the task names,
 * or a fresh git worktree of a repository and ref (one mirror per repository, one worktree per attempt).
 */
import * as Command from "@effect/platform/Command"
import * as CommandExecutor from "@effect/platform/CommandExecutor"
import * as FileSystem from "@effect/platform/FileSystem"
import { Data, Effect, Stream } from "effect"
import { createHash } from "node:crypto"
import * as NodePath from "node:path"
import type * as TaskSpec from "./TaskSpec.js"

export class WorkspaceError extends Data.TaggedError("WorkspaceError")<{ readonly detail: string }> {
  override get message() {
    return this.detail
  }
}

export interface Workspaces {
  /** The folder for this attempt of the task, ready to run in. */
  readonly prepare: (id: string, attempt: number, workspace: TaskSpec.Workspace) => Effect.Effect<string, WorkspaceError>
}

const looksLikeUrl = (text: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(text) || /^[^/]+@[^/]+:/.test(text)

/**
 * `base` resolves relative paths in tasks (the task file's folder), `root` is the batch folder
 * (mirrors under `repos/`, worktrees under `worktrees/<id>/attempt-<n>`), `cwd` the process's folder.
 */
export const make = (options: { readonly base: string; readonly root: string; readonly cwd: string }) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const executor = yield* CommandExecutor.CommandExecutor
    const gitLock = yield* Effect.makeSemaphore(1)

    const git = (args: ReadonlyArray<string>) =>
      Effect.scoped(
        Effect.gen(function* () {
          const proc = yield* executor.start(
            Command.make("git", ...args).pipe(Command.env({ GIT_TERMINAL_PROMPT: "0" }))
          )
          const text = (stream: Stream.Stream<Uint8Array, unknown>) =>
            stream.pipe(Stream.decodeText(), Stream.runFold("", (acc, chunk) => acc + chunk))
          const [, stderr, code] = yield* Effect.all([text(proc.stdout), text(proc.stderr), proc.exitCode], { concurrency: 3 })
          if (code !== 0) return yield* new WorkspaceError({ detail: `git ${args.join(" ")} failed: ${stderr.trim() || `exit ${code}`}` })
        })
      ).pipe(
        Effect.catchAll((error) =>
          error instanceof WorkspaceError ? Effect.fail(error) : Effect.fail(new WorkspaceError({ detail: `cannot run git: ${String(error)}` }))
        )
      )

    const mirrorOf = (url: string) => {
      const source = looksLikeUrl(url) ? url : NodePath.resolve(options.base, url)
      const name = createHash("sha256").update(source).digest("hex").slice(0, 16)
      return { source, mirror: NodePath.join(options.root, "repos", `${name}.git`) }
    }

    const ensureMirror = (url: string) =>
      Effect.gen(function* () {
        const { source, mirror } = mirrorOf(url)
        if (yield* fs.exists(`${mirror}/HEAD`).pipe(Effect.orElseSucceed(() => false))) return mirror
        const partial = `${mirror}.partial-${process.pid}`
        yield* fs.remove(partial, { recursive: true }).pipe(Effect.ignore)
        yield* git(["clone", "--quiet", "--mirror", source, partial])
        yield* fs.rename(partial, mirror).pipe(
          Effect.mapError((e) => new WorkspaceError({ detail: `cannot place the mirror of ${source}: ${e.message}` }))
        )
        return mirror
      })

    const prepare: Workspaces["prepare"] = (id, attempt, workspace) => {
      switch (workspace._tag) {
        case "Inherit":
          return Effect.succeed(options.cwd)
        case "Folder": {
          const path = NodePath.resolve(options.base, workspace.path)
          return fs.stat(path).pipe(
            Effect.filterOrFail((info) => info.type === "Directory", () => new WorkspaceError({ detail: `cwd ${path} is not a folder` })),
            Effect.mapError((e) => (e instanceof WorkspaceError ? e : new WorkspaceError({ detail: `cwd ${path} does not exist` }))),
            Effect.as(path)
          )
        }
        case "Git":
          return gitLock.withPermits(1)(
            Effect.gen(function* () {
              const mirror = yield* ensureMirror(workspace.url)
              const folder = NodePath.join(options.root, "worktrees", id)
              const path = NodePath.join(folder, `attempt-${attempt}`)
              // earlier attempts were interrupted: start from a clean checkout
              yield* fs.remove(folder, { recursive: true }).pipe(Effect.ignore)
              yield* git(["--git-dir", mirror, "worktree", "prune"])
              yield* git(["--git-dir", mirror, "worktree", "add", "--quiet", "--detach", "--force", path, workspace.ref])
              return path
            })
          )
      }
    }
    return { prepare } satisfies Workspaces
  })
