/** Tests of the wire client: exact headers and body on the socket, model listing, dropped connections. */
import { expect, it } from "@effect/vitest"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Effect, Either, Exit, Layer, Stream } from "effect"
import * as CodexConfig from "../../src/config/CodexConfig.js"
import { ModelClient } from "../../src/model/ModelClient.js"
import * as Environment from "../../src/config/Environment.js"
import { complete } from "../../src/model/ModelClient.js"
import * as ResponsesModelClient from "../../src/model/ResponsesModelClient.js"
import * as FakeResponsesServer from "../support/FakeResponsesServer.js"
import { liveClient, options, prompt, provider } from "./support.js"

it.scoped("sends exactly the built headers and body over the wire (acceptance 10)", () =>
  Effect.gen(function* () {
    const server = yield* FakeResponsesServer.make([{ type: "message", text: "OK" }])
    const opts = options({ provider: provider({ baseUrl: server.url, envKey: "DEMO_KEY" }), guardianApproval: true })
    const client = yield* liveClient(opts, { DEMO_KEY: "secret" })
    const p = prompt({ turnMetadata: { turn_id: "turn_123", sandbox: "none" } })
    const items = yield* complete(client, p, () => Effect.void)
    expect(items).toEqual([{ _tag: "AssistantMessage", text: "OK" }])

    const requests = yield* server.requests
    expect(requests).toHaveLength(1)
    const request = requests[0]!
    expect(request.method).toBe("POST")
    expect(request.path).toBe("/v1/responses")
    const settings = { ...opts, guardianApproval: true }
    const built = ResponsesModelClient.responsesHeaders(settings, opts.sessionId!, "secret", p, Environment.fromRecord({}))
    for (const [name, value] of built) expect(request.headers[name], name).toBe(value)
    expect(built.map(([name]) => name)).not.toContain("accept-encoding")
    expect(built.map(([name]) => name)).not.toContain("connection")
    expect(request.headers["accept-encoding"]).toBe("identity")
    expect(request.headers).not.toHaveProperty("connection")
    expect(request.headers).not.toHaveProperty("traceparent")
    expect(request.headers).not.toHaveProperty("b3")
    const body = Either.getOrThrow(ResponsesModelClient.responsesBody(settings, "demo-model", opts.sessionId!, p))
    expect(request.body).toEqual(body)
    // the client's own headers are sent in the order they were built
    const wireOrder = request.rawHeaders.map(([name]) => name.toLowerCase()).filter((name) => built.some(([n]) => n === name))
    expect(wireOrder).toEqual(built.map(([name]) => name))
  })
)

it.scoped("lists models with one GET /v1/models (acceptance 5)", () =>
  Effect.gen(function* () {
    const server = yield* FakeResponsesServer.make({ turns: [], models: ["demo-model", "alt-model"] })
    const client = yield* liveClient(options({ provider: provider({ baseUrl: server.url }) }))
    expect(yield* client.listModels).toEqual(["demo-model", "alt-model"])
    const requests = yield* server.requests
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v1/models"])
    expect(requests[0]!.headers.accept).toBe("application/json")
    expect(requests[0]!.headers.originator).toBe("codex_exec")
    expect(requests[0]!.headers).not.toHaveProperty("authorization")
  })
)

it.scoped("a dropped connection is a retryable transport error naming what was received", () =>
  Effect.gen(function* () {
    const server = yield* FakeResponsesServer.make([{ type: "disconnect", after_events: 3, text: "partial" }])
    const client = yield* liveClient(options({ provider: provider({ baseUrl: server.url, streamMaxRetries: 0 }) }))
    const deltas: Array<string> = []
    const exit = yield* client.stream(prompt()).pipe(
      Stream.runForEach((event) => Effect.sync(() => event._tag === "AssistantDelta" && deltas.push(event.delta))),
      Effect.exit
    )
    expect(deltas).toEqual(["partial"])
    expect(Exit.isFailure(exit)).toBe(true)
    if (Exit.isFailure(exit) && exit.cause._tag === "Fail") {
      const error = exit.cause.error
      expect(error._tag).toBe("RetryableStreamError")
      const lines = error.message.split("\n")
      expect(lines[0]).toBe("responses request failed while reading the HTTP stream")
      expect(lines).toContain("- raw_lines_received: 9")
      expect(lines).toContain("- sse_events_received: 3")
      expect(lines).toContain("- last_event_type: response.output_text.delta")
      expect(lines).toContain("- detail: Response ended prematurely")
      expect(lines.at(-1)).toContain("responses_server")
    } else {
      expect.fail("expected a failure")
    }
  })
)

it.scoped("a refused connection names the URL, with no hint about a stream that ended early", () =>
  Effect.gen(function* () {
    const client = yield* liveClient(
      options({ provider: provider({ baseUrl: "http://127.0.0.1:9/v1", streamMaxRetries: 0, requestMaxRetries: 0 }) })
    )
    const error = yield* client.stream(prompt()).pipe(Stream.runDrain, Effect.flip)
    expect(error._tag).toBe("RetryableStreamError")
    expect(error.message.split("\n")).toEqual([
      "could not connect to http://127.0.0.1:9/v1/responses: connection refused",
      "- provider: demo",
      expect.stringMatching(/^- model: /),
      "- request: POST http://127.0.0.1:9/v1/responses",
      expect.stringMatching(/^- session_id: /),
      "- exception: ECONNREFUSED",
      "- detail: connect ECONNREFUSED 127.0.0.1:9",
      "- meaning: nothing accepts connections at 127.0.0.1:9",
      "- hint: check `base_url` of provider `demo`, and that the server is running"
    ])
  })
)

it.scoped("layer builds the client from CodexConfig and the Environment (acceptance 1, 11)", () =>
  Effect.gen(function* () {
    const server = yield* FakeResponsesServer.make([{ type: "message", text: "OK" }])
    const config = CodexConfig.layerValue({
      model: "fast-model",
      provider: provider({ id: "backup", name: "backup", baseUrl: server.url, envKey: "BACKUP_KEY", queryParams: [["api_version", "2026-03-01"]] }),
      reasoningEffort: "high",
      verbosity: "medium",
      guardianApproval: true
    })
    const layer = ResponsesModelClient.layer({ originator: "codex-tui", version: "0.1.0", timeoutSeconds: 5, sessionId: "sess-1" }).pipe(
      Layer.provide(Layer.mergeAll(config, Environment.layerValue({ BACKUP_KEY: "test-key", TERM: "xterm" }), NodeFileSystem.layer))
    )
    const client = yield* Effect.provide(ModelClient, layer)
    yield* Stream.runDrain(client.stream(prompt()))
    const [request] = yield* server.requests
    expect(request!.path).toBe("/v1/responses?api_version=2026-03-01")
    expect(request!.headers.authorization).toBe("Bearer test-key")
    expect(request!.headers["x-codex-beta-features"]).toBe("guardian_approval")
    expect(request!.headers.originator).toBe("codex-tui")
    expect(request!.headers["user-agent"]).toMatch(/^codex-tui\/0\.1\.0 \(.+; .+\) xterm \(codex-tui; 0\.1\.0\)$/)
    expect(request!.body).toMatchObject({ model: "fast-model", prompt_cache_key: "sess-1", reasoning: { effort: "high" }, text: { verbosity: "medium" } })
  })
)
