/** Bounded memory: 1,000 requests with 5 MB fields leave the heap flat (measured after GC in a child process). */
import { describe, expect, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import { promisify } from "node:util"
import * as path from "node:path"

const probe = path.resolve(import.meta.dirname, "probe/heapProbe.ts")

describe("memory under large requests", () => {
  // asynchronous, so the test worker keeps answering the runner during the long run
  it("heap use after 1,000 requests with 5 MB fields stays where it was after 100", async () => {
    const { stdout: output } = await promisify(execFile)(process.execPath, ["--expose-gc", "--import", "tsx", probe, "1000"], {
      encoding: "utf8",
      maxBuffer: 1024 * 1024,
      cwd: path.resolve(import.meta.dirname, "../../..")
    })
    const result = JSON.parse(output.trim().split("\n").at(-1)!) as {
      samples: Array<{ requests: number; heapMb: number }>
      statuses: Record<string, number>
    }
    expect(result.statuses).toEqual({ "200": 100, "400": 900 })
    const at = (n: number) => result.samples.find((s) => s.requests === n)!.heapMb
    // 5 GB went through; what stays is the bounded cache (16 Mi characters here) and the code
    expect(at(1000) - at(100)).toBeLessThanOrEqual(24)
    expect(Math.max(...result.samples.map((s) => s.heapMb))).toBeLessThan(at(0) + 80)
  }, 900_000)
})
