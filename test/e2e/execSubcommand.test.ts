/** `tscodex exec` through the built CLI, checked against what Codex 0.169 printed for the same scripted conversation. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import type { FakeScriptInput } from "../support/FakeResponsesServer.js"
import { jsonLines, setup } from "./support.js"

const FIXTURES = NodePath.resolve(import.meta.dirname, "../fixtures/codex-exec")
const fixture = (name: string) => NodeFs.readFileSync(`${FIXTURES}/${name}`, "utf8")
const TURNS = JSON.parse(fixture("turns.json")) as FakeScriptInput
const PROMPT = "Run echo hello then create hello.txt"

/** Ids and the workspace path replaced, as in the recorded stream. */
const maskIds = (text: string, workspace: string): string =>
  text.split(workspace).join("/WORKSPACE").replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>")

/** Durations masked; the banner and the diff's blob line are where the programs differ by design. */
const maskHuman = (text: string): string =>
  text
    .replace(/^(OpenAI Codex|tscodex) v[\d.]+$/m, "<banner>")
    .replace(/ in \d+ms:/g, " in <ms>:")
    .split("\n")
    .filter((line) => !line.startsWith("index 0000000"))
    .join("\n")

const inGitRepo = (workspace: string) => Effect.sync(() => NodeFs.mkdirSync(`${workspace}/.git`))

