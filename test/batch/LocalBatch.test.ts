/** Local batch runs in process against the scripted server: results, rollouts, workspaces, timeouts and reruns. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { execFileSync } from "node:child_process"
import * as BatchCommand from "../../src/batch/BatchCommand.js"
import * as BatchStore from "../../src/batch/BatchStore.js"
import * as LocalBatch from "../../src/batch/LocalBatch.js"
import * as ResultsFile from "../../src/batch/ResultsFile.js"
import * as Environment from "../../src/config/Environment.js"
import * as FakeChatServer from "../support/FakeChatServer.js"
import { readResults, setup, taskOf, writeTasks } from "./support.js"

const runBatch = (work: string, env: Record<string, string>, concurrency = 2, overrides?: Record<string, unknown>) =>
  LocalBatch.run({
    tasksPath: `${work}/tasks.jsonl`,
    out: `${work}/out`,
    concurrency,
    settings: { stack: { timeoutSeconds: 30 }, ...(overrides !== undefined ? { overrides } : {}) },
    tty: false,
    write: () => Effect.void
  }).pipe(Effect.provide(Layer.merge(NodeContext.layer, Environment.layerValue(env))))

const git = (cwd: string, ...args: ReadonlyArray<string>) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd, stdio: "pipe" }).toString()

describe("tscodex batch (local mode)", () => {
  it.scopedLive("runs each task once, writes one result line each, and a rerun runs nothing", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const h = yield* setup()
      yield* fs.makeDirectory(`${h.work}/plain`)
      yield* fs.writeFileString(`${h.work}/plain/marker.txt`, "plain folder\n")
      yield* fs.makeDirectory(`${h.work}/repo`)
      yield* fs.writeFileString(`${h.work}/repo/marker.txt`, "version one\n")
      git(`${h.work}/repo`, "init", "-q", "-b", "main")
      git(`${h.work}/repo`, "add", ".")
      git(`${h.work}/repo`, "commit", "-q", "-m", "one")
      git(`${h.work}/repo`, "tag", "v1")
      yield* fs.writeFileString(`${h.work}/repo/marker.txt`, "version two\n")
      git(`${h.work}/repo`, "commit", "-q", "-am", "two")
      yield* writeTasks(`${h.work}/tasks.jsonl`, [
        { id: "plain", prompt: "task plain: sleep 0", cwd: "plain" },
        { id: "git-v1", prompt: "task git-v1: sleep 0", repo: "repo", ref: "v1" },
        { id: "git-head", prompt: "task git-head: sleep 0", repo: { url: "repo" } },
        { id: "slow", prompt: "task slow: hang", cwd: "plain", timeout_seconds: 1 },
        { id: "conf", prompt: "task conf", cwd: "plain", config: { model: "other-model" } }
      ])

      const counts = yield* runBatch(h.work, h.env)
      expect(counts).toEqual({ total: 5, pending: 0, running: 0, done: 5, failed: 1 })
      const results = yield* readResults(`${h.work}/out/results.jsonl`)
      expect(results.map((r) => r.id).sort()).toEqual(["conf", "git-head", "git-v1", "plain", "slow"])
      const byId = new Map(results.map((r) => [r.id, r]))
      expect(Object.keys(byId.get("plain")!)).toEqual(
        ["id", "status", "final_answer", "usage", "wall_time_seconds", "rollout_path", "error", "attempt"]
      )
      expect(byId.get("plain")).toMatchObject({
        status: "completed",
        final_answer: "done plain",
        usage: { input_tokens: 200, output_tokens: 20, total_tokens: 220 },
        rollout_path: "rollouts/plain.attempt-1.jsonl",
        error: null,
        attempt: 1
      })
      expect(byId.get("slow")).toMatchObject({ status: "timeout", final_answer: null, error: "timed out after 1 s" })
      expect(byId.get("conf")).toMatchObject({ status: "completed", final_answer: "done conf" })

      // each task ran in its own workspace: the folder, or a worktree at the asked ref
      const posts = yield* h.posts
      const outputOf = (id: string) => JSON.stringify(posts.filter((r) => taskOf(r) === id).map((r) => r.body))
      expect(outputOf("plain")).toContain(`${h.work}/plain`)
      expect(outputOf("plain")).toContain("plain folder")
      expect(outputOf("git-v1")).toContain(`${h.work}/out/worktrees/git-v1/attempt-1`)
      expect(outputOf("git-v1")).toContain("version one")
      expect(outputOf("git-head")).toContain("version two")
      expect((posts.find((r) => taskOf(r) === "conf")?.body as { model?: string }).model).toBe("other-model")

      // the rollout records the session in the task's workspace
      const rollout = yield* fs.readFileString(`${h.work}/out/rollouts/git-v1.attempt-1.jsonl`)
      const meta = JSON.parse(rollout.split("\n")[0]!) as { type: string; payload: { cwd: string } }
      expect(meta.type).toBe("session_meta")
      expect(meta.payload.cwd).toBe(`${h.work}/out/worktrees/git-v1/attempt-1`)

      // a rerun finds everything done: no request, no new line
      const before = posts.length
      const again = yield* runBatch(h.work, h.env)
      expect(again.done).toBe(5)
      expect((yield* h.posts).length).toBe(before)
      expect((yield* readResults(`${h.work}/out/results.jsonl`)).length).toBe(5)
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("refuses a task file whose tasks changed, and a folder another live batch holds", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const h = yield* setup()
      yield* writeTasks(`${h.work}/tasks.jsonl`, [{ id: "a", prompt: "task a", cwd: "." }])
      yield* runBatch(h.work, h.env)
      yield* writeTasks(`${h.work}/tasks.jsonl`, [{ id: "a", prompt: "task a, changed", cwd: "." }])
      const changed = yield* Effect.flip(runBatch(h.work, h.env))
      expect(changed.message).toContain("tasks changed since the batch started: a")

      // pid 1 is always alive
      yield* fs.writeFileString(`${h.work}/out/batch.lock`, "1\n")
      const locked = yield* Effect.flip(runBatch(h.work, h.env))
      expect(locked.message).toBe(`another batch (pid 1) is running in ${h.work}/out`)
      // a lock of a process that is gone is taken over
      yield* fs.writeFileString(`${h.work}/out/batch.lock`, "999999999\n")
      yield* writeTasks(`${h.work}/tasks.jsonl`, [{ id: "a", prompt: "task a", cwd: "." }, { id: "b", prompt: "task b", cwd: "." }])
      const counts = yield* runBatch(h.work, h.env)
      expect(counts.done).toBe(2)
      expect(yield* fs.exists(`${h.work}/out/batch.lock`)).toBe(false)
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("a result stored but not yet in results.jsonl is written once when the batch starts again", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const h = yield* setup()
      yield* writeTasks(`${h.work}/tasks.jsonl`, [{ id: "a", prompt: "task a", cwd: "." }, { id: "b", prompt: "task b", cwd: "." }])
      yield* runBatch(h.work, h.env)
      const lines = (yield* fs.readFileString(`${h.work}/out/results.jsonl`)).split("\n")
      // as if killed between storing b's result and appending it, while a's line was half written
      yield* fs.writeFileString(`${h.work}/out/results.jsonl`, lines[0] + "\n" + lines[1]!.slice(0, 20))
      const before = (yield* h.posts).length
      yield* runBatch(h.work, h.env)
      expect((yield* h.posts).length).toBe(before)
      const text = yield* fs.readFileString(`${h.work}/out/results.jsonl`)
      expect(text.split("\n").filter((l) => l !== "").map((l) => (JSON.parse(l) as { id: string }).id).sort()).toEqual(["a", "b"])
      expect(text.endsWith("\n")).toBe(true)

      // catching up twice adds nothing
      const added = yield* Effect.gen(function* () {
        const store = yield* BatchStore.make(LocalBatch.LOCAL_BATCH)
        const file = yield* ResultsFile.open(`${h.work}/out/results.jsonl`)
        return yield* LocalBatch.catchUp(store, file)
      }).pipe(Effect.provide(LocalBatch.databaseLayer(`${h.work}/out`)))
      expect(added).toBe(0)
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("-c overrides apply to every task; a task's own config wins", () =>
    Effect.gen(function* () {
      const h = yield* setup()
      yield* writeTasks(`${h.work}/tasks.jsonl`, [
        { id: "shared", prompt: "task shared", cwd: "." },
        { id: "own", prompt: "task own", cwd: ".", config: { model: "own-model" } }
      ])
      const overrides = yield* BatchCommand.parseOverrides(["model=batch-model"])
      yield* runBatch(h.work, h.env, 1, overrides)
      const posts = yield* h.posts
      const modelOf = (id: string) => (posts.find((r) => taskOf(r) === id)?.body as { model?: string }).model
      expect([modelOf("shared"), modelOf("own")]).toEqual(["batch-model", "own-model"])
      const bad = yield* Effect.flip(BatchCommand.parseOverrides(["model"]))
      expect(bad.message).toBe("Invalid override (missing '='): model")
    }).pipe(Effect.provide(NodeContext.layer)))
})

describe("tscodex batch --dump (local mode)", () => {
  const dumpRun = (work: string, env: Record<string, string>, endpoint: string, dump: boolean, out: string) =>
    LocalBatch.run({
      tasksPath: `${work}/tasks.jsonl`,
      out: `${work}/${out}`,
      concurrency: 2,
      settings: { stack: { timeoutSeconds: 30, compat: { vllmEndpoint: endpoint } }, dump },
      tty: false,
      write: () => Effect.void
    }).pipe(Effect.provide(Layer.merge(NodeContext.layer, Environment.layerValue(env))))

  it.scopedLive("writes each attempt's trajectory dump next to its rollout in DIR/rollouts, only when asked", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const h = yield* setup()
      const fake = yield* FakeChatServer.make({
        chat: [FakeChatServer.chatReply([
          FakeChatServer.chunk({ role: "assistant", content: "dumped" }, null, { prompt_token_ids: [11, 12, 13] }),
          { ...FakeChatServer.chunk({}, "stop"), choices: [{ index: 0, delta: {}, finish_reason: "stop", token_ids: [21, 22] }] }
        ])]
      })
      const endpoint = fake.url.replace(/\/v1$/, "")
      yield* writeTasks(`${h.work}/tasks.jsonl`, [{ id: "a", prompt: "task a", cwd: "." }, { id: "b", prompt: "task b", cwd: "." }])

      const counts = yield* dumpRun(h.work, h.env, endpoint, true, "out")
      expect([counts.done, counts.failed]).toEqual([2, 0])
      const entries = (yield* fs.readDirectory(`${h.work}/out/rollouts`)).sort()
      expect(entries).toEqual(["a.attempt-1.dump", "a.attempt-1.jsonl", "b.attempt-1.dump", "b.attempt-1.jsonl"])
      for (const id of ["a", "b"]) {
        const file = `${h.work}/out/rollouts/${id}.attempt-1.dump/dump.jsonl`
        const records = (yield* fs.readFileString(file)).split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as { tokens: unknown })
        expect(records.map((r) => r.tokens)).toEqual([{ prefill: [11, 12, 13], decode: [21, 22] }])
        expect((yield* fs.stat(file)).mode & 0o777).toBe(0o600)
      }
      expect(fake.posts().every((p) => (p.body as { return_token_ids?: unknown }).return_token_ids === true)).toBe(true)

      // without --dump: rollouts only, and the backend is not asked for token ids
      const asked = fake.posts().length
      yield* dumpRun(h.work, h.env, endpoint, false, "plain")
      expect((yield* fs.readDirectory(`${h.work}/plain/rollouts`)).sort()).toEqual(["a.attempt-1.jsonl", "b.attempt-1.jsonl"])
      expect(fake.posts().slice(asked).map((p) => (p.body as Record<string, unknown>).return_token_ids)).toEqual([undefined, undefined])
    }).pipe(Effect.provide(NodeContext.layer)))
})
