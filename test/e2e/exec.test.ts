/** One-shot exec mode through the built CLI (dist/tscodex.js) against the scripted Responses server. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as Command from "@effect/platform/Command"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { bubblewrap } from "../support/Bubblewrap.js"
import { type FakeRequest, inputOf, jsonLines, KEY_VARIABLE, setup } from "./support.js"

const lastUserText = (request: FakeRequest | undefined): string | undefined => {
  const users = inputOf(request).filter((item) => item.type === "message" && item.role === "user")
  return users.at(-1)?.content?.[0]?.text
}
const metadataOf = (request: FakeRequest | undefined): Record<string, unknown> =>
  JSON.parse(request?.headers["x-codex-turn-metadata"] ?? "null") as Record<string, unknown>

const ECHO_TURNS = [
  { type: "function_calls" as const, calls: [{ name: "exec_command", call_id: "call_echo_1", arguments: { cmd: "echo hello", yield_time_ms: 2000 } }] },
  { type: "message" as const, text: "done" }
]
const ECHO_PROMPT = "Run echo hello, then say done."

describe("tscodex <prompt> (one-shot exec)", () => {
  it.scopedLive("a message-only turn prints the answer alone and records the session", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const h = yield* setup([{ type: "message", text: "Hello there, friend." }])
      const run = yield* h.cli(["say", "hello"])
      expect(run.stderr).toBe("")
      expect(run.stdout).toBe("Hello there, friend.\n")
      expect(run.exitCode).toBe(0)

      const posts = yield* h.posts
      expect(posts.map((r) => r.path)).toEqual(["/v1/responses"])
      expect((yield* h.requests).length).toBe(1)
      const request = posts[0]!
      expect(lastUserText(request)).toBe("say hello")
      expect(request.headers.authorization).toBe("Bearer test-key")
      const body = request.body as { instructions: string; prompt_cache_key: string }
      expect(body.instructions.length).toBeGreaterThan(100)

      // sessions/YYYY/MM/DD/rollout-YYYY-MM-DDTHH-MM-SS-<id>.jsonl, dated by the UTC clock
      const files = yield* h.rollouts
      expect(files.length).toBe(1)
      const relative = files[0]!.slice(`${h.home}/sessions/`.length)
      const match = /^(\d{4})\/(\d{2})\/(\d{2})\/rollout-(\d{4})-(\d{2})-(\d{2})T\d{2}-\d{2}-\d{2}-([0-9a-f-]{36})\.jsonl$/.exec(relative)
      expect(match, relative).not.toBeNull()
      expect(match!.slice(1, 4)).toEqual(match!.slice(4, 7))
      expect(match![7]).toBe(body.prompt_cache_key)

      const records = jsonLines(yield* fs.readFileString(files[0]!))
      expect(records.map((r) => Object.keys(r))).toEqual(records.map(() => ["timestamp", "type", "payload"]))
      expect(records.map((r) => r.type)).toEqual(["session_meta", "response_item", "event_msg", "response_item"])
      const meta = records[0]!.payload as Record<string, unknown>
      expect(Object.keys(meta)).toEqual(["id", "timestamp", "cwd", "originator", "cli_version", "source", "model_provider", "base_instructions"])
      expect(meta).toMatchObject({
        id: body.prompt_cache_key,
        cwd: h.workspace,
        originator: "codex-tui",
        source: "cli",
        // the provider's id, as Codex and pycodex record it, not its display name
        model_provider: "fake",
        base_instructions: { text: body.instructions }
      })
      expect(records[1]!.payload).toEqual({ type: "message", role: "user", content: [{ type: "input_text", text: "say hello" }] })
      expect(records[2]!.payload).toEqual({ type: "user_message", message: "say hello", images: [], local_images: [], text_elements: [] })
      expect(records[3]!.payload).toEqual({ type: "message", role: "assistant", content: [{ type: "output_text", text: "Hello there, friend." }] })
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("a tool round trip runs exec_command and sends its output back", () =>
    Effect.gen(function* () {
      const h = yield* setup(ECHO_TURNS)
      // a git checkout as working directory: every request of the first turn names it
      yield* Command.make("git", "init", "-q").pipe(Command.workingDirectory(h.workspace), Command.exitCode)

      const run = yield* h.cli([ECHO_PROMPT])
      expect(run.stdout).toBe("done\n")
      expect(run.stderr).toBe("[exec] echo hello -> hello\n")
      expect(run.exitCode).toBe(0)

      const posts = yield* h.posts
      expect(posts.length).toBe(2)
      const [first, second] = posts
      const firstInput = inputOf(first)
      const secondInput = inputOf(second)
      // the follow-up resends everything and appends the call and its output
      expect(secondInput.slice(0, firstInput.length)).toEqual(firstInput)
      const [call, output] = secondInput.slice(firstInput.length)
      expect(secondInput.length).toBe(firstInput.length + 2)
      expect(call).toMatchObject({ type: "function_call", name: "exec_command", call_id: "call_echo_1" })
      expect(JSON.parse(String(call!.arguments))).toEqual({ cmd: "echo hello", yield_time_ms: 2000 })
      expect(Object.keys(output!)).toEqual(["type", "call_id", "output"])
      expect(output!.type).toBe("function_call_output")
      expect(output!.call_id).toBe("call_echo_1")
      expect(typeof output!.output).toBe("string")
      expect(String(output!.output)).toMatch(/^Command: /)
      expect(String(output!.output)).toMatch(/Output:\nhello\n/)

      // one turn: the same turn id on both requests, and both carry the workspace
      const [m1, m2] = [metadataOf(first), metadataOf(second)]
      expect(Object.keys(m1)).toEqual(["turn_id", "workspaces", "sandbox"])
      expect(m2).toEqual(m1)
      expect(Object.keys(m1.workspaces as object)).toEqual([h.workspace])
      // No sandbox_mode configured: workspace-write where bubblewrap works, unsandboxed ("none") elsewhere.
      expect(m1.sandbox).toBe("bwrap" in bubblewrap ? "workspace-write" : "none")
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("--json prints the TurnResult with items in their in-memory shape", () =>
    Effect.gen(function* () {
      const h = yield* setup(ECHO_TURNS)
      const run = yield* h.cli(["--json", ECHO_PROMPT])
      expect(run.exitCode).toBe(0)
      const result = JSON.parse(run.stdout) as Record<string, unknown>
      expect(run.stdout).toBe(JSON.stringify(result, null, 2) + "\n")
      expect(Object.keys(result)).toEqual(["turn_id", "output_text", "iterations", "response_items", "history"])
      const posts = yield* h.posts
      expect(result.turn_id).toBe(metadataOf(posts[0]).turn_id)
      expect(result.output_text).toBe("done")
      expect(result.iterations).toBe(2)
      expect(result.response_items).toEqual([{ text: "done", role: "assistant" }])

      const history = result.history as ReadonlyArray<Record<string, unknown>>
      expect(history.length).toBe(4)
      expect(history[0]).toEqual({ text: ECHO_PROMPT, role: "user" })
      expect(Object.keys(history[0]!)).toEqual(["text", "role"])
      expect(history[1]).toEqual({
        call_id: "call_echo_1",
        name: "exec_command",
        arguments: { cmd: "echo hello", yield_time_ms: 2000 },
        tool_type: "function",
        kind: "tool_call"
      })
      expect(Object.keys(history[1]!)).toEqual(["call_id", "name", "arguments", "tool_type", "kind"])
      expect(Object.keys(history[2]!)).toEqual(["call_id", "name", "output", "content_items", "success", "is_error", "tool_type", "kind"])
      expect(history[2]).toMatchObject({ call_id: "call_echo_1", name: "exec_command", is_error: false, tool_type: "function", kind: "tool_result" })
      // the result in history is what the model was sent
      const sent = inputOf(posts[1]).find((item) => item.type === "function_call_output")
      expect(history[2]!.output).toBe(sent?.output)
      expect(history[3]).toEqual({ text: "done", role: "assistant" })
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("reads the prompt from piped stdin, stripped; --system-prompt becomes the instructions", () =>
    Effect.gen(function* () {
      const h = yield* setup([{ type: "message", text: "from stdin ok" }])
      const run = yield* h.cli(["--system-prompt", "Answer in one word."], { stdin: "  hello from stdin  \n" })
      expect(run.stdout).toBe("from stdin ok\n")
      expect(run.exitCode).toBe(0)
      const [request] = yield* h.posts
      expect(lastUserText(request)).toBe("hello from stdin")
      expect((request!.body as { instructions: string }).instructions).toBe("Answer in one word.")
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("without a prompt in argv or stdin it fails before any request", () =>
    Effect.gen(function* () {
      const h = yield* setup([{ type: "message", text: "unused" }])
      const empty = yield* h.cli([], { stdin: " \n\t " })
      expect(empty).toEqual({ stdout: "", stderr: "Error: prompt is required either as argv text or stdin\n", exitCode: 1 })
      expect(yield* h.requests).toEqual([])
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("`--` ends the options, so a prompt may start with dashes", () =>
    Effect.gen(function* () {
      const h = yield* setup([{ type: "message", text: "ok" }])
      const run = yield* h.cli(["--json", "--", "--bogus", "is", "a", "word"])
      expect(run.exitCode).toBe(0)
      expect(JSON.parse(run.stdout).output_text).toBe("ok")
      expect(lastUserText((yield* h.posts)[0])).toBe("--bogus is a word")
    }).pipe(Effect.provide(NodeContext.layer)))
})

describe("tscodex <prompt>: failures", () => {
  it.scopedLive("a fatal response.failed prints the whole server-failure text and exits 1", () =>
    Effect.gen(function* () {
      const h = yield* setup([{ type: "failed", code: "insufficient_quota", message: "You exceeded your current quota." }])
      const run = yield* h.cli(["hello"])
      const posts = yield* h.posts
      expect(posts.length).toBe(1)
      const sessionId = posts[0]!.headers["session_id"]
      expect(run.stdout).toBe("")
      expect(run.stderr).toBe(
        [
          "Error: responses stream failed on the server side",
          "- provider: fake",
          "- model: gpt-5.5",
          `- request: POST ${h.url}/responses`,
          `- session_id: ${sessionId}`,
          "- detail: You exceeded your current quota.",
          "- meaning: the server accepted the request but emitted a terminal `response.failed` event",
          ""
        ].join("\n")
      )
      expect(run.exitCode).toBe(1)
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("an HTTP 400 is shown verbatim as one line and not retried", () =>
    Effect.gen(function* () {
      const h = yield* setup([{ type: "http_error", status: 400, body: "synthetic client error" }])
      const run = yield* h.cli(["hello"])
      expect(run).toEqual({
        stdout: "",
        stderr: "Error: responses request failed with status 400: synthetic client error\n",
        exitCode: 1
      })
      expect((yield* h.posts).length).toBe(1)
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("a missing API key names the variable and sends nothing", () =>
    Effect.gen(function* () {
      const h = yield* setup([{ type: "message", text: "unused" }])
      const run = yield* h.cli(["hello"], { env: { [KEY_VARIABLE]: "" } })
      expect(run).toEqual({ stdout: "", stderr: `Error: missing API key environment variable: ${KEY_VARIABLE}\n`, exitCode: 1 })
      expect(yield* h.requests).toEqual([])
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("config problems are one line naming the file: bad TOML, unknown profile, unknown provider", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const h = yield* setup([{ type: "message", text: "unused" }])
      const good = yield* fs.readFileString(h.configPath)

      yield* fs.writeFileString(h.configPath, 'model = "gpt-5.5"\nmodel_provider = [\n')
      const malformed = yield* h.cli(["hello"])
      expect(malformed.exitCode).toBe(1)
      expect(malformed.stdout).toBe("")
      expect(malformed.stderr).toMatch(new RegExp(`^Error: ${escape(h.configPath)}: invalid TOML at line \\d+, column \\d+: [^\\n]+\\n$`))

      yield* fs.writeFileString(h.configPath, good)
      const profile = yield* h.cli(["--profile", "nope", "hello"])
      expect(profile).toEqual({ stdout: "", stderr: `Error: ${h.configPath}: unknown Codex profile: nope\n`, exitCode: 1 })

      yield* fs.writeFileString(h.configPath, good.replace('model_provider = "fake"', 'model_provider = "ghost"'))
      const provider = yield* h.cli(["hello"])
      expect(provider.exitCode).toBe(1)
      expect(provider.stderr).toMatch(new RegExp(`^Error: ${escape(h.configPath)}: [^\\n]*model_providers\\.ghost[^\\n]*\\n$`))

      expect(yield* h.requests).toEqual([])
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("an unknown flag is a usage error (exit 2) that shows the usage", () =>
    Effect.gen(function* () {
      const h = yield* setup([{ type: "message", text: "unused" }])
      const run = yield* h.cli(["--bogus", "hello"])
      expect(run.exitCode).toBe(2)
      expect(run.stdout).toBe("")
      const lines = run.stderr.split("\n")
      expect(lines[0]).toMatch(/^usage: tscodex .*--config .*--json.*<prompt>/)
      expect(lines.slice(1)).toEqual(["tscodex: error: unrecognized arguments: --bogus", ""])

      const missingValue = yield* h.cli(["hello", "--profile"])
      expect(missingValue.exitCode).toBe(2)
      expect(missingValue.stderr.split("\n").slice(1)).toEqual(["tscodex: error: argument --profile: expected one argument", ""])
      expect(yield* h.requests).toEqual([])
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("with stream_max_retries = 0 a dropped or unfinished stream ends the run with the error text", () =>
    Effect.gen(function* () {
      const config = (url: string) =>
        `model = "gpt-5.4"\nmodel_provider = "neo"\n[model_providers.neo]\nbase_url = "${url}"\nenv_key = "${KEY_VARIABLE}"\nstream_max_retries = 0\n`
      const h = yield* setup(
        [
          { type: "disconnect", after_events: 3, text: "partial" },
          {
            type: "events",
            events: [
              { type: "response.created", response: { id: "resp_2", status: "in_progress", output: [] } },
              { type: "response.output_text.delta", item_id: "msg_2", output_index: 0, content_index: 0, delta: "half" }
            ]
          }
        ],
        config
      )
      const dropped = yield* h.cli(["Analyze current directory"])
      expect(dropped.exitCode).toBe(1)
      expect(dropped.stdout).toBe("")
      expect(dropped.stderr).toMatch(/^Error: responses request failed while reading the HTTP stream\n/)
      expect(dropped.stderr).toContain("\n- provider: neo\n- model: gpt-5.4\n")
      expect(dropped.stderr).toContain("\n- last_sse_event: response.output_text.delta\n")
      expect(dropped.stderr).not.toContain("Reconnecting")
      expect((yield* h.posts).length).toBe(1)

      const unfinished = yield* h.cli(["Analyze current directory"])
      expect(unfinished.exitCode).toBe(1)
      expect(unfinished.stderr).toMatch(/^Error: responses stream ended before `response\.completed`\n/)
      expect(unfinished.stderr).toContain("\n- provider: neo\n- model: gpt-5.4\n")
      expect(unfinished.stderr).toContain("\n- last_event: response.output_text.delta\n- output_items_received: 0\n")
      expect((yield* h.posts).length).toBe(2)
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("a retried attempt starts afresh: nothing from the dropped attempt reaches the next request", () =>
    Effect.gen(function* () {
      const config = (url: string) =>
        `model = "gpt-5.4"\nmodel_provider = "neo"\n[model_providers.neo]\nbase_url = "${url}"\nenv_key = "${KEY_VARIABLE}"\nstream_max_retries = 1\n`
      const call = { type: "function_call", id: "fc_1", call_id: "call_dropped", name: "exec_command", arguments: "{\"cmd\":\"echo dropped\"}" }
      const h = yield* setup(
        [
          {
            type: "events",
            events: [
              { type: "response.created", response: { id: "resp_1", status: "in_progress", output: [] } },
              { type: "response.output_item.done", output_index: 0, item: { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "plan" }] } },
              { type: "response.output_item.done", output_index: 1, item: call }
            ],
            then: "disconnect"
          },
          { type: "message", text: "RESUMED" }
        ],
        config
      )
      const run = yield* h.cli(["Analyze current directory"])
      expect(run.stdout).toBe("RESUMED\n")
      expect(run.stderr).toBe("[status] Reconnecting... 1/1\n")
      expect(run.exitCode).toBe(0)
      const [first, second] = yield* h.posts
      expect(inputOf(second)).toEqual(inputOf(first))
      expect(lastUserText(second)).toBe("Analyze current directory")
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("what a failed turn completed is kept: resume sends it with the next prompt", () =>
    Effect.gen(function* () {
      const h = yield* setup([
        {
          type: "function_calls",
          reasoning: "inspect repo",
          calls: [{ name: "exec_command", call_id: "call_echo_1", arguments: { cmd: "echo hello" } }]
        },
        { type: "http_error", status: 400, body: "follow-up refused" },
        { type: "message", text: "after resume" }
      ])
      const failed = yield* h.cli(["first prompt"])
      expect(failed.exitCode).toBe(1)
      expect(failed.stderr).toBe("[exec] echo hello -> hello\nError: responses request failed with status 400: follow-up refused\n")

      const resumed = yield* h.cli(["resume", "--last", "go on"])
      expect(resumed.stdout).toBe("after resume\n")
      expect(resumed.exitCode).toBe(0)
      const posts = yield* h.posts
      expect(posts.length).toBe(3)
      const history = inputOf(posts[2]).slice(2) // after the developer and contextual messages
      expect(history.map((item) => item.type === "message" ? `${item.role}` : String(item.type))).toEqual([
        "user",
        "reasoning",
        "function_call",
        "function_call_output",
        "user"
      ])
      expect(history[1]).toMatchObject({ summary: [{ type: "summary_text", text: "inspect repo" }] })
      expect(history[2]).toMatchObject({ name: "exec_command", call_id: "call_echo_1" })
      expect(String(history[3]!.output)).toMatch(/^Command: /)
      expect(lastUserText(posts[2])).toBe("go on")
    }).pipe(Effect.provide(NodeContext.layer)))
})

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
