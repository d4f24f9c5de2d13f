/**
 * Relay benchmarks of the compatibility server: a streaming client reads an answer through the built
 * `tscodex responses-server` from a chat-completions backend, against the same client reading the
 * backend directly. The backend (its own process) writes one socket write per chunk. Reports one
 * stream of 25,000 deltas, and 200 concurrent streams of 2,000 deltas (p99 time, time to first delta),
 * with the relay's CPU time and peak RSS (the 200-stream case runs three times; `npm run bench` reports
 * medians). RELAY_CLI names another built CLI to measure, and
 * RELAY_NODE_OPTIONS adds node options to the relay (e.g. --cpu-prof).
 */
import { type ChildProcess, spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import * as Http from "node:http"
import { resolve } from "node:path"
import { pathToFileURL } from "node:url"

const cli = process.env.RELAY_CLI ?? resolve(import.meta.dirname, "../dist/tscodex.js")
const backendScript = resolve(import.meta.dirname, "support/chatWireServer.ts")

/** Starts `command` and resolves with the first match of `pattern` in its output. */
const startProcess = (args: ReadonlyArray<string>, pattern: RegExp, stream: "stdout" | "stderr") =>
  new Promise<{ readonly child: ChildProcess; readonly port: number }>((done, fail) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] })
    let seen = ""
    const timer = setTimeout(() => fail(new Error(`no start line from ${args.join(" ")}: ${seen}`)), 30_000)
    child[stream]!.setEncoding("utf8").on("data", (text: string) => {
      seen = (seen + text).slice(-2000)
      const match = pattern.exec(seen)
      if (match !== null && timer.hasRef()) {
        clearTimeout(timer)
        timer.unref()
        done({ child, port: Number(match[1]) })
      }
    })
    child[stream === "stdout" ? "stderr" : "stdout"]!.resume()
    child.once("exit", (code) => fail(new Error(`${args.join(" ")} exited with ${code}: ${seen}`)))
  })

const stop = (child: ChildProcess) =>
  new Promise<void>((done) => {
    if (child.exitCode !== null) return done()
    child.once("exit", () => done())
    child.kill("SIGTERM")
    setTimeout(() => child.kill("SIGKILL"), 5000).unref()
  })

const startBackend = (deltas: number) => startProcess(["--import", "tsx", backendScript, String(deltas)], /^(\d+)$/m, "stdout")
const startRelay = (backendPort: number) =>
  startProcess(
    [...(process.env.RELAY_NODE_OPTIONS ?? "").split(" ").filter((o) => o !== ""), cli, "responses-server", "--port", "0", "--no-access-log", "--outcomming-base-url", `http://127.0.0.1:${backendPort}/v1`],
    /listening on http:\/\/[^:]+:(\d+)/,
    "stderr"
  )

/** CPU time (ms) and peak RSS (MiB) of a running process, from /proc. */
const processStats = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
  const systemMs = Number(fields[12]) * 10
  const cpuMs = Number(fields[11]) * 10 + systemMs
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
  return { cpuMs, systemMs, peakRssMib: Number(hwm?.[1] ?? 0) / 1024 }
}

interface StreamTiming {
  readonly firstDeltaMs: number
  readonly totalMs: number
  readonly bytes: number
}

/** One streamed POST on a fresh connection; fails unless the body ends as a finished stream does. */
const streamOnce = (port: number, path: string, body: unknown, finished: string): Promise<StreamTiming> =>
  new Promise((done, fail) => {
    const started = performance.now()
    const payload = JSON.stringify(body)
    const request = Http.request(
      { host: "127.0.0.1", port, path, method: "POST", agent: false, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } },
      (response) => {
        let firstDeltaMs = -1
        let bytes = 0
        let tail = ""
        let sawFinished = false
        response.setEncoding("utf8")
        response.on("data", (text: string) => {
          bytes += text.length
          if (firstDeltaMs < 0 && text.includes("abcdefgh")) firstDeltaMs = performance.now() - started
          const around = tail + text
          if (!sawFinished && around.includes(finished)) sawFinished = true
          tail = around.slice(-400)
        })
        response.on("end", () => {
          if (response.statusCode !== 200 || !sawFinished) fail(new Error(`status ${response.statusCode}, ended with ${tail}`))
          else done({ firstDeltaMs, totalMs: performance.now() - started, bytes })
        })
        response.on("error", fail)
      }
    )
    request.on("error", fail)
    request.end(payload)
  })

const direct = (port: number) =>
  streamOnce(port, "/v1/chat/completions", { model: "bench", messages: [{ role: "user", content: "hi" }], stream: true }, "[DONE]")
const relayed = (port: number) =>
  streamOnce(port, "/v1/responses", { model: "bench", input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }], stream: true }, "response.completed")

const percentile = (values: ReadonlyArray<number>, p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}
const median = (values: ReadonlyArray<number>) => percentile(values, 50)

