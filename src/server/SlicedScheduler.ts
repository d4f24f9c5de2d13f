/** SlicedScheduler: runs the server's fibers so that new requests start while others stream: set-up first, in short event-loop turns. */
import { Effect, Scheduler } from "effect"

/** The scheduling priority of a request's set-up (reading its body, opening the backend request). */
export const setupPriority = 1

/** Runs `effect` as request set-up: ahead of streaming work (see `make`). */
export const asSetup = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.withSchedulingPriority(effect, setupPriority)

export interface SlicedOptions {
  /** Longest event-loop turn while requests are starting. */
  readonly startingSliceMillis: number
  /** How long after the last set-up work turns stay short. */
  readonly settleMillis: number
  /** While requests are starting, the streaming work gets a task at least every this many turns. */
  readonly streamingEveryTurns: number
}

export const defaults: SlicedOptions = { startingSliceMillis: 2, settleMillis: 50, streamingEveryTurns: 12 }

/** How each scheduler made here runs the reading steps of bodies read in socket callbacks. */
const stepRunners = new WeakMap<Scheduler.Scheduler, (step: () => void) => void>()

const runNow = (step: () => void) => step()

/**
 * How a body read in its socket's callbacks (see `NodeBody.drive`) runs each step under `scheduler`:
 * a sliced scheduler puts it in the streaming lane while requests are starting, and runs it at once
 * otherwise; any other scheduler runs it at once.
 */
export const stepRunner = (scheduler: Scheduler.Scheduler): (step: () => void) => void => stepRunners.get(scheduler) ?? runNow

/**
 * A scheduler with one queue for all fibers, drained from `setImmediate`. Work at a raised
 * scheduling priority (`asSetup`) and the first run of a new fiber go ahead of the rest. While such
 * work is about (and for `settleMillis` after), a turn of the event loop ends once it has run for
 * `startingSliceMillis`, and the rest runs in the next turn; otherwise a turn runs everything
 * queued, as Effect's batched schedulers do.
 *
 * Every `streamingEveryTurns` turns run at least one task of the rest, so a flood of new requests
 * slows the streams in flight down but does not stop them. Set-up comes first because each request
 * costs a few milliseconds of it before its first delta: with 200 starting together, the last one's
 * first delta waits for all of theirs, and streaming work taken in between adds to that wait.
 *
 * Node accepts one new connection per event-loop turn, and each step of a request's set-up waits
 * for the scheduler. When a turn runs every stream's work, 200 streams in flight hold the next
 * connections and set-ups back by seconds. A fiber still yields after its operation budget
 * (`Effect.withMaxOpsBeforeYield`).
 */
export const make = (options: SlicedOptions = defaults, now: () => number = () => performance.now()): Scheduler.Scheduler => {
  const urgent = new Lane()
  const normal = new Lane()
  const started = new WeakSet<object>()
  let scheduled = false
  let guardTurns = 0
  let startingUntil = -Infinity

  const drain = () => {
    const turnStart = now()
    let streamed = false
    for (;;) {
      let task = urgent.take()
      if (task === undefined) {
        task = normal.take()
        streamed = true
      }
      if (task === undefined) {
        scheduled = false
        return
      }
      task()
      if (urgent.size() + normal.size() === 0) continue
      const time = now()
      if (time < startingUntil && time - turnStart >= options.startingSliceMillis) {
        // a flood of new requests still lets the streams in flight move on, if slowly
        if (!streamed && ++guardTurns % options.streamingEveryTurns === 0) normal.take()?.()
        setImmediate(drain)
        return
      }
    }
  }

  const schedule = () => {
    if (!scheduled) {
      scheduled = true
      setImmediate(drain)
    }
  }

  const scheduler = Scheduler.make((task, priority, fiber) => {
    let first = false
    if (fiber !== undefined && !started.has(fiber)) {
      started.add(fiber)
      first = true
    }
    if (priority > 0 || first) {
      urgent.push(task)
      startingUntil = now() + options.settleMillis
    } else {
      normal.push(task)
    }
    schedule()
  }, Scheduler.defaultShouldYield)
  stepRunners.set(scheduler, (step) => {
    if (now() >= startingUntil) return step()
    normal.push(step)
    schedule()
  })
  return scheduler
}

/** A first-in first-out queue of tasks that drops its run part now and then. */
class Lane {
  private tasks: Array<Scheduler.Task | undefined> = []
  private next = 0

  push(task: Scheduler.Task) {
    this.tasks.push(task)
  }

  size() {
    return this.tasks.length - this.next
  }

  take(): Scheduler.Task | undefined {
    if (this.next >= this.tasks.length) {
      if (this.next > 0) {
        this.tasks = []
        this.next = 0
      }
      return undefined
    }
    const task = this.tasks[this.next]
    this.tasks[this.next++] = undefined
    if (this.next > 1024 && this.next * 2 > this.tasks.length) {
      this.tasks = this.tasks.slice(this.next)
      this.next = 0
    }
    return task
  }
}