describe("tscodex exec", () => {
  it.scopedLive("--json prints the same JSONL event stream as codex exec, field by field", () =>
    Effect.gen(function* () {
      const h = yield* setup(TURNS)
      yield* inGitRepo(h.workspace)
      const run = yield* h.cli(["exec", "--json", PROMPT])
      expect(run.exitCode).toBe(0)
      const ours = jsonLines(maskIds(run.stdout, h.workspace))
      const codex = jsonLines(fixture("exec-json.stdout.jsonl"))
      expect(ours.map((e) => e.type)).toEqual(codex.map((e) => e.type))
      for (const [index, event] of codex.entries()) expect(ours[index]).toEqual(event)
      expect(NodeFs.readFileSync(`${h.workspace}/hello.txt`, "utf8")).toBe("hello from apply_patch\n")
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("--json prints a provider-side web search as Codex does, with the search id as a second id key", () =>
    Effect.gen(function* () {
      const h = yield* setup([{ type: "web_search_call", id: "ws_7", action: { type: "search", query: "weather in Paris" }, text: "sunny" }])
      const run = yield* h.cli(["exec", "--json", "--skip-git-repo-check", "search"])
      expect(run.exitCode).toBe(0)
      const lines = run.stdout.split("\n")
      expect(lines.slice(2, 5)).toEqual([
        "{\"type\":\"item.started\",\"item\":{\"id\":\"item_0\",\"type\":\"web_search\",\"id\":\"ws_7\",\"query\":\"\",\"action\":{\"type\":\"other\"}}}",
        "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_0\",\"type\":\"web_search\",\"id\":\"ws_7\",\"query\":\"weather in Paris\",\"action\":{\"type\":\"search\",\"query\":\"weather in Paris\"}}}",
        "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_1\",\"type\":\"agent_message\",\"text\":\"sunny\"}}"
      ])
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("without --json, stderr follows codex exec's layout and stdout holds the answer", () =>
    Effect.gen(function* () {
      const h = yield* setup(TURNS)
      yield* inGitRepo(h.workspace)
      // the recording ran with sandbox_mode = "danger-full-access" (see the fixture's README)
      const run = yield* h.cli(["exec", "-s", "danger-full-access", PROMPT])
      expect(run.exitCode).toBe(0)
      expect(run.stdout).toBe(fixture("exec-human.stdout"))
      const ours = maskHuman(maskIds(run.stderr, h.workspace)).split("\n")
      const codex = maskHuman(fixture("exec-human.stderr")).split("\n")
      expect(ours.slice(ours.indexOf("<banner>"))).toEqual(codex)
      expect(run.stderr).not.toContain("\x1b[")
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("a failed turn ends with error and turn.failed, exit status 1", () =>
    Effect.gen(function* () {
      const h = yield* setup([{ type: "failed", code: "server_error", message: "boom" }], (url) =>
        `model = "gpt-5.5"\nmodel_provider = "fake"\n[model_providers.fake]\nbase_url = "${url}"\nenv_key = "TSCODEX_E2E_KEY"\nstream_max_retries = 0\n`)
      const run = yield* h.cli(["exec", "--json", "--skip-git-repo-check", PROMPT])
      expect(run.exitCode).toBe(1)
      const events = jsonLines(run.stdout)
      const codex = jsonLines(fixture("exec-failed-json.stdout.jsonl"))
      expect(events.map((e) => e.type)).toEqual(codex.map((e) => e.type))
      expect(events.at(-1)).toMatchObject({ type: "turn.failed", error: { message: expect.stringContaining("boom") } })
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("outside a git repository it refuses with Codex's words unless --skip-git-repo-check", () =>
    Effect.gen(function* () {
      const h = yield* setup([{ type: "message", text: "ok" }])
      const env = { GIT_CEILING_DIRECTORIES: NodePath.dirname(h.workspace) }
      const refused = yield* h.cli(["exec", "hi"], { env })
      expect(refused.exitCode).toBe(1)
      expect(refused.stderr).toContain("Not inside a trusted directory and --skip-git-repo-check was not specified.\n")
      expect(yield* h.posts).toEqual([])
      const skipped = yield* h.cli(["exec", "--skip-git-repo-check", "hi"], { env })
      expect([skipped.exitCode, skipped.stdout]).toEqual([0, "ok\n"])
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("--ephemeral writes no rollout; --output-schema is sent as text.format; -o writes the answer; stdin joins the prompt", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const h = yield* setup([{ type: "message", text: "{\"ok\":true}", times: 3 }])
      const schema = { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"], additionalProperties: false }
      yield* fs.writeFileString(`${h.workspace}/schema.json`, JSON.stringify(schema))
      const run = yield* h.cli(
        ["exec", "--skip-git-repo-check", "--ephemeral", "--output-schema", "schema.json", "-o", "last.txt", "answer"],
        { stdin: "extra context" }
      )
      expect(run.exitCode).toBe(0)
      expect(yield* h.rollouts).toEqual([])
      const [request] = yield* h.posts
      const body = request?.body as { text?: unknown; input: ReadonlyArray<{ role?: string; content?: ReadonlyArray<{ text?: string }> }> }
      expect(body.text).toEqual({ format: { type: "json_schema", strict: true, schema, name: "codex_output_schema" } })
      expect(body.input.filter((i) => i.role === "user").at(-1)?.content?.[0]?.text).toBe("answer\n\n<stdin>\nextra context\n</stdin>")
      expect(yield* fs.readFileString(`${h.workspace}/last.txt`)).toBe("{\"ok\":true}")

      const piped = yield* h.cli(["exec", "--skip-git-repo-check", "-"], { stdin: "from stdin" })
      expect(piped.exitCode).toBe(0)
      expect(yield* h.rollouts).toHaveLength(1)
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("exec resume --last continues the session; bad flags are clap-style usage errors", () =>
    Effect.gen(function* () {
      const h = yield* setup([{ type: "message", text: "first" }, { type: "message", text: "second" }])
      expect((yield* h.cli(["exec", "--skip-git-repo-check", "one"])).stdout).toBe("first\n")
      const resumed = yield* h.cli(["exec", "resume", "--last", "--skip-git-repo-check", "--json", "two"])
      expect(resumed.exitCode).toBe(0)
      const events = jsonLines(resumed.stdout)
      expect(events.find((e) => e.type === "item.completed")).toMatchObject({ item: { type: "agent_message", text: "second" } })
      const [, second] = yield* h.posts
      const users = (second?.body as { input: ReadonlyArray<{ role?: string }> }).input.filter((i) => i.role === "user")
      expect(users.length).toBeGreaterThanOrEqual(2)
      expect(yield* h.rollouts).toHaveLength(1)

      const bad = yield* h.cli(["exec", "--bogus", "x"])
      expect(bad.exitCode).toBe(2)
      expect(bad.stderr).toBe("error: unrecognized arguments: --bogus\n\nUsage: tscodex exec [OPTIONS] [PROMPT]\n\nFor more information, try '--help'.\n")
      const noValue = yield* h.cli(["exec", "-c", "model", "x"])
      expect(noValue.exitCode).toBe(2)
      expect(noValue.stderr).toContain("error: Invalid override (missing '='): model")
    }).pipe(Effect.provide(NodeContext.layer)))
})
