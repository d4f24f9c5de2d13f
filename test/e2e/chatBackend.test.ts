/** Chat-completions and Messages backends through the built CLI: a local compatibility server is started for the session. */
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as NodeFs from "node:fs"
import { runCli } from "../support/Cli.js"
import * as FakeChatServer from "../support/FakeChatServer.js"
import { chatReply, messagesReply, textChunks } from "../support/FakeChatServer.js"

const KEY = "TSCODEX_E2E_CHAT_KEY"

const providerConfig = (url: string, extra = "") =>
  [
    'model = "gpt-5.4"',
    'model_provider = "chatty"',
    "",
    "[model_providers.chatty]",
    'name = "Chatty"',
    `base_url = "${url}"`,
    `env_key = "${KEY}"`,
    extra,
    ""
  ].join("\n")

/** A home whose config points at `url`, and a runner of the built CLI in an empty workspace. */
const harness = (config: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const home = NodeFs.realpathSync(yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-e2e-home-" }))
    const workspace = NodeFs.realpathSync(yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-e2e-ws-" }))
    yield* fs.writeFileString(`${home}/config.toml`, config)
    return (args: ReadonlyArray<string>) =>
      runCli(args, {
        cwd: workspace,
        env: { CODEX_HOME: home, [KEY]: " sk-chat ", TERM: "xterm", SHELL: "/bin/bash", TZ: "Etc/UTC" }
      })
  })

const lastUserText = (body: unknown): unknown => {
  const messages = (body as { messages: ReadonlyArray<{ role: string; content: unknown }> }).messages
  return messages.filter((m) => m.role === "user").at(-1)?.content
}

describe("chat-completions providers", () => {
  it.scopedLive("use_chat_completion = true runs the turn through a local server against the chat API", () =>
    Effect.gen(function* () {
      const fake = yield* FakeChatServer.make({ chat: [chatReply(textChunks("Hello from chat"))] })
      const cli = yield* harness(providerConfig(fake.url, "use_chat_completion = true"))
      const run = yield* cli(["Say hello"])
      expect(run.stderr).toBe("")
      expect(run.exitCode).toBe(0)
      expect(run.stdout).toContain("Hello from chat")
      const posts = fake.posts()
      expect(posts.map((p) => p.path)).toEqual(["/v1/chat/completions"])
      expect(posts[0]!.headers.authorization).toBe("Bearer sk-chat")
      expect((posts[0]!.body as { model: string }).model).toBe("gpt-5.4")
      expect(lastUserText(posts[0]!.body)).toBe("Say hello")
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("--vllm-endpoint sends to that endpoint with /v1 added and no key", () =>
    Effect.gen(function* () {
      const fake = yield* FakeChatServer.make({ chat: [chatReply(textChunks("vllm says hi"))] })
      const cli = yield* harness(providerConfig("http://127.0.0.1:1/v1"))
      const run = yield* cli(["--vllm-endpoint", fake.url.replace(/\/v1$/, ""), "hi"])
      expect(run.exitCode).toBe(0)
      expect(run.stdout).toContain("vllm says hi")
      const posts = fake.posts()
      expect(posts.map((p) => p.path)).toEqual(["/v1/chat/completions"])
      expect(posts[0]!.headers.authorization).toBeUndefined()
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("--use-messages sends Messages requests to the provider", () =>
    Effect.gen(function* () {
      const fake = yield* FakeChatServer.make({ messages: [messagesReply(FakeChatServer.messagesTextEvents("Hello from messages"))] })
      const cli = yield* harness(providerConfig(fake.url))
      const run = yield* cli(["--use-messages", "hi"])
      expect(run.exitCode).toBe(0)
      expect(run.stdout).toContain("Hello from messages")
      const posts = fake.posts()
      expect(posts.map((p) => p.path)).toEqual(["/v1/messages"])
      expect(posts[0]!.headers.authorization).toBe("Bearer sk-chat")
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("conflicting switches and a bad endpoint are clear errors, with nothing sent", () =>
    Effect.gen(function* () {
      const fake = yield* FakeChatServer.make({ chat: [chatReply(textChunks("never"))] })
      const cli = yield* harness(providerConfig(fake.url, "use_chat_completion = true"))
      const both = yield* cli(["--use-messages", "hi"])
      expect([both.exitCode, both.stderr]).toEqual([1, "Error: --use-chat-completion and --use-messages cannot be combined\n"])
      const vllm = yield* cli(["--vllm-endpoint", "http://127.0.0.1:9", "--use-messages", "hi"])
      expect(vllm.exitCode).toBe(1)
      const bad = yield* cli(["--vllm-endpoint", "localhost", "hi"])
      expect([bad.exitCode, bad.stderr]).toEqual([1, "Error: invalid outcomming base url: localhost\n"])
      expect(fake.requests()).toEqual([])
    }).pipe(Effect.provide(NodeContext.layer)))
})