export interface RelayResult {
  readonly single: { readonly deltas: number; readonly directMs: number; readonly relayMs: number; readonly relayCpuMs: number; readonly runs: number }
  readonly concurrent: {
    readonly streams: number
    readonly deltas: number
    readonly directP99Ms: number
    readonly relayP99Ms: number
    readonly directFirstDeltaP99Ms: number
    readonly relayFirstDeltaP99Ms: number
    readonly relayFirstDeltaMaxMs: number
    readonly relayCpuMs: number
    readonly relaySystemCpuMs: number
    readonly relayPeakRssMib: number
  }
}

/** One stream of `deltas` deltas, `runs` times each way (interleaved): medians. */
export const runSingle = async (deltas = 25_000, runs = 3): Promise<RelayResult["single"]> => {
  const backend = await startBackend(deltas)
  const relay = await startRelay(backend.port)
  try {
    await relayed(relay.port) // warm-up: the first request compiles the relay's code
    const ours: Array<number> = []
    const theirs: Array<number> = []
    const cpuBefore = processStats(relay.child.pid!).cpuMs
    for (let i = 0; i < runs; i++) {
      theirs.push((await direct(backend.port)).totalMs)
      ours.push((await relayed(relay.port)).totalMs)
    }
    const relayCpuMs = (processStats(relay.child.pid!).cpuMs - cpuBefore) / runs
    return { deltas, directMs: median(theirs), relayMs: median(ours), relayCpuMs, runs }
  } finally {
    await stop(relay.child)
    await stop(backend.child)
  }
}

/** `streams` concurrent streams of `deltas` deltas, direct then through a fresh relay. */
export const runConcurrent = async (streams = 200, deltas = 2_000): Promise<RelayResult["concurrent"]> => {
  const backend = await startBackend(deltas)
  const relay = await startRelay(backend.port)
  try {
    await relayed(relay.port)
    const directRuns = await Promise.all(Array.from({ length: streams }, () => direct(backend.port)))
    const before = processStats(relay.child.pid!)
    const relayRuns = await Promise.all(Array.from({ length: streams }, () => relayed(relay.port)))
    const stats = processStats(relay.child.pid!)
    return {
      streams,
      deltas,
      directP99Ms: percentile(directRuns.map((r) => r.totalMs), 99),
      relayP99Ms: percentile(relayRuns.map((r) => r.totalMs), 99),
      directFirstDeltaP99Ms: percentile(directRuns.map((r) => r.firstDeltaMs), 99),
      relayFirstDeltaP99Ms: percentile(relayRuns.map((r) => r.firstDeltaMs), 99),
      relayFirstDeltaMaxMs: Math.max(...relayRuns.map((r) => r.firstDeltaMs)),
      relayCpuMs: stats.cpuMs - before.cpuMs,
      relaySystemCpuMs: stats.systemMs - before.systemMs,
      relayPeakRssMib: stats.peakRssMib
    }
  } finally {
    await stop(relay.child)
    await stop(backend.child)
  }
}

/** How many times the 200-stream case runs: its figures move from run to run, so their medians are reported. */
export const concurrentRuns = 3

/** `runConcurrent` `runs` times: the median of each figure, and every run's figures. */
export const runConcurrentMedian = async (
  runs = concurrentRuns
): Promise<RelayResult["concurrent"] & { readonly runs: ReadonlyArray<RelayResult["concurrent"]> }> => {
  const all: Array<RelayResult["concurrent"]> = []
  for (let i = 0; i < runs; i++) all.push(await runConcurrent())
  const mid = (pick: (run: RelayResult["concurrent"]) => number) => median(all.map(pick))
  return {
    streams: all[0]!.streams,
    deltas: all[0]!.deltas,
    directP99Ms: mid((r) => r.directP99Ms),
    relayP99Ms: mid((r) => r.relayP99Ms),
    directFirstDeltaP99Ms: mid((r) => r.directFirstDeltaP99Ms),
    relayFirstDeltaP99Ms: mid((r) => r.relayFirstDeltaP99Ms),
    relayFirstDeltaMaxMs: mid((r) => r.relayFirstDeltaMaxMs),
    relayCpuMs: mid((r) => r.relayCpuMs),
    relaySystemCpuMs: mid((r) => r.relaySystemCpuMs),
    relayPeakRssMib: mid((r) => r.relayPeakRssMib),
    runs: all
  }
}

export const runRelayBench = async () => ({ single: await runSingle(), concurrent: await runConcurrentMedian() })

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const which = process.argv[2] ?? "all"
  if (which === "single" || which === "all") console.log(JSON.stringify(await runSingle(Number(process.argv[3] ?? 25_000))))
  if (which === "concurrent" || which === "all") console.log(JSON.stringify(await runConcurrent(Number(process.argv[3] ?? 200), Number(process.argv[4] ?? 2_000))))
}
