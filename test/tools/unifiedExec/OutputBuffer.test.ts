/** OutputBuffer: head/tail capping of unread output. */
import { describe, expect, it } from "@effect/vitest"
import * as OutputBuffer from "../../../src/tools/unifiedExec/OutputBuffer.js"

const bytes = (text: string) => new TextEncoder().encode(text)
const text = (data: Uint8Array) => new TextDecoder().decode(data)

describe("OutputBuffer", () => {
  it("returns everything under the cap and empties itself", () => {
    const buffer = OutputBuffer.make(16)
    OutputBuffer.push(buffer, bytes("abc"))
    OutputBuffer.push(buffer, bytes("def"))
    expect(text(OutputBuffer.drain(buffer))).toBe("abcdef")
    expect(OutputBuffer.size(buffer)).toBe(0)
    expect(OutputBuffer.drain(buffer).length).toBe(0)
  })

  it("keeps the first and last halves when it overflows", () => {
    const buffer = OutputBuffer.make(8)
    OutputBuffer.push(buffer, bytes("HEAD-middle"))
    OutputBuffer.push(buffer, bytes("-more-TAIL"))
    expect(text(OutputBuffer.drain(buffer))).toBe("HEADTAIL")
  })

  it("trims the tail across many small chunks", () => {
    const buffer = OutputBuffer.make(10)
    for (const c of "0123456789abcdefghijklmnopqrstuvwxyz") OutputBuffer.push(buffer, bytes(c))
    expect(text(OutputBuffer.drain(buffer))).toBe("01234vwxyz")
    OutputBuffer.push(buffer, bytes("again"))
    expect(text(OutputBuffer.drain(buffer))).toBe("again")
  })

  it("handles a chunk larger than the tail budget", () => {
    const buffer = OutputBuffer.make(6)
    OutputBuffer.push(buffer, bytes("abcdefghijkl"))
    expect(text(OutputBuffer.drain(buffer))).toBe("abcjkl")
  })

  it("stays within 1 MiB by default", () => {
    const buffer = OutputBuffer.make()
    const chunk = new Uint8Array(4096).fill(65)
    for (let i = 0; i < 1000; i++) OutputBuffer.push(buffer, chunk)
    expect(OutputBuffer.size(buffer)).toBe(OutputBuffer.DEFAULT_CAP_BYTES)
  })
})
