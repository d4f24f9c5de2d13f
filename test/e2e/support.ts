/** Shared set-up for end-to-end runs of the built CLI: a scripted server, a temp Codex home and workspace. */
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect } from "effect"
import * as NodeFs from "node:fs"
import { runCli } from "../support/Cli.js"
import * as FakeResponsesServer from "../support/FakeResponsesServer.js"

export type FakeRequest = FakeResponsesServer.FakeRequest

/** The variable that holds the API key in every generated config. */
export const KEY_VARIABLE = "TSCODEX_E2E_KEY"

/** A config.toml aimed at `url`; `$URL` in a given text is replaced by the server's base URL. */
export const defaultConfig = (url: string): string =>
  [
    'model = "gpt-5.5"',
    'model_provider = "fake"',
    "",
    "[model_providers.fake]",
    'name = "Fake Responses"',
    `base_url = "${url}"`,
    `env_key = "${KEY_VARIABLE}"`,
    ""
  ].join("\n")

export interface Harness {
  /** The Codex home (symlinks resolved), holding config.toml. */
  readonly home: string
  /** An empty folder the CLI runs in, outside any git repository of the test run. */
  readonly workspace: string
  readonly configPath: string
  readonly url: string
  readonly requests: Effect.Effect<ReadonlyArray<FakeRequest>>
  /** POST requests only. */
  readonly posts: Effect.Effect<ReadonlyArray<FakeRequest>>
  /** Runs `tscodex ...args` in the workspace with CODEX_HOME and the key set (unless overridden). */
  readonly cli: (
    args: ReadonlyArray<string>,
    options?: { readonly env?: Record<string, string>; readonly stdin?: string }
  ) => ReturnType<typeof runCli>
  /** The rollout files under `$CODEX_HOME/sessions`, as absolute paths. */
  readonly rollouts: Effect.Effect<ReadonlyArray<string>>
}

/**
 * A scripted server and a fresh home whose config points at it, both living as long as the
 * enclosing Scope. `config` receives the server URL and returns the config.toml text.
 */
export const setup = (script: FakeResponsesServer.FakeScriptInput, config: (url: string) => string = defaultConfig) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const server = yield* FakeResponsesServer.make(script)
    const home = NodeFs.realpathSync(yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-e2e-home-" }))
    const workspace = NodeFs.realpathSync(yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-e2e-ws-" }))
    const configPath = `${home}/config.toml`
    yield* fs.writeFileString(configPath, config(server.url))
    const cli: Harness["cli"] = (args, options = {}) =>
      runCli(args, {
        cwd: workspace,
        env: { CODEX_HOME: home, [KEY_VARIABLE]: "test-key", TERM: "xterm", SHELL: "/bin/bash", TZ: "Etc/UTC", ...options.env },
        ...(options.stdin !== undefined ? { stdin: options.stdin } : {})
      })
    const rollouts = fs.readDirectory(`${home}/sessions`, { recursive: true }).pipe(
      Effect.map((names) => names.filter((n) => n.endsWith(".jsonl")).sort().map((n) => `${home}/sessions/${n}`)),
      Effect.orElseSucceed((): ReadonlyArray<string> => [])
    )
    const posts = Effect.map(server.requests, (all) => all.filter((r) => r.method === "POST"))
    return { home, workspace, configPath, url: server.url, requests: server.requests, posts, cli, rollouts } satisfies Harness
  })

/** A request body's input items, loosely typed for assertions. */
export type InputItem = Record<string, unknown> & {
  readonly type?: string
  readonly role?: string
  readonly content?: ReadonlyArray<{ readonly type?: string; readonly text?: string }>
}

export const inputOf = (request: FakeRequest | undefined): ReadonlyArray<InputItem> =>
  ((request?.body as { input?: ReadonlyArray<InputItem> } | null)?.input ?? [])

/** Parses JSONL text into records, failing the test on a line that is not JSON. */
export const jsonLines = (text: string): ReadonlyArray<Record<string, unknown>> =>
  text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>)
