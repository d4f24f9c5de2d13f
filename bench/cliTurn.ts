/** Benchmarks of the built CLI against the scripted Responses server: turn wall time, peak RSS, start-up. */
import { spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { performance } from "node:perf_hooks"
import { type FakeTurn, startFakeResponsesServer } from "../test/support/FakeResponsesServer.js"

const cli = resolve(import.meta.dirname, "../dist/tscodex.js")
const rssHook = resolve(import.meta.dirname, "support/maxRss.cjs")

export interface CliRunMeasure {
  readonly wallMs: number
  readonly peakRssMb: number
  /** From spawning the process to the model request reaching the server. */
  readonly firstRequestMs: number
  readonly stdoutBytes: number
}

export const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

/** One CLI run answering with `turn` (of the built CLI, or the one at `cliPath`); measured from spawn to exit. */
export const measureTurn = async (turn: FakeTurn, cliPath: string = cli): Promise<CliRunMeasure> => {
  let started = 0
  let firstRequest = 0
  const server = await startFakeResponsesServer({
    turns: (_request, _index) => {
      if (firstRequest === 0) firstRequest = performance.now()
      return turn
    }
  })
  const home = mkdtempSync(join(tmpdir(), "tscodex-bench-"))
  const rssFile = join(home, "rss")
  writeFileSync(
    join(home, "config.toml"),
    `model = "gpt-5.5"\nmodel_provider = "bench"\n[model_providers.bench]\nbase_url = "${server.url}"\nenv_key = "BENCH_KEY"\n`
  )
  try {
    started = performance.now()
    const stdoutBytes = await new Promise<number>((done, fail) => {
      const child = spawn(process.execPath, ["--require", rssHook, cliPath, "Reply with the text."], {
        env: { ...process.env, CODEX_HOME: home, BENCH_KEY: "k", TSCODEX_BENCH_RSS_FILE: rssFile },
        stdio: ["ignore", "pipe", "inherit"]
      })
      let bytes = 0
      child.stdout.on("data", (chunk: Buffer) => (bytes += chunk.length))
      child.on("exit", (code) => (code === 0 ? done(bytes) : fail(new Error(`tscodex exited with ${code}`))))
    })
    const wallMs = performance.now() - started
    return {
      wallMs,
      peakRssMb: Number(readFileSync(rssFile, "utf8")) / 1024,
      firstRequestMs: firstRequest - started,
      stdoutBytes
    }
  } finally {
    await server.close()
    rmSync(home, { recursive: true, force: true })
  }
}

/** `node -e 0`: the floor of any start-up time. */
export const nodeFloorMs = async (): Promise<number> => {
  const started = performance.now()
  await new Promise<void>((done) => spawn(process.execPath, ["-e", "0"]).on("exit", () => done()))
  return performance.now() - started
}

export interface CliTurnResult {
  readonly messageOnly: CliRunMeasure
  readonly largeAnswer: CliRunMeasure
  readonly nodeFloorMs: number
}

/** Median of `runs` runs for each case. */
export const runCliTurnBench = async (runs = 5): Promise<CliTurnResult> => {
  const small: Array<CliRunMeasure> = []
  const large: Array<CliRunMeasure> = []
  const floors: Array<number> = []
  const bigText = "abcdefgh".repeat(25_000) // 200 KB in 25,000 deltas of 8 characters
  for (let i = 0; i < runs; i++) {
    floors.push(await nodeFloorMs())
    small.push(await measureTurn({ type: "message", text: "OK" }))
    large.push(await measureTurn({ type: "message", text: bigText, deltas: 8 }))
  }
  const pick = (all: ReadonlyArray<CliRunMeasure>): CliRunMeasure => ({
    wallMs: median(all.map((m) => m.wallMs)),
    peakRssMb: Math.max(...all.map((m) => m.peakRssMb)),
    firstRequestMs: median(all.map((m) => m.firstRequestMs)),
    stdoutBytes: all[0]!.stdoutBytes
  })
  return { messageOnly: pick(small), largeAnswer: pick(large), nodeFloorMs: median(floors) }
}
