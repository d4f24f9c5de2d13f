/** The process terminal on in-memory streams: keys between prompts, and the prompt itself. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { PassThrough } from "node:stream"
import * as NodeTerminal from "../../../src/cli/repl/NodeTerminal.js"

/** A terminal whose keyboard the test types into (not a TTY: no raw mode, no cursor moves). */
const open = Effect.acquireRelease(
  Effect.sync(() => {
    const input = new PassThrough() as unknown as NodeJS.ReadStream
    const output = new PassThrough() as unknown as NodeJS.WriteStream
    output.resume()
    const terminal = NodeTerminal.make(input, output)
    terminal.acquire()
    return { terminal, type: (text: string) => Effect.sync(() => void (input as unknown as PassThrough).write(text)) }
  }),
  ({ terminal }) => Effect.sync(() => terminal.release())
)

describe("NodeTerminal", () => {
  it.scopedLive("keys typed between prompts: Enter submits them, Ctrl-C and Esc carry them, also after a prompt closed", () =>
    Effect.gen(function* () {
      const { terminal, type } = yield* open
      const first = yield* Effect.fork(terminal.keyPressed)
      yield* Effect.yieldNow()
      yield* type("steer me\r")
      expect(yield* Fiber.join(first)).toEqual({ _tag: "Line", text: "steer me" })

      const line = yield* Effect.fork(terminal.readLine("tscodex> "))
      yield* Effect.sleep("20 millis")
      yield* type("hello\n")
      expect(yield* Fiber.join(line)).toEqual({ _tag: "Line", text: "hello" })

      // Closing the prompt must not stop the keyboard from being read.
      const key = yield* Effect.fork(terminal.keyPressed)
      yield* Effect.yieldNow()
      yield* type("half\x03")
      expect(yield* Fiber.join(key)).toEqual({ _tag: "Interrupt", typed: "half" })

      const escape = yield* Effect.fork(terminal.keyPressed)
      yield* Effect.yieldNow()
      yield* type("draft\x1b")
      expect(yield* Fiber.join(escape)).toEqual({ _tag: "Escape", typed: "draft" })
    }))

  it.scopedLive("Ctrl-C or Esc pressed while nobody waits is not lost: the next read returns it", () =>
    Effect.gen(function* () {
      const { terminal, type } = yield* open
      yield* type("lost?\x03")
      yield* Effect.sleep("20 millis")
      expect(yield* terminal.readLine("tscodex> ")).toEqual({ _tag: "Interrupt", typed: "lost?" })
      yield* type("x\x1b")
      yield* Effect.sleep("700 millis")
      expect(yield* terminal.keyPressed).toEqual({ _tag: "Escape", typed: "x" })
      // Taken once; the text that went with the key comes back only as the caller's initial text.
      const line = yield* Effect.fork(terminal.readLine("tscodex> ", "x"))
      yield* Effect.sleep("20 millis")
      yield* type("y\n")
      expect(yield* Fiber.join(line)).toEqual({ _tag: "Line", text: "xy" })
    }))

  it.scopedLive("text typed while no prompt is open fills the next prompt", () =>
    Effect.gen(function* () {
      const { terminal, type } = yield* open
      yield* type("ahead")
      yield* Effect.sleep("20 millis")
      const line = yield* Effect.fork(terminal.readLine("tscodex> "))
      yield* Effect.sleep("20 millis")
      yield* type(" and more\n")
      expect(yield* Fiber.join(line)).toEqual({ _tag: "Line", text: "ahead and more" })
    }))
})
