/** Errors a person can act on, on the built CLI: HTTP statuses, unreachable servers, config values. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as NodeFs from "node:fs"
import { defaultConfig, KEY_VARIABLE, setup } from "./support.js"

const noRetries = (url: string) => defaultConfig(url) + "request_max_retries = 0\nstream_max_retries = 0\n"

describe("errors on the command line", () => {
  it.scopedLive("401 names the provider and the variable the key came from, with the JSON body's message", () =>
    Effect.gen(function* () {
      const h = yield* setup([
        { type: "http_error", status: 401, body: { error: { message: "Incorrect API key provided.", type: "invalid_request_error", code: "invalid_api_key" } } }
      ])
      const run = yield* h.cli(["hi"])
      expect(run.exitCode).toBe(1)
      expect(run.stderr.split("\n")).toEqual([
        "Error: responses request failed with status 401: Incorrect API key provided.",
        "- provider: fake",
        `- request: POST ${h.url}/responses`,
        `- hint: the API key comes from the environment variable ${KEY_VARIABLE}; check that it holds a valid key for provider \`fake\``,
        ""
      ])
    }).pipe(Effect.provide(NodeContext.layer)), 30_000)

  it.scopedLive("404 names the URL and suggests base_url and wire_api", () =>
    Effect.gen(function* () {
      const h = yield* setup([{ type: "http_error", status: 404, body: "Not Found" }])
      const run = yield* h.cli(["hi"])
      expect(run.exitCode).toBe(1)
      expect(run.stderr).toContain(`- request: POST ${h.url}/responses\n`)
      expect(run.stderr).toContain("check `base_url` (most servers expect it to end in /v1) and `wire_api` of provider `fake`")
    }).pipe(Effect.provide(NodeContext.layer)), 30_000)

  it.scopedLive("a refused connection names the URL and says nothing about streams", () =>
    Effect.gen(function* () {
      const h = yield* setup([], () => noRetries("http://127.0.0.1:9/v1"))
      const run = yield* h.cli(["hi"])
      expect(run.exitCode).toBe(1)
      expect(run.stderr.split("\n")[0]).toBe("Error: could not connect to http://127.0.0.1:9/v1/responses: connection refused")
      expect(run.stderr).toContain("- hint: check `base_url` of provider `fake`, and that the server is running")
      expect(run.stderr).not.toMatch(/SSE|ended|responses_server/)
    }).pipe(Effect.provide(NodeContext.layer)), 30_000)

  it.scopedLive("a config value of the wrong type is one line naming file and key, exit 1, nothing sent", () =>
    Effect.gen(function* () {
      const h = yield* setup([{ type: "message", text: "never" }], (url) => defaultConfig(url).replace('model = "gpt-5.5"', "model = 5"))
      const run = yield* h.cli(["hi"])
      expect(run).toMatchObject({ exitCode: 1, stdout: "", stderr: `Error: ${h.configPath}: model must be text, got 5\n` })
      expect(yield* h.posts).toEqual([])
    }).pipe(Effect.provide(NodeContext.layer)), 30_000)

  it.scopedLive("an unknown value of an enumerated key is one warning line, printed once", () =>
    Effect.gen(function* () {
      const h = yield* setup([{ type: "message", text: "fine" }], (url) =>
        'approval_policy = "sometimes"\nmodel_reasoning_effort = "ultra"\n' + defaultConfig(url))
      const run = yield* h.cli(["hi"])
      expect(run.exitCode).toBe(0)
      expect(run.stdout).toBe("fine\n")
      expect(run.stderr.split("\n").filter((l) => l !== "")).toEqual([
        `[warning] ${h.configPath}: approval_policy "sometimes" is not one of untrusted, unless-trusted, on-failure, on-request, never, on-request-rule-request-permission; it is ignored`,
        `[warning] ${h.configPath}: model_reasoning_effort "ultra" is not one of none, minimal, low, medium, high, xhigh; it is ignored`
      ])
      expect(NodeFs.existsSync(h.configPath)).toBe(true)
    }).pipe(Effect.provide(NodeContext.layer)), 30_000)
})
