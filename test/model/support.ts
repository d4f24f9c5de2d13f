/** Shared builders for the model client tests: a provider, a prompt, client construction. */
import * as HttpClient from "@effect/platform/HttpClient"
import { Effect } from "effect"
import { type ProviderInfo, providerDefaults } from "../../src/config/CodexConfig.js"
import * as Environment from "../../src/config/Environment.js"
import { userMessage } from "../../src/protocol/Items.js"
import type { Prompt } from "../../src/protocol/Prompt.js"
import * as ResponsesModelClient from "../../src/model/ResponsesModelClient.js"
import * as FakeResponsesServer from "../support/FakeResponsesServer.js"
import type { FakeScriptInput } from "../support/FakeResponsesServer.js"

export const SESSION = "00000000-0000-7000-8000-000000000000"

export const provider = (overrides: Partial<ProviderInfo> = {}): ProviderInfo => ({
  ...providerDefaults,
  id: "demo",
  name: "demo",
  baseUrl: "https://example.com/v1",
  ...overrides
})

export const prompt = (overrides: Partial<Prompt> = {}): Prompt => ({
  input: [userMessage("hi")],
  tools: [],
  parallelToolCalls: true,
  ...overrides
})

export const options = (overrides: Partial<ResponsesModelClient.Options> = {}): ResponsesModelClient.Options => ({
  provider: provider(),
  model: "demo-model",
  sessionId: SESSION,
  originator: "codex_exec",
  userAgent: "codex_exec/0.1.0 (Debian GNU/Linux 12; x86_64) xterm (codex-exec; 0.1.0)",
  timeoutSeconds: 120,
  ...overrides
})

/** A client over the given HttpClient and environment. */
export const clientWith = (
  client: HttpClient.HttpClient,
  opts: ResponsesModelClient.Options,
  env: Record<string, string> = {}
) =>
  ResponsesModelClient.make(opts).pipe(
    Effect.provideService(HttpClient.HttpClient, client),
    Effect.provideService(Environment.Environment, Environment.fromRecord(env))
  )

/** A client over the real wire client (node:http), for tests against the fake server. */
export const liveClient = (opts: ResponsesModelClient.Options, env: Record<string, string> = {}) =>
  Effect.flatMap(HttpClient.HttpClient, (http) => clientWith(http, opts, env)).pipe(
    Effect.provide(ResponsesModelClient.layerHttpClient)
  )

/** A client over the in-memory fake transport (TestClock-friendly). */
export const scriptedClient = (
  script: FakeScriptInput,
  opts: ResponsesModelClient.Options,
  env: Record<string, string> = {}
) =>
  Effect.gen(function* () {
    const fake = yield* FakeResponsesServer.makeHttpClient(script)
    const client = yield* clientWith(fake.client, opts, env)
    return { client, requests: fake.requests }
  })
