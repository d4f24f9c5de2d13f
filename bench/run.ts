/** Runs every benchmark and writes bench/results.md with the date and the machine. */
import { writeFileSync } from "node:fs"
import { cpus, platform, release, totalmem } from "node:os"
import { resolve } from "node:path"
import { runCliTurnBench } from "./cliTurn.js"
import { runRolloutLoadBench } from "./rolloutLoad.js"
import { runSseDecodeBench } from "./sseDecode.js"

const fmt = (n: number, digits = 0) => n.toFixed(digits)
const verdict = (ok: boolean, miss: string) => (ok ? "met" : `missed (${miss})`)

const sse = await runSseDecodeBench()
const cli = await runCliTurnBench()
const rollout = await runRolloutLoadBench()

const startup = cli.messageOnly.firstRequestMs
const large = cli.largeAnswer
const lines = [
  "# Benchmark results",
  "",
  `Date: ${new Date().toISOString()}  `,
  `Machine: ${cpus()[0]?.model ?? "unknown cpu"}, ${cpus().length} cores, ${fmt(totalmem() / 2 ** 30, 1)} GiB, ${platform()} ${release()}, Node ${process.version}`,
  "",
  "| benchmark | measured | target | verdict |",
  "| --- | --- | --- | --- |",
  `| SSE decoding, 25,000 deltas | ${fmt(sse.eventsPerSecond)} events/s | ≥ 200,000 events/s | ${verdict(sse.eventsPerSecond >= 200_000, `${fmt(100 - (sse.eventsPerSecond / 2000), 0)}% short`)} |`,
  `| CLI start-up to first request | ${fmt(startup)} ms (node -e 0: ${fmt(cli.nodeFloorMs)} ms) | < 300 ms | ${verdict(startup < 300, `${fmt(startup - 300)} ms over`)} |`,
  `| one-shot turn, message only | ${fmt(cli.messageOnly.wallMs)} ms, peak RSS ${fmt(cli.messageOnly.peakRssMb)} MB | — | — |`,
  `| one-shot turn, 200 KB answer in 8-character deltas | ${fmt(large.wallMs)} ms, peak RSS ${fmt(large.peakRssMb)} MB | < 1.5 s, < 150 MB | ${verdict(large.wallMs < 1500 && large.peakRssMb < 150, `${fmt(large.wallMs)} ms, ${fmt(large.peakRssMb)} MB`)} |`,
  `| loading a ${rollout.items.toLocaleString("en")}-item rollout (${fmt(rollout.fileMb)} MB) | ${fmt(rollout.loadMs)} ms, peak RSS ${fmt(rollout.loadPeakRssMb)} MB (JSON.parse per line: ${fmt(rollout.floorMs)} ms, ${fmt(rollout.floorPeakRssMb)} MB) | < 1.5 s, < 400 MB | ${verdict(rollout.withinTargets, `${fmt(rollout.loadMs)} ms, ${fmt(rollout.loadPeakRssMb)} MB`)} |`,
  "",
  "Times are medians of 5 runs (CLI) or as reported by each benchmark; peak RSS is the largest seen.",
  ""
]
writeFileSync(resolve(import.meta.dirname, "results.md"), lines.join("\n"))
console.log(lines.join("\n"))
