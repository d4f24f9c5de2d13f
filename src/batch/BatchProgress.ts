/** BatchProgress: the batch's counters, a one-line progress bar for terminals, and a line per finished task otherwise. */
import { Clock, Effect, Ref } from "effect"

export interface ProgressState {
  readonly total: number
  /** Finished before this run started (a resumed batch). */
  readonly doneBefore: number
  /** Finished in this run, failed ones included. */
  readonly doneNow: number
  readonly failed: number
  readonly running: number
  readonly tokens: number
  readonly startedAt: number
}

export const initial = (total: number, doneBefore: number, failedBefore: number, startedAt: number): ProgressState => ({
  total,
  doneBefore,
  doneNow: 0,
  failed: failedBefore,
  running: 0,
  tokens: 0,
  startedAt
})

/** `1.2k`, `3.4M`. */
export const formatCount = (n: number): string =>
  n < 1000 ? String(n) : n < 1_000_000 ? `${(n / 1000).toFixed(1)}k` : `${(n / 1_000_000).toFixed(1)}M`

/** `42s`, `3m05s`, `1h02m`. */
export const formatDuration = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`
}

/** Remaining time at the pace of this run, once something finished in it. */
export const eta = (state: ProgressState, now: number): number | undefined => {
  const remaining = state.total - state.doneBefore - state.doneNow
  if (state.doneNow === 0 || remaining <= 0) return remaining <= 0 ? 0 : undefined
  return ((now - state.startedAt) / 1000 / state.doneNow) * remaining
}

/** `[########------------]  12/50 done · 3 running · 1 failed · 45.2k tokens · ETA 1m20s`. */
export const formatBar = (state: ProgressState, now: number, width = 20): string => {
  const done = state.doneBefore + state.doneNow
  const filled = state.total === 0 ? width : Math.round((done / state.total) * width)
  const bar = "#".repeat(filled) + "-".repeat(width - filled)
  const left = eta(state, now)
  return `[${bar}] ${done}/${state.total} done · ${state.running} running · ${state.failed} failed · ` +
    `${formatCount(state.tokens)} tokens · ETA ${left === undefined ? "--" : formatDuration(left)}`
}

/** The line printed for a finished task when stderr is not a terminal. */
export const formatFinished = (state: ProgressState, id: string, status: string, seconds: number): string =>
  `[${state.doneBefore + state.doneNow}/${state.total}] ${id} ${status} (${seconds.toFixed(1)}s)`

export interface Progress {
  readonly update: (f: (state: ProgressState) => ProgressState) => Effect.Effect<void>
  readonly finished: (id: string, status: string, seconds: number) => Effect.Effect<void>
  readonly state: Effect.Effect<ProgressState>
}

/**
 * On a terminal, the bar is redrawn in place on every change (at most every 100 ms), every second
 * for the ETA, and once more at the end followed by a newline; otherwise one line per finished
 * task. Time comes from the Clock (this run starts now). `write` receives raw text for stderr.
 */
export const make = (options: {
  readonly total: number
  readonly doneBefore: number
  readonly failedBefore: number
  readonly tty: boolean
  readonly write: (text: string) => Effect.Effect<void>
}) =>
  Effect.gen(function* () {
    const startedAt = yield* Clock.currentTimeMillis
    const ref = yield* Ref.make(initial(options.total, options.doneBefore, options.failedBefore, startedAt))
    let lastDraw: number | undefined
    const draw = (force: boolean) =>
      Effect.gen(function* () {
        const state = yield* Ref.get(ref)
        const now = yield* Clock.currentTimeMillis
        if (!force && lastDraw !== undefined && now - lastDraw < 100) return
        lastDraw = now
        yield* options.write(`\r\x1b[2K${formatBar(state, now)}`)
      })
    if (options.tty) {
      yield* draw(true)
      yield* Effect.addFinalizer(() => Effect.zipRight(draw(true), options.write("\n")))
      // the ETA moves on between events
      yield* Effect.forkScoped(Effect.forever(Effect.zipRight(Effect.sleep("1 second"), draw(true))))
    }
    return {
      state: Ref.get(ref),
      update: (f) => Effect.zipRight(Ref.update(ref, f), options.tty ? draw(false) : Effect.void),
      finished: (id, status, seconds) =>
        options.tty
          ? draw(true)
          : Effect.flatMap(Ref.get(ref), (state) => options.write(formatFinished(state, id, status, seconds) + "\n"))
    } satisfies Progress
  })

/** Progress of a batch whose store already holds `counts` (a resumed batch starts from them). */
export const fromCounts = (
  counts: { readonly total: number; readonly done: number; readonly failed: number },
  options: { readonly tty: boolean; readonly write: (text: string) => Effect.Effect<void> }
) => make({ total: counts.total, doneBefore: counts.done, failedBefore: counts.failed, tty: options.tty, write: options.write })
