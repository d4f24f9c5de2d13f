/** Tests of RequestBuilding: URLs. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Ref, Stream } from "effect"
import { complete } from "../../src/model/ModelClient.js"
import * as FakeResponsesServer from "../support/FakeResponsesServer.js"
import * as Environment from "../../src/config/Environment.js"
import * as ResponsesModelClient from "../../src/model/ResponsesModelClient.js"
import {
  assistantMessage,
  contextMessage,
  reasoningItem,
  toolCall,
  toolResult,
  userMessage
} from "../../src/protocol/Items.js"
import type { ToolSpec } from "../../src/protocol/Prompt.js"
import { clientWith, options, prompt, provider, scriptedClient, SESSION } from "./support.js"

const env = (vars: Record<string, string> = {}) => Environment.fromRecord({ ...vars })
const settings = (overrides: Partial<ResponsesModelClient.Options> = {}) => {
  const opts = options(overrides)
  return { ...opts, guardianApproval: opts.guardianApproval ?? false }
}
const body = (s: ReturnType<typeof settings>, p = prompt(), session = SESSION) =>
  Either.getOrThrow(ResponsesModelClient.responsesBody(s, s.model, session, p))

const tools: ReadonlyArray<ToolSpec> = [
  {
    name: "echo",
    description: "Echo text back.",
    toolType: "function",
    inputSchema: { type: "object" },
    outputSchema: { type: "object", properties: { text: { type: "string" } } },
    supportsParallel: true
  },
  {
    name: "apply_patch",
    description: "Apply a patch.",
    toolType: "custom",
    format: { type: "grammar", syntax: "lark", definition: "start: /.+/" },
    supportsParallel: false
  },
  { name: "web_search", description: "", toolType: "web_search", options: { external_web_access: true }, supportsParallel: true }
]

const mixedPrompt = prompt({
  baseInstructions: "Be concise.",
  input: [
    contextMessage("developer", {
      contentItems: [
        { type: "input_text", text: "first developer block" },
        { type: "input_text", text: "second developer block" }
      ]
    }),
    userMessage("hi"),
    assistantMessage("hello"),
    toolCall("call_1", "echo", { text: "hello" }),
    toolResult({ callId: "call_1", name: "echo", output: "{\"text\":\"hello\"}" }),
    toolCall("call_2", "apply_patch", "*** Begin Patch\n*** End Patch", "custom"),
    toolResult({ callId: "call_2", name: "apply_patch", output: "patched", toolType: "custom" })
  ],
  tools
})

const referenceBody = {
  model: "demo-model",
  instructions: "Be concise.",
  input: [
    {
      type: "message",
      role: "developer",
      content: [
        { type: "input_text", text: "first developer block" },
        { type: "input_text", text: "second developer block" }
      ]
    },
    { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] },
    { type: "message", role: "assistant", content: [{ type: "output_text", text: "hello" }] },
    { type: "function_call", name: "echo", arguments: "{\"text\":\"hello\"}", call_id: "call_1" },
    { type: "function_call_output", call_id: "call_1", output: "{\"text\":\"hello\"}" },
    { type: "custom_tool_call", name: "apply_patch", input: "*** Begin Patch\n*** End Patch", call_id: "call_2" },
    { type: "custom_tool_call_output", call_id: "call_2", output: "patched", name: "apply_patch" }
  ],
  tools: [
    {
      type: "function",
      name: "echo",
      description: "Echo text back.",
      parameters: { type: "object" },
      strict: false,
      output_schema: { type: "object", properties: { text: { type: "string" } } }
    },
    {
      type: "custom",
      name: "apply_patch",
      description: "Apply a patch.",
      format: { type: "grammar", syntax: "lark", definition: "start: /.+/" }
    },
    { type: "web_search", external_web_access: true }
  ],
  parallel_tool_calls: true,
  store: false,
  stream: true,
  include: ["reasoning.encrypted_content"],
  prompt_cache_key: SESSION,
  tool_choice: "auto",
  reasoning: { effort: "medium", summary: "detailed" },
  text: { verbosity: "low" }
}

describe("URLs", () => {
  it("appends /responses and the query params in order (acceptance 1)", () => {
    const backup = provider({ baseUrl: "https://backup.example.com/openai/", queryParams: [["api_version", "2026-03-01"]] })
    expect(ResponsesModelClient.responsesUrl(backup)).toBe("https://backup.example.com/openai/responses?api_version=2026-03-01")
    expect(ResponsesModelClient.modelsUrl(backup)).toBe("https://backup.example.com/openai/models?api_version=2026-03-01")
    expect(ResponsesModelClient.responsesUrl(provider({ baseUrl: "http://h/v1///" }))).toBe("http://h/v1/responses")
  })
})

describe("body", () => {
  it("equals the reference body for the mixed prompt (acceptance 4, 6)", () => {
    const s = settings({ reasoningEffort: "medium", reasoningSummary: "detailed", verbosity: "low" })
    const built = body(s, mixedPrompt)
    expect(built).toEqual(referenceBody)
    expect(Object.keys(built)).toEqual(Object.keys(referenceBody))
    expect(JSON.parse((built.input[3] as { arguments: string }).arguments)).toEqual({ text: "hello" })
  })

  it("has no tool_choice, reasoning or text when not configured (acceptance 2)", () => {
    const built = body(settings())
    expect(built).not.toHaveProperty("tool_choice")
    expect(built).not.toHaveProperty("reasoning")
    expect(built).not.toHaveProperty("text")
    expect(built.tools).toEqual([])
    expect(built.instructions).toBe("")
  })

  it("sends only the configured reasoning keys", () => {
    expect(body(settings({ reasoningEffort: "high" })).reasoning).toEqual({ effort: "high" })
    expect(body(settings({ reasoningSummary: "auto" })).reasoning).toEqual({ summary: "auto" })
  })

  it("sends a reasoning input item verbatim (acceptance 15)", () => {
    const raw = { type: "reasoning", summary: [], content: null, encrypted_content: "encrypted-token" }
    expect(body(settings(), prompt({ input: [reasoningItem(raw)] })).input).toEqual([raw])
  })

  it("reports an input item that cannot be encoded as an InvalidPrompt", () => {
    const result = ResponsesModelClient.responsesBody(settings(), "m", SESSION, prompt({ input: [contextMessage("developer", {})] }))
    expect(Either.isLeft(result) && result.left._tag).toBe("InvalidPrompt")
  })
})

describe("headers", () => {
  it("are built in order with the optional ones (acceptance 7)", () => {
    const s = settings({ guardianApproval: true, provider: provider({ envKey: "K" }) })
    const headers = ResponsesModelClient.responsesHeaders(s, SESSION, "key-1", { turnMetadata: { turn_id: "turn_123", sandbox: "none" } }, env())
    expect(headers).toEqual([
      ["content-type", "application/json"],
      ["accept", "text/event-stream"],
      ["x-client-request-id", SESSION],
      ["session_id", SESSION],
      ["originator", "codex_exec"],
      ["user-agent", s.userAgent],
      ["authorization", "Bearer key-1"],
      ["x-codex-beta-features", "guardian_approval"],
      ["x-codex-turn-metadata", "{\"turn_id\":\"turn_123\",\"sandbox\":\"none\"}"]
    ])
    expect(s.userAgent).toMatch(/^codex_exec\/.+ \(.+; .+\) .+ \(codex-exec; .+\)$/)
  })

  it("keep turn metadata with workspaces unchanged and ASCII (acceptance 14)", () => {
    const metadata = {
      turn_id: "t",
      workspaces: {
        "/repo": { latest_git_commit_hash: "abc123", associated_remote_urls: { origin: "git@example.com:repo.git" }, has_changes: true }
      },
      sandbox: "none",
      note: "héllo ≤"
    }
    const headers = ResponsesModelClient.responsesHeaders(settings(), SESSION, undefined, { turnMetadata: metadata }, env())
    const value = headers.find(([name]) => name === "x-codex-turn-metadata")![1]
    expect(value).toMatch(/^[\x20-\x7e]+$/)
    expect(JSON.parse(value)).toEqual(metadata)
  })

  it("carry no authorization without env_key, on both endpoints (acceptance 3, 9)", () => {
    const s = settings()
    const names = (h: ReadonlyArray<readonly [string, string]>) => h.map(([n]) => n)
    expect(names(ResponsesModelClient.responsesHeaders(s, SESSION, undefined, {}, env()))).not.toContain("authorization")
    expect(names(ResponsesModelClient.modelsHeaders(s, undefined, env()))).not.toContain("authorization")
    expect(ResponsesModelClient.modelsHeaders({ ...s, subagent: "collab_spawn" }, "k", env())).toEqual([
      ["accept", "application/json"],
      ["originator", "codex_exec"],
      ["user-agent", s.userAgent],
      ["authorization", "Bearer k"],
      ["x-openai-subagent", "collab_spawn"]
    ])
  })

  it("honour provider http_headers and env_http_headers after the standard ones", () => {
    const s = settings({
      provider: provider({ httpHeaders: [["x-team", "core"]], envHttpHeaders: [["x-org", "ORG_ID"], ["x-missing", "NOPE"]] })
    })
    const headers = ResponsesModelClient.responsesHeaders(s, SESSION, undefined, {}, env({ ORG_ID: "org-7" }))
    expect(headers.slice(-2)).toEqual([["x-team", "core"], ["x-org", "org-7"]])
  })
})

describe("client identity", () => {
  it.effect("overrides keep or replace the session headers and cache key (acceptance 8)", () =>
    Effect.gen(function* () {
      const { client, requests } = yield* scriptedClient({ turns: [], exhausted: { type: "message", text: "OK" } }, options())
      const same = yield* client.withOverrides({ model: "other-model" })
      const agent = yield* client.withOverrides({ model: "other-model", sessionId: "agent_123", subagent: "collab_spawn" })
      yield* complete(same, prompt(), () => Effect.void)
      yield* complete(agent, prompt(), () => Effect.void)
      const [first, second] = yield* requests
      expect(first!.headers["x-client-request-id"]).toBe(SESSION)
      expect(first!.headers).not.toHaveProperty("x-openai-subagent")
      expect((first!.body as { model: string }).model).toBe("other-model")
      expect(second!.headers["x-client-request-id"]).toBe("agent_123")
      expect(second!.headers["session_id"]).toBe("agent_123")
      expect(second!.headers["x-openai-subagent"]).toBe("collab_spawn")
      expect((second!.body as { prompt_cache_key: string }).prompt_cache_key).toBe("agent_123")
    })
  )

  it.effect("a /model switch changes the next request body", () =>
    Effect.gen(function* () {
      const { client, requests } = yield* scriptedClient({ turns: [], exhausted: { type: "message", text: "OK" } }, options())
      yield* Ref.set(client.model, "alt-model")
      yield* complete(client, prompt(), () => Effect.void)
      expect(((yield* requests)[0]!.body as { model: string }).model).toBe("alt-model")
    })
  )

  it.effect("reads the API key on every request and fails, unretried, when it is missing", () =>
    Effect.gen(function* () {
      const vars: Record<string, string> = {}
      const fake = yield* FakeResponsesServer.makeHttpClient({ turns: [], exhausted: { type: "message", text: "OK" } })
      const client = yield* clientWith(fake.client, options({ provider: provider({ envKey: "LATE_KEY" }) }), vars)
      const error = yield* client.stream(prompt()).pipe(Stream.runDrain, Effect.flip)
      expect(error._tag).toBe("MissingApiKey")
      expect(error.message).toBe("missing API key environment variable: LATE_KEY")
      expect(yield* fake.requests).toHaveLength(0)
      vars.LATE_KEY = "now-set"
      yield* Stream.runDrain(client.stream(prompt()))
      expect((yield* fake.requests)[0]!.headers.authorization).toBe("Bearer now-set")
    })
  )
})
