/** The progress bar and the per-task lines of a batch. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Ref, Scope, TestClock } from "effect"
import * as BatchProgress from "../../src/batch/BatchProgress.js"

describe("BatchProgress", () => {
  it("formats done, running, failed, tokens and an ETA at this run's pace", () => {
    const state = { ...BatchProgress.initial(50, 10, 1, 0), doneNow: 2, running: 3, tokens: 45_200 }
    // 2 tasks in 20 s, 38 left: 380 s
    expect(BatchProgress.formatBar(state, 20_000)).toBe(
      "[#####---------------] 12/50 done · 3 running · 1 failed · 45.2k tokens · ETA 6m20s"
    )
    expect(BatchProgress.formatBar({ ...state, doneNow: 0 }, 20_000)).toContain("ETA --")
    expect(BatchProgress.formatBar({ ...state, doneNow: 40 }, 20_000)).toMatch(/^\[#{20}\] 50\/50 .* ETA 0s$/)
    expect(BatchProgress.formatDuration(3725)).toBe("1h02m")
    expect(BatchProgress.formatCount(2_500_000)).toBe("2.5M")
  })

  it.scoped("without a terminal, prints one line per finished task and no bar", () =>
    Effect.gen(function* () {
      const out = yield* Ref.make("")
      const progress = yield* BatchProgress.make({
        total: 3,
        doneBefore: 1,
        failedBefore: 0,
        tty: false,
        write: (text) => Ref.update(out, (all) => all + text)
      })
      yield* progress.update((s) => ({ ...s, doneNow: 1 }))
      yield* TestClock.adjust("5 seconds")
      yield* progress.finished("t7", "completed", 1.25)
      expect(yield* Ref.get(out)).toBe("[2/3] t7 completed (1.3s)\n")
    }))

  it.effect("on a terminal, redraws in place: changes at most every 100 ms, the ETA every second, a last time at the end", () =>
    Effect.gen(function* () {
      const writes: Array<string> = []
      const bar = (text: string) => `\r\x1b[2K${text}`
      const scope = yield* Scope.make()
      const progress = yield* BatchProgress.make({
        total: 4,
        doneBefore: 0,
        failedBefore: 0,
        tty: true,
        write: (text) => Effect.sync(() => void writes.push(text))
      }).pipe(Scope.extend(scope))
      const first = bar("[--------------------] 0/4 done · 0 running · 0 failed · 0 tokens · ETA --")
      expect(writes).toEqual([first])

      yield* progress.update((s) => ({ ...s, running: 2 }))
      yield* TestClock.adjust("99 millis")
      yield* progress.update((s) => ({ ...s, tokens: 1200 }))
      expect(writes).toEqual([first]) // both within 100 ms of the last draw
      yield* TestClock.adjust("1 millis")
      yield* progress.update((s) => s)
      const busy = bar("[--------------------] 0/4 done · 2 running · 0 failed · 1.2k tokens · ETA --")
      expect(writes).toEqual([first, busy])

      // one redraw per second while nothing happens
      yield* TestClock.adjust("9900 millis")
      expect(writes).toEqual([first, busy, ...Array(10).fill(busy)])

      // at 10 s one task has failed: 10 s a task, 3 to go
      yield* progress.update((s) => ({ ...s, doneNow: 1, failed: 1, running: 1 }))
      yield* progress.finished("a", "failed", 10)
      expect(writes.at(-1)).toBe(bar("[#####---------------] 1/4 done · 1 running · 1 failed · 1.2k tokens · ETA 30s"))
      yield* TestClock.adjust("1 second")
      const later = bar("[#####---------------] 1/4 done · 1 running · 1 failed · 1.2k tokens · ETA 33s")
      expect(writes.at(-1)).toBe(later)

      const count = writes.length
      yield* Scope.close(scope, Exit.void)
      expect(writes.slice(count)).toEqual([later, "\n"])
      yield* TestClock.adjust("5 seconds")
      expect(writes.length).toBe(count + 2) // no redraw after the end
    }))
})
