/**
 * Start-up A/B: runs two built CLIs in turn against the scripted Responses server and prints the
 * median time from spawn to the first model request and to exit. Usage:
 * `node --import tsx bench/startup.ts <old dist/tscodex.js> <new dist/tscodex.js> [runs]`.
 */
import { resolve } from "node:path"
import { type CliRunMeasure, measureTurn, median, nodeFloorMs } from "./cliTurn.js"

const [before, after, runsText] = process.argv.slice(2)
if (before === undefined || after === undefined) {
  console.error("usage: bench/startup.ts <before cli> <after cli> [runs]")
  process.exit(2)
}
const runs = Number(runsText ?? 15)
const measures: Record<"before" | "after", Array<CliRunMeasure>> = { before: [], after: [] }
const floors: Array<number> = []
for (let i = 0; i < runs; i++) {
  floors.push(await nodeFloorMs())
  // Alternate the order so a slow phase of the machine hits both builds alike.
  const order = i % 2 === 0 ? (["before", "after"] as const) : (["after", "before"] as const)
  for (const which of order) {
    measures[which].push(await measureTurn({ type: "message", text: "OK" }, resolve(which === "before" ? before : after)))
  }
}
const row = (which: "before" | "after") => {
  const all = measures[which]
  const first = all.map((m) => m.firstRequestMs)
  return `| ${which} | ${median(first).toFixed(0)} ms | ${Math.min(...first).toFixed(0)} ms | ${median(all.map((m) => m.wallMs)).toFixed(0)} ms | ${Math.max(...all.map((m) => m.peakRssMb)).toFixed(0)} MiB |`
}
console.log(`${runs} runs each, interleaved; node -e 0 median ${median(floors).toFixed(0)} ms\n`)
console.log("| build | first request (median) | first request (best) | wall (median) | peak RSS (max) |")
console.log("| --- | --- | --- | --- | --- |")
console.log(row("before"))
console.log(row("after"))
