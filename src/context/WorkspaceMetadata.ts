/** WorkspaceMetadata: git facts about the working directory for the first turn's metadata. */
import * as Command from "@effect/platform/Command"
import type * as CommandExecutor from "@effect/platform/CommandExecutor"
import { Effect, Option, Stream } from "effect"

/** `{"<repo root>": {latest_git_commit_hash?, associated_remote_urls?, has_changes?}}`. */
export type Workspaces = Readonly<Record<string, Readonly<Record<string, unknown>>>>

/** Computes the workspaces entry for a working directory; `None` when there is nothing to report. */
export type WorkspaceProbe = (cwd: string) => Effect.Effect<Option.Option<Workspaces>>

/** Longest wait for one git command before its fact is left out. */
const GIT_TIMEOUT = "5 seconds"

/** Runs git in `cwd`; its standard output when it exits with 0, else `None` (no git, not a repo, timeout). */
const git = (executor: CommandExecutor.CommandExecutor, cwd: string, args: ReadonlyArray<string>) =>
  Effect.scoped(Effect.gen(function* () {
    const command = Command.make("git", ...args).pipe(
      Command.workingDirectory(cwd),
      Command.env({ GIT_OPTIONAL_LOCKS: "0", GIT_TERMINAL_PROMPT: "0" })
    )
    const child = yield* executor.start(command)
    const [stdout, , code] = yield* Effect.all([
      child.stdout.pipe(Stream.decodeText(), Stream.mkString),
      Stream.runDrain(child.stderr),
      child.exitCode
    ], { concurrency: "unbounded" })
    return code === 0 ? Option.some(stdout) : Option.none<string>()
  })).pipe(
    Effect.timeout(GIT_TIMEOUT),
    Effect.orElseSucceed(() => Option.none<string>())
  )

/** The live probe: repo root, HEAD, remotes and whether the tree has changes. */
export const gitProbe = (executor: CommandExecutor.CommandExecutor): WorkspaceProbe => (cwd) =>
  Effect.gen(function* () {
    const top = Option.map(yield* git(executor, cwd, ["rev-parse", "--show-toplevel"]), (s) => s.trim())
    if (Option.isNone(top) || top.value === "") return Option.none()
    const facts: Record<string, unknown> = {}
    const head = Option.map(yield* git(executor, cwd, ["rev-parse", "HEAD"]), (s) => s.trim())
    if (Option.isSome(head) && head.value !== "") facts.latest_git_commit_hash = head.value
    const names = Option.match(yield* git(executor, cwd, ["remote"]), {
      onNone: () => [] as Array<string>,
      onSome: (out) => out.split("\n").map((line) => line.trim()).filter((line) => line !== "")
    })
    const remotes: Record<string, string> = {}
    for (const name of names) {
      const url = Option.map(yield* git(executor, cwd, ["remote", "get-url", name]), (s) => s.trim())
      if (Option.isSome(url) && url.value !== "") remotes[name] = url.value
    }
    if (Object.keys(remotes).length > 0) facts.associated_remote_urls = remotes
    const status = yield* git(executor, cwd, ["status", "--porcelain"])
    if (Option.isSome(status)) facts.has_changes = status.value.trim() !== ""
    return Object.keys(facts).length === 0 ? Option.none() : Option.some({ [top.value]: facts })
  })
