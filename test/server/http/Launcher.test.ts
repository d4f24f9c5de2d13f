/** The in-process launcher and base URL normalization, and our own Responses client driving a whole turn through the server. */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Either, Exit, Layer, Scope, Stream } from "effect"
import * as Environment from "../../../src/config/Environment.js"
import * as WireHttpClient from "../../../src/model/wireHttpClient.js"
import { toolCall, toolResult, userMessage as userItem } from "../../../src/protocol/Items.js"
import type { ToolSpec } from "../../../src/protocol/Prompt.js"
import type { ModelEvent } from "../../../src/protocol/ModelEvent.js"
import * as Launcher from "../../../src/server/Launcher.js"
import * as ServerConfig from "../../../src/server/ServerConfig.js"
import * as FakeChatServer from "../../support/FakeChatServer.js"
import { chatReply, textChunks, toolCallChunks } from "../../support/FakeChatServer.js"
import { options, prompt, provider, liveClient } from "../../model/support.js"

const echoTool: ToolSpec = {
  name: "echo",
  description: "Echo text.",
  toolType: "function",
  inputSchema: { type: "object" },
  supportsParallel: true
}

const deps = Layer.mergeAll(WireHttpClient.layer, Environment.layerValue({}))

describe("ServerConfig", () => {
  it("normalizes base URLs like the launcher", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["http://h:8000", "http://h:8000/v1"],
      ["http://h:8000/", "http://h:8000/v1"],
      ["http://h:8000/v1/", "http://h:8000/v1"],
      ["http://h:8000/api//", "http://h:8000/api"],
      ["https://x.y/v1?q=1", "https://x.y/v1?q=1"]
    ]
    for (const [input, output] of cases) expect(ServerConfig.normalizeBaseUrl(input)).toEqual(Either.right(output))
    for (const input of ["h:8000", "localhost", ""]) {
      const result = ServerConfig.normalizeBaseUrl(input)
      expect(Either.isLeft(result) && result.left.message).toBe(`invalid outcomming base url: ${input}`)
    }
  })

  it("derives the downstream URLs and API", () => {
    const config = ServerConfig.make({ outcommingBaseUrl: "http://h:8000//", outcommingApi: " Messages " })
    expect(ServerConfig.chatCompletionsUrl(config)).toBe("http://h:8000/chat/completions")
    expect(ServerConfig.messagesUrl(config)).toBe("http://h:8000/messages")
    expect(ServerConfig.modelsUrl(config)).toBe("http://h:8000/models")
    expect(ServerConfig.normalizedApi(config)).toBe("messages")
    expect(ServerConfig.normalizedApi(ServerConfig.make({ outcommingApi: "" }))).toBe("chat_completions")
    expect(ServerConfig.normalizedApi(ServerConfig.make({ outcommingApi: "grpc" }))).toBeUndefined()
  })
})

describe("Launcher", () => {
  it.live("listens on a free port until its scope closes, without contacting the downstream", () =>
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      const server = yield* Launcher.launchForBaseUrl("http://127.0.0.1:1").pipe(Scope.extend(scope), Effect.provide(deps))
      expect(server.port).toBeGreaterThan(0)
      expect(server.baseUrl).toBe(`http://127.0.0.1:${server.port}/v1`)
      expect(server.config.outcommingBaseUrl).toBe("http://127.0.0.1:1/v1")
      const health = yield* WireHttpClient.make.get(`http://127.0.0.1:${server.port}/healthz`).pipe(Effect.flatMap((r) => r.text))
      expect(health).toBe("{\"ok\":true}")
      yield* Scope.close(scope, Exit.void)
      const after = yield* Effect.either(WireHttpClient.make.get(`http://127.0.0.1:${server.port}/healthz`))
      expect(Either.isLeft(after)).toBe(true)
    }))

  it.scopedLive("refuses a base URL without scheme or host", () =>
    Effect.gen(function* () {
      const result = yield* Effect.either(Launcher.launchForBaseUrl("localhost").pipe(Effect.provide(deps)))
      expect(Either.isLeft(result) && result.left.message).toBe("invalid outcomming base url: localhost")
    }))

  it.scopedLive("our Responses client runs a tool round and an answer through the server", () =>
    Effect.gen(function* () {
      const fake = yield* FakeChatServer.make({
        chat: [chatReply(toolCallChunks("call_1", "echo", ["{\"text\":", "\"hello\"}"])), chatReply(textChunks("done"))]
      })
      const server = yield* Launcher.launchForBaseUrl(fake.url, { modelProvider: "vllm" }).pipe(Effect.provide(deps))
      const client = yield* liveClient(
        options({ provider: provider({ baseUrl: server.baseUrl, envKey: "LOCAL_KEY" }), model: "gpt-5.4" }),
        { LOCAL_KEY: "dummy" }
      )
      const tools = [echoTool]
      const collect = (events: Stream.Stream<ModelEvent, unknown>) => Effect.map(Stream.runCollect(events), Chunk.toReadonlyArray)

      const first = yield* collect(client.stream(prompt({ tools })))
      const seen = first.find((e) => e._tag === "ToolCallSeen")
      expect(seen).toMatchObject({ callId: "call_1", toolName: "echo" })
      const done = first.at(-1)!
      expect(done._tag).toBe("Completed")

      const second = yield* collect(client.stream(prompt({
        tools,
        input: [
          userItem("hi"),
          toolCall("call_1", "echo", { text: "hello" }),
          toolResult({ callId: "call_1", name: "echo", output: "hello" })
        ]
      })))
      const text = second.filter((e) => e._tag === "AssistantDelta").map((e) => (e as { delta: string }).delta).join("")
      expect(text).toBe("done")
      expect(second.at(-1)!._tag).toBe("Completed")

      const posts = fake.posts()
      expect(posts.length).toBe(2)
      const body = posts[1]!.body as { messages: ReadonlyArray<Record<string, unknown>> }
      expect(body.messages.at(-1)).toEqual({ role: "tool", tool_call_id: "call_1", content: "hello" })
    }))
})
