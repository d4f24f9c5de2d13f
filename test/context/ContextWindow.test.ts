/** Tests of ContextWindow: ContextWindow. */
import { describe, expect, it } from "@effect/vitest"
import * as ContextWindow from "../../src/context/ContextWindow.js"

describe("ContextWindow", () => {
  it("scales the window by the effective percentage (95 by default)", () => {
    expect(ContextWindow.resolveContextWindow(undefined, { contextWindow: 272000 })).toBe(258400)
    expect(ContextWindow.resolveContextWindow(undefined, { contextWindow: 128000 })).toBe(121600)
    expect(ContextWindow.resolveContextWindow(50000, { contextWindow: 272000 })).toBe(47500)
    expect(ContextWindow.resolveContextWindow(50000, undefined)).toBe(47500)
    expect(ContextWindow.resolveContextWindow(undefined, undefined)).toBeUndefined()
    expect(ContextWindow.resolveContextWindow(1000, { effectiveContextWindowPercent: 50 })).toBe(500)
    expect(ContextWindow.resolveContextWindow(1000, { effectiveContextWindowPercent: -5 })).toBe(0)
  })

  it("takes the auto-compact limit from config before the catalog", () => {
    expect(ContextWindow.resolveAutoCompactTokenLimit(12345, { autoCompactTokenLimit: 999 })).toBe(12345)
    expect(ContextWindow.resolveAutoCompactTokenLimit(undefined, { autoCompactTokenLimit: 999 })).toBe(999)
    expect(ContextWindow.resolveAutoCompactTokenLimit(undefined, { contextWindow: 1 })).toBeUndefined()
  })

  it("computes the remaining percentage above the baseline", () => {
    expect(ContextWindow.BASELINE_TOKENS).toBe(12000)
    expect(ContextWindow.remainingPercent(100000, 20800)).toBe(90)
    expect(ContextWindow.remainingPercent(262144, 264568)).toBe(0)
    expect(ContextWindow.remainingPercent(258400, 20000)).toBe(97)
    expect(ContextWindow.remainingPercent(100000, 0)).toBe(100)
    expect(ContextWindow.remainingPercent(12000, 0)).toBe(0)
    expect(ContextWindow.remainingPercent(5000, 0)).toBe(0)
  })

  it("rounds halves up", () => {
    // effective 200 tokens: 1 left is 0.5%, 5 left is 2.5%, 199 left is 99.5%
    expect(ContextWindow.remainingPercent(12200, 12000 + 199)).toBe(1)
    expect(ContextWindow.remainingPercent(12200, 12000 + 195)).toBe(3)
    expect(ContextWindow.remainingPercent(12200, 12000 + 1)).toBe(100)
  })

  it("shows 100 before any usage and nothing without a window", () => {
    expect(ContextWindow.indicatorPercent(100000, undefined)).toBe(100)
    expect(ContextWindow.indicatorPercent(undefined, 5000)).toBeUndefined()
    expect(ContextWindow.indicatorPercent(100000, 20800)).toBe(90)
    expect(ContextWindow.indicatorPercent(262144, 264568)).toBe(0)
  })
})
