/** Benchmark: loading a 100,000-item rollout (~60 MB) back into a history, against plain JSON.parse per line. */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Effect } from "effect"
import { execFileSync } from "node:child_process"
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import * as RolloutReader from "../src/session/RolloutReader.js"

const here = dirname(fileURLToPath(import.meta.url))
const ITEMS = 100_000
const SESSION = "01a20a07-495b-7706-8d19-2dd8cdf12916"

export interface RolloutLoadResult {
  readonly items: number
  readonly fileMb: number
  /** Our reader: read, tolerant parse, decode, rebuild history. */
  readonly loadMs: number
  /** User + system CPU time of the load (medians of `runs` interleaved runs, as the rest). */
  readonly loadCpuMs: number
  readonly loadPeakRssMb: number
  /** The floor: read the file and JSON.parse each line, nothing else. */
  readonly floorMs: number
  readonly floorCpuMs: number
  readonly floorPeakRssMb: number
  readonly runs: number
  readonly historyItems: number
  readonly targets: { readonly loadMs: 1500; readonly peakRssMb: 400 }
  readonly withinTargets: boolean
}

const stamp = (i: number) => new Date(Date.UTC(2026, 3, 7) + i * 10).toISOString()
const line = (i: number, type: string, payload: unknown) => JSON.stringify({ timestamp: stamp(i), type, payload }) + "\n"

/** Writes a rollout of `items` history items cycling through the kinds a coding session produces. */
export const generateRollout = (path: string, items = ITEMS): void => {
  mkdirSync(dirname(path), { recursive: true })
  const chunks: Array<string> = [line(0, "session_meta", {
    id: SESSION,
    timestamp: stamp(0),
    cwd: "/home/dev/project",
    originator: "codex-tui",
    cli_version: "0.1.0",
    source: "cli",
    model_provider: "demo",
    base_instructions: { text: "BASE ".repeat(2000) }
  })]
  const filler = (i: number, n: number) => `line ${i}: ${"lorem ipsum dolor sit amet ".repeat(n)}`
  for (let i = 0; i < items; i++) {
    const call = `call_${Math.floor(i / 5)}`
    switch (i % 5) {
      case 0: {
        const text = `Please look at part ${i} of the project and fix what is broken. ${filler(i, 4)}`
        chunks.push(line(i, "response_item", { type: "message", role: "user", content: [{ type: "input_text", text }] }))
        chunks.push(line(i, "event_msg", { type: "user_message", message: text, images: [], local_images: [], text_elements: [] }))
        break
      }
      case 1:
        chunks.push(line(i, "response_item", {
          type: "reasoning",
          id: `rs_${i}`,
          summary: [{ type: "summary_text", text: filler(i, 3) }],
          encrypted_content: Buffer.from(filler(i, 12)).toString("base64")
        }))
        break
      case 2:
        chunks.push(line(i, "response_item", {
          type: "function_call",
          name: "exec_command",
          arguments: JSON.stringify({ cmd: `grep -rn "needle ${i}" src`, workdir: "/home/dev/project" }),
          call_id: call
        }))
        break
      case 3:
        chunks.push(line(i, "response_item", {
          type: "function_call_output",
          call_id: call,
          output: `Process exited with code 0\nOutput:\n${filler(i, 27)}`
        }))
        break
      default:
        chunks.push(line(i, "response_item", {
          type: "message",
          role: "assistant",
          content: [{ type: "output_text", text: `Done with part ${i}. ${filler(i, 6)}` }]
        }))
    }
    if (chunks.length >= 2000) {
      writeFileSync(path, chunks.join(""), { flag: i < 2000 ? "w" : "a" })
      chunks.length = 0
    }
  }
  writeFileSync(path, chunks.join(""), { flag: "a" })
}

interface Measured {
  readonly ms: number
  readonly cpuMs: number
  readonly peakRssMb: number
  readonly count: number
}

const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024)

/** Runs inside a fresh process so its peak memory belongs to one measurement. */
const measureIn = async (mode: "reader" | "floor", path: string): Promise<Measured> => {
  const started = performance.now()
  const cpuBefore = process.cpuUsage()
  let count: number
  if (mode === "floor") {
    const text = readFileSync(path, "utf8")
    count = 0
    for (const l of text.split("\n")) {
      if (l !== "") {
        JSON.parse(l)
        count++
      }
    }
  } else {
    const session = await Effect.runPromise(RolloutReader.loadSession(path).pipe(Effect.provide(NodeFileSystem.layer)))
    count = session.history.length
  }
  const cpu = process.cpuUsage(cpuBefore)
  return { ms: Math.round(performance.now() - started), cpuMs: Math.round((cpu.user + cpu.system) / 1000), peakRssMb: peakRssMb(), count }
}

const measure = (mode: "reader" | "floor", path: string): Measured =>
  JSON.parse(execFileSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--measure", mode, path], {
    encoding: "utf8",
    maxBuffer: 1 << 20
  })) as Measured

const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

/** Generates the rollout in bench/tmp/, measures both loaders in child processes (`runs` times, interleaved), and removes the file. */
export const runRolloutLoadBench = async (runs = 5): Promise<RolloutLoadResult> => {
  const path = join(here, "tmp", `rollout-2026-04-07T00-00-00-${SESSION}.jsonl`)
  generateRollout(path)
  try {
    const fileMb = Math.round(statSync(path).size / 1e5) / 10
    const floors: Array<Measured> = []
    const loads: Array<Measured> = []
    for (let i = 0; i < runs; i++) {
      floors.push(measure("floor", path))
      loads.push(measure("reader", path))
    }
    const pick = (all: ReadonlyArray<Measured>, key: "ms" | "cpuMs" | "peakRssMb") => median(all.map((m) => m[key]))
    const loadMs = pick(loads, "ms")
    const loadPeakRssMb = pick(loads, "peakRssMb")
    return {
      items: ITEMS,
      fileMb,
      loadMs,
      loadCpuMs: pick(loads, "cpuMs"),
      loadPeakRssMb,
      floorMs: pick(floors, "ms"),
      floorCpuMs: pick(floors, "cpuMs"),
      floorPeakRssMb: pick(floors, "peakRssMb"),
      runs,
      historyItems: loads[0]!.count,
      targets: { loadMs: 1500, peakRssMb: 400 },
      withinTargets: loadMs < 1500 && loadPeakRssMb < 400
    }
  } finally {
    rmSync(path, { force: true })
  }
}

const args = process.argv.slice(2)
if (args[0] === "--measure" && (args[1] === "reader" || args[1] === "floor") && args[2] !== undefined) {
  process.stdout.write(JSON.stringify(await measureIn(args[1], args[2])))
} else if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify(await runRolloutLoadBench(), null, 2))
}
