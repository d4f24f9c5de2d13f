/** The progress bar and the per-task lines of a batch. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Ref } from "effect"
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
        initial: BatchProgress.initial(3, 1, 0, 0),
        tty: false,
        write: (text) => Ref.update(out, (all) => all + text),
        now: () => 0
      })
      yield* progress.update((s) => ({ ...s, doneNow: 1 }))
      yield* progress.finished("t7", "completed", 1.25)
      expect(yield* Ref.get(out)).toBe("[2/3] t7 completed (1.3s)\n")
    }))

  it.scoped("on a terminal, redraws the bar in place", () =>
    Effect.gen(function* () {
      const out = yield* Ref.make("")
      const progress = yield* BatchProgress.make({
        initial: BatchProgress.initial(2, 0, 0, 0),
        tty: true,
        write: (text) => Ref.update(out, (all) => all + text),
        now: () => 0
      })
      yield* progress.update((s) => ({ ...s, doneNow: 1 }))
      yield* progress.finished("a", "completed", 1)
      expect(yield* Ref.get(out)).toBe(
        "\r\x1b[2K[--------------------] 0/2 done · 0 running · 0 failed · 0 tokens · ETA --" +
          "\r\x1b[2K[##########----------] 1/2 done · 0 running · 0 failed · 0 tokens · ETA 0s"
      )
    }))
})
