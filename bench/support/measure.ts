/** Runs a whole process under /usr/bin/time and reports its wall time, CPU time and peak RSS; medians. */
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

/** One run of one process. */
export interface ProcessMeasure {
  readonly wallMs: number
  /** User + system CPU time of the process and its children (10 ms resolution). */
  readonly cpuMs: number
  readonly peakRssMib: number
  readonly exitCode: number
  readonly stdout: string
}

export interface RunOptions {
  readonly command: string
  readonly args: ReadonlyArray<string>
  readonly env?: NodeJS.ProcessEnv
  readonly cwd?: string
  /** Kill the process after this long (default 120 s). */
  readonly timeoutMs?: number
}

const hasTime = existsSync("/usr/bin/time")

/** Runs the process once; wall time is measured here, from spawn to exit. */
export const runMeasured = (options: RunOptions): Promise<ProcessMeasure> => {
  const dir = mkdtempSync(join(tmpdir(), "tscodex-measure-"))
  const timeFile = join(dir, "time")
  const [command, args] = hasTime
    ? ["/usr/bin/time", ["-f", "%U %S %M", "-o", timeFile, options.command, ...options.args]]
    : [options.command, [...options.args]]
  return new Promise<ProcessMeasure>((done, fail) => {
    const started = performance.now()
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text))
    child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr = (stderr + text).slice(-4000)))
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000)
    child.once("error", fail)
    child.once("exit", (code) => {
      const wallMs = performance.now() - started
      clearTimeout(timer)
      try {
        const [user = "0", system = "0", rssKib = "0"] = hasTime ? readFileSync(timeFile, "utf8").trim().split("\n").pop()!.split(" ") : []
        if (code !== 0) fail(new Error(`${options.command} exited with ${code}: ${stderr}`))
        else
          done({
            wallMs,
            cpuMs: (Number(user) + Number(system)) * 1000,
            peakRssMib: Number(rssKib) / 1024,
            exitCode: code ?? -1,
            stdout
          })
      } catch (error) {
        fail(error)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
  })
}

export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Medians of several runs (peak RSS: the median too, the largest is kept as `maxRssMib`). */
export interface Summary {
  readonly wallMs: number
  readonly cpuMs: number
  readonly peakRssMib: number
  readonly maxRssMib: number
  readonly runs: number
}

export const summarize = (all: ReadonlyArray<ProcessMeasure>): Summary => ({
  wallMs: median(all.map((m) => m.wallMs)),
  cpuMs: median(all.map((m) => m.cpuMs)),
  peakRssMib: median(all.map((m) => m.peakRssMib)),
  maxRssMib: Math.max(...all.map((m) => m.peakRssMib)),
  runs: all.length
})
