/**
 * Whole-process turn benchmarks: the built CLI (and Codex when CODEX_BIN is set) against the wire
 * server, which writes one SSE event per socket write. Each case reports medians of wall time, CPU
 * time and peak RSS over several runs, the runs of both programs interleaved.
 */
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import type { FakeTurn } from "../test/support/fakeResponsesScript.js"
import { type ProcessMeasure, runMeasured, type Summary, summarize } from "./support/measure.js"
import { startWireServer, type WireServer } from "./support/wireServer.js"

const cli = resolve(import.meta.dirname, "../dist/tscodex.js")
const PROMPT = "Reply with the text."

/** Which program runs a turn. */
export type Program = "tscodex" | "codex"

export interface TurnCase {
  readonly name: string
  readonly turns: ReadonlyArray<FakeTurn>
  readonly pauseEvery?: number
  readonly pauseMs?: number
}

const echoCall: FakeTurn = {
  type: "function_calls",
  calls: [{ name: "exec_command", call_id: "call_echo_1", arguments: { cmd: "echo hello", yield_time_ms: 2000 } }]
}

/** 200 KB in 8-character deltas: `deltas` events. */
export const longAnswer = (deltas: number): FakeTurn => ({ type: "message", text: "abcdefgh".repeat(deltas), deltas: 8 })

export const cases = {
  ok: { name: "one-shot turn, \"OK\"", turns: [{ type: "message", text: "OK" }] },
  tool: { name: "tool round trip (exec_command `echo hello`, 2 requests)", turns: [echoCall, { type: "message", text: "done" }] },
  long: { name: "200 KB answer in 25,000 deltas, one event per write", turns: [longAnswer(25_000)] },
  longPaused: { name: "200 KB answer in 25,000 deltas, 1 ms pause every 50 events", turns: [longAnswer(25_000)], pauseEvery: 50, pauseMs: 1 },
  huge: { name: "2 MB answer in 250,000 deltas, one event per write", turns: [longAnswer(250_000)] }
} satisfies Record<string, TurnCase>

const tscodexConfig = (url: string) =>
  [
    'model = "gpt-5.5"',
    'model_provider = "bench"',
    'approval_policy = "never"',
    'sandbox_mode = "danger-full-access"',
    "[model_providers.bench]",
    'name = "Bench"',
    `base_url = "${url}"`,
    'env_key = "BENCH_API_KEY"',
    ""
  ].join("\n")

const codexConfig = (url: string) =>
  [
    'model = "gpt-5.5"',
    'model_provider = "bench"',
    'approval_policy = "never"',
    'sandbox_mode = "danger-full-access"',
    "check_for_update_on_startup = false",
    "[analytics]",
    "enabled = false",
    "[model_providers.bench]",
    'name = "Bench"',
    `base_url = "${url}"`,
    'wire_api = "responses"',
    'env_key = "BENCH_API_KEY"',
    ""
  ].join("\n")

/** The environment of a benchmarked process: nothing from this machine's Codex set-up. */
const baseEnv = (home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  HOME: home,
  CODEX_HOME: home,
  BENCH_API_KEY: "bench-key",
  TERM: "dumb",
  SHELL: "/bin/bash",
  TZ: "Etc/UTC",
  ...extra
})

export interface TurnRun extends ProcessMeasure {
  /** From spawn to the first model request reaching the server. */
  readonly firstRequestMs: number
  readonly connections: number
}

/** Runs one turn of `program` against a fresh wire server and a fresh home. */
export const runTurn = async (
  program: Program,
  turn: TurnCase,
  options: {
    readonly codexBin?: string
    readonly cli?: string
    readonly tls?: { key: string; cert: string; caFile: string }
    /** Extra environment of the benchmarked process. */
    readonly env?: NodeJS.ProcessEnv
  } = {}
): Promise<TurnRun> => {
  const server: WireServer = await startWireServer({
    script: turn.turns,
    ...(turn.pauseEvery !== undefined ? { pauseEvery: turn.pauseEvery } : {}),
    ...(turn.pauseMs !== undefined ? { pauseMs: turn.pauseMs } : {}),
    ...(options.tls !== undefined ? { tls: options.tls } : {})
  })
  const home = realpathSync(mkdtempSync(join(tmpdir(), "tscodex-bench-home-")))
  const workspace = realpathSync(mkdtempSync(join(tmpdir(), "tscodex-bench-ws-")))
  try {
    const tlsEnv = options.tls !== undefined ? { SSL_CERT_FILE: options.tls.caFile } : {}
    const env = baseEnv(home, { ...tlsEnv, ...options.env })
    let started = 0
    const measured =
      program === "tscodex"
        ? (writeFileSync(join(home, "config.toml"), tscodexConfig(server.url)),
          (started = performance.now()),
          await runMeasured({ command: process.execPath, args: [options.cli ?? cli, PROMPT], env, cwd: workspace }))
        : (writeFileSync(join(home, "config.toml"), codexConfig(server.url)),
          (started = performance.now()),
          await runMeasured({
            command: options.codexBin ?? "codex",
            args: ["exec", "--skip-git-repo-check", "-c", "analytics.enabled=false", PROMPT],
            env,
            cwd: workspace
          }))
    return { ...measured, firstRequestMs: server.firstRequestAt() - started, connections: server.connections() }
  } finally {
    await server.close()
    rmSync(home, { recursive: true, force: true })
    rmSync(workspace, { recursive: true, force: true })
  }
}

export interface CaseResult {
  readonly name: string
  readonly tscodex: Summary & { readonly firstRequestMs: number; readonly connections: number }
  readonly codex?: Summary & { readonly firstRequestMs: number; readonly connections: number }
}

const withExtras = (runs: ReadonlyArray<TurnRun>) => ({
  ...summarize(runs),
  firstRequestMs: summarize(runs.map((r) => ({ ...r, wallMs: r.firstRequestMs }))).wallMs,
  connections: runs[0]?.connections ?? 0
})

/** `runs` runs of a case for each program, interleaved (tscodex, Codex, tscodex, ...). */
export const runCase = async (turn: TurnCase, runs: number, codexBin: string | undefined): Promise<CaseResult> => {
  const ours: Array<TurnRun> = []
  const theirs: Array<TurnRun> = []
  for (let i = 0; i < runs; i++) {
    ours.push(await runTurn("tscodex", turn))
    if (codexBin !== undefined) theirs.push(await runTurn("codex", turn, { codexBin }))
  }
  return { name: turn.name, tscodex: withExtras(ours), ...(codexBin !== undefined ? { codex: withExtras(theirs) } : {}) }
}

const show = (s: Summary) => `${(s.wallMs / 1000).toFixed(3)} s wall, ${(s.cpuMs / 1000).toFixed(2)} s CPU, ${s.peakRssMib.toFixed(0)} MiB`

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const codexBin = process.env.CODEX_BIN
  const runs = Number(process.env.BENCH_RUNS ?? 5)
  const wanted = (process.argv[2] ?? "ok,tool,long").split(",") as Array<keyof typeof cases>
  for (const key of wanted) {
    const result = await runCase(cases[key], runs, codexBin)
    console.log(`${result.name}\n  tscodex: ${show(result.tscodex)}, first request ${result.tscodex.firstRequestMs.toFixed(0)} ms`)
    if (result.codex !== undefined) {
      console.log(`  codex:   ${show(result.codex)}, first request ${result.codex.firstRequestMs.toFixed(0)} ms`)
    }
  }
}
