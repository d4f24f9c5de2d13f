/** The server's scheduler runs set-up work first, ends turns early only while requests are starting, and runs real fibers correctly. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Scheduler } from "effect"
import * as SlicedScheduler from "../../src/server/SlicedScheduler.js"

/** Resolves after the event loop's next check phase (after callbacks queued before this call). */
const nextTurn = () => new Promise<void>((done) => setImmediate(done))

/** A scheduler on a clock the test moves: each task says how long it "ran". */
const withClock = (options = SlicedScheduler.defaults) => {
  let time = 0
  const scheduler = SlicedScheduler.make(options, () => time)
  const ran: Array<string> = []
  const task = (name: string, millis = 0) => () => {
    ran.push(name)
    time += millis
  }
  return { scheduler, ran, task, advance: (millis: number) => void (time += millis) }
}

/** Queues `count` set-up tasks of 3 ms, each queueing the next, and then two streaming tasks. */
const flood = (scheduler: Scheduler.Scheduler, task: (name: string, millis?: number) => () => void, count: number) => {
  let left = count
  const next = (): void => {
    task("set-up", 3)()
    if (--left > 0) scheduler.scheduleTask(next, SlicedScheduler.setupPriority)
  }
  scheduler.scheduleTask(next, SlicedScheduler.setupPriority)
  scheduler.scheduleTask(task("stream a"), 0)
  scheduler.scheduleTask(task("stream b"), 0)
}

/** Stands in for a fiber: the scheduler only tells fibers apart. */
const fiberLike = () => ({}) as unknown as Fiber.RuntimeFiber<unknown, unknown>

describe("SlicedScheduler", () => {
  it("runs raised-priority work and a new fiber's first run ahead of queued streaming work", async () => {
    const { scheduler, ran, task } = withClock()
    const streaming = fiberLike()
    const fresh = fiberLike()
    scheduler.scheduleTask(task("first run of streaming"), 0, streaming)
    scheduler.scheduleTask(task("streaming"), 0, streaming)
    scheduler.scheduleTask(task("set-up"), SlicedScheduler.setupPriority, streaming)
    scheduler.scheduleTask(task("new fiber"), 0, fresh)
    scheduler.scheduleTask(task("new fiber again"), 0, fresh)
    await nextTurn()
    expect(ran).toEqual(["first run of streaming", "set-up", "new fiber", "streaming", "new fiber again"])
  })

  it("ends a turn after the slice while requests are starting, and runs the rest in the next turn", async () => {
    const { scheduler, ran, task } = withClock({ startingSliceMillis: 2, settleMillis: 50, streamingEveryTurns: 1 })
    scheduler.scheduleTask(task("set-up", 3), SlicedScheduler.setupPriority)
    for (const name of ["a", "b", "c", "d"]) scheduler.scheduleTask(task(`stream ${name}`, 1), 0)
    await nextTurn()
    // the set-up used up the slice; one streaming task still runs
    expect(ran).toEqual(["set-up", "stream a"])
    await nextTurn()
    expect(ran).toEqual(["set-up", "stream a", "stream b", "stream c"])
    await nextTurn()
    expect(ran).toEqual(["set-up", "stream a", "stream b", "stream c", "stream d"])
  })

  it("lets streaming work through a flood of set-up work, a task each turn", async () => {
    const { scheduler, ran, task } = withClock({ startingSliceMillis: 2, settleMillis: 50, streamingEveryTurns: 1 })
    flood(scheduler, task, 5)
    await nextTurn()
    expect(ran).toEqual(["set-up", "stream a"])
    await nextTurn()
    expect(ran).toEqual(["set-up", "stream a", "set-up", "stream b"])
  })

  it("lets streaming work through a flood of set-up work every few turns when so set", async () => {
    const { scheduler, ran, task } = withClock({ startingSliceMillis: 2, settleMillis: 50, streamingEveryTurns: 3 })
    flood(scheduler, task, 7)
    for (let turn = 0; turn < 6; turn++) await nextTurn()
    expect(ran).toEqual(["set-up", "set-up", "set-up", "stream a", "set-up", "set-up", "set-up", "stream b"])
  })

  it("runs a driven body's reading step at once, or in the streaming lane while requests are starting", async () => {
    const { scheduler, ran, task, advance } = withClock({ startingSliceMillis: 2, settleMillis: 50, streamingEveryTurns: 1 })
    const run = SlicedScheduler.stepRunner(scheduler)
    run(task("step now"))
    expect(ran).toEqual(["step now"])
    scheduler.scheduleTask(task("set-up"), SlicedScheduler.setupPriority)
    run(task("step later"))
    expect(ran).toEqual(["step now"])
    await nextTurn()
    expect(ran).toEqual(["step now", "set-up", "step later"])
    advance(60)
    run(task("step now again"))
    expect(ran.at(-1)).toBe("step now again")
    expect(SlicedScheduler.stepRunner(Scheduler.defaultScheduler)).not.toBe(run)
  })

  it("runs everything queued in one turn once no request has started for the settle time", async () => {
    const { scheduler, ran, task, advance } = withClock({ startingSliceMillis: 2, settleMillis: 50, streamingEveryTurns: 1 })
    scheduler.scheduleTask(task("set-up"), SlicedScheduler.setupPriority)
    await nextTurn()
    advance(60)
    for (const name of ["a", "b", "c", "d"]) scheduler.scheduleTask(task(name, 5), 0)
    await nextTurn()
    expect(ran).toEqual(["set-up", "a", "b", "c", "d"])
  })

  it("yields by the fiber's operation budget, at the fiber's priority", () => {
    const scheduler = SlicedScheduler.make()
    expect(scheduler.shouldYield).toBe(Scheduler.defaultShouldYield)
  })

  it("runs forked fibers, set-up regions and callback resumptions of a real program to the same results", async () => {
    const program = Effect.gen(function* () {
      const workers = yield* Effect.forEach(Array.from({ length: 50 }, (_, i) => i), (i) =>
        Effect.fork(Effect.gen(function* () {
          let sum = 0
          for (let n = 0; n <= i * 10; n++) sum += yield* Effect.succeed(n)
          // resumed from outside, as I/O resumes a fiber
          const setUp = yield* SlicedScheduler.asSetup(Effect.async<number>((resume) => void setImmediate(() => resume(Effect.succeed(i)))))
          return sum + setUp
        })))
      return yield* Fiber.joinAll(workers)
    }).pipe(Effect.withScheduler(SlicedScheduler.make()), Effect.withMaxOpsBeforeYield(16))
    const results = await Effect.runPromise(program)
    expect(results).toEqual(Array.from({ length: 50 }, (_, i) => ((i * 10) * (i * 10 + 1)) / 2 + i))
  })
})
