/** Tests of SessionsCli: tscodex sessions / resume. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { runCli } from "../support/Cli.js"
import * as FakeResponsesServer from "../support/FakeResponsesServer.js"

/** A Codex home whose config points at a fresh scripted server. */
const setup = (turns: FakeResponsesServer.FakeScriptInput) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const server = yield* FakeResponsesServer.make(turns)
    const home = yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-sessions-" })
    yield* fs.writeFileString(
      `${home}/config.toml`,
      `model = "gpt-5.5"\nmodel_provider = "fake"\n[model_providers.fake]\nbase_url = "${server.url}"\nenv_key = "FAKE_KEY"\n`
    )
    const cli = (...args: ReadonlyArray<string>) => runCli(args, { env: { CODEX_HOME: home, FAKE_KEY: "k" } })
    const rollouts = fs.readDirectory(`${home}/sessions`, { recursive: true }).pipe(
      Effect.map((names) => names.filter((n) => n.endsWith(".jsonl")).map((n) => `${home}/sessions/${n}`)),
      Effect.orElseSucceed((): Array<string> => [])
    )
    return { cli, home, rollouts, requests: server.requests, fs }
  })

const posts = (requests: ReadonlyArray<FakeResponsesServer.FakeRequest>) => requests.filter((r) => r.method === "POST")
const userTexts = (body: unknown) =>
  ((body as { input: ReadonlyArray<{ role?: string; content?: ReadonlyArray<{ text?: string }> }> }).input ?? [])
    .filter((item) => item.role === "user" || item.role === "assistant")
    .map((item) => `${item.role}: ${item.content?.[0]?.text ?? ""}`)

describe("tscodex sessions / resume", () => {
  it.scopedLive("lists a finished session and continues it with resume --last in the same rollout", () =>
    Effect.gen(function* () {
      const { cli, fs, requests, rollouts } = yield* setup([
        { type: "message", text: "first answer" },
        { type: "message", text: "second answer" }
      ])
      expect((yield* cli("hello there")).stdout).toBe("first answer\n")
      const files = yield* rollouts
      expect(files.length).toBe(1)
      const sessionId = /([0-9a-f-]{36})\.jsonl$/.exec(files[0]!)![1]!

      const listed = yield* cli("sessions")
      expect(listed.exitCode).toBe(0)
      expect(listed.stdout).toMatch(new RegExp(`^${sessionId}  \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}  \\S+  hello there\\n$`))
      const json = JSON.parse((yield* cli("sessions", "--json")).stdout)
      expect(json).toMatchObject([{ thread_id: sessionId, preview: "hello there", rollout_path: files[0] }])

      const resumed = yield* cli("resume", "--last", "what next")
      expect(resumed.stderr).toBe("")
      expect(resumed.stdout).toBe("second answer\n")
      expect(resumed.exitCode).toBe(0)

      const [first, second] = posts(yield* requests)
      expect(userTexts(second!.body).slice(-3)).toEqual(["user: hello there", "assistant: first answer", "user: what next"])
      const cacheKey = (r: typeof first) => (r!.body as { prompt_cache_key: string }).prompt_cache_key
      expect(cacheKey(second)).toBe(cacheKey(first))
      expect(cacheKey(second)).toBe(sessionId)
      expect(second!.headers["session_id"]).toBe(sessionId)

      // appended to the same file: no second rollout, and both turns are in it
      expect(yield* rollouts).toEqual(files)
      const lines = (yield* fs.readFileString(files[0]!)).trim().split("\n").map((l) => JSON.parse(l))
      expect(lines.filter((l) => l.type === "session_meta").length).toBe(1)
      expect(lines.filter((l) => l.type === "event_msg").map((l) => l.payload.message)).toEqual(["hello there", "what next"])
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("resumes by id prefix and by rollout path", () =>
    Effect.gen(function* () {
      const { cli, requests, rollouts } = yield* setup([{ type: "message", text: "ok" }])
      yield* cli("start")
      const [file] = yield* rollouts
      const sessionId = /([0-9a-f-]{36})\.jsonl$/.exec(file!)![1]!
      expect((yield* cli("resume", sessionId.slice(0, 13), "by prefix")).exitCode).toBe(0)
      expect((yield* cli("resume", file!, "by path")).exitCode).toBe(0)
      const last = posts(yield* requests).at(-1)!
      expect(userTexts(last.body).filter((t) => t.startsWith("user:")).slice(-3)).toEqual(["user: start", "user: by prefix", "user: by path"])
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("says clearly when nothing matches or nothing is there", () =>
    Effect.gen(function* () {
      const { cli, requests } = yield* setup([{ type: "message", text: "never" }])
      expect(yield* cli("sessions")).toMatchObject({ stdout: "No resumable sessions found.\n", exitCode: 0 })
      expect(yield* cli("resume", "nope", "hi")).toMatchObject({ stderr: 'Error: no session matches "nope"\n', exitCode: 1 })
      const missing = yield* cli("resume")
      expect(missing.exitCode).toBe(2)
      expect(missing.stderr).toContain("resume needs a session id or path, or --last")
      expect(posts(yield* requests)).toEqual([])
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("an unwritable sessions folder does not stop the turn, and the user is told once", () =>
    Effect.gen(function* () {
      const { cli, fs, home } = yield* setup([{ type: "function_calls", calls: [{ name: "exec_command", call_id: "c1", arguments: { cmd: "true" } }] }, { type: "message", text: "still answered" }])
      yield* fs.writeFileString(`${home}/sessions`, "a file where the folder should be")
      const run = yield* cli("go")
      expect(run.exitCode).toBe(0)
      expect(run.stdout).toBe("still answered\n")
      const warnings = run.stderr.split("\n").filter((line) => line.includes("cannot write session rollout"))
      expect(warnings.length).toBe(1)
      expect(warnings[0]).toContain("no longer saved")
      expect(yield* fs.readFileString(`${home}/sessions`)).toBe("a file where the folder should be")
    }).pipe(Effect.provide(NodeContext.layer)))
})
