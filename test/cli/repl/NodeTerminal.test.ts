/** The process terminal on in-memory streams: keys between prompts, and the prompt itself. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { PassThrough } from "node:stream"
import * as NodeTerminal from "../../../src/cli/repl/NodeTerminal.js"

/** One turn of the event loop. */
const tick = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))

/** A terminal whose keyboard the test types into (not a TTY: no raw mode, no cursor moves). */
const open = Effect.acquireRelease(
  Effect.sync(() => {
    const keyboard = new PassThrough()
    const screen = new PassThrough()
    let shown = ""
    screen.on("data", (chunk: Buffer) => void (shown += chunk.toString("utf8")))
    const terminal = NodeTerminal.make(keyboard as unknown as NodeJS.ReadStream, screen as unknown as NodeJS.WriteStream)
    terminal.acquire()
    const type = (text: string) => Effect.sync(() => void keyboard.write(text))
    /** Waits until everything typed has been read (and its keys handled). */
    const settled = Effect.gen(function* () {
      for (let i = 0; i < 1000 && (keyboard.readableLength > 0 || keyboard.writableLength > 0); i++) yield* tick
      yield* tick
    })
    /** Waits until the screen shows `count` prompts. */
    const prompts = (count: number) =>
      Effect.gen(function* () {
        for (let i = 0; i < 1000 && shown.split("tscodex> ").length - 1 < count; i++) yield* tick
      })
    return { terminal, type, settled, prompts }
  }),
  ({ terminal }) => Effect.sync(() => terminal.release())
)

describe("NodeTerminal", () => {
  it.scopedLive("keys typed between prompts: Enter submits them, Ctrl-C and Esc carry them, also after a prompt closed", () =>
    Effect.gen(function* () {
      const { prompts, terminal, type } = yield* open
      const first = yield* Effect.fork(terminal.keyPressed)
      yield* tick
      yield* type("steer me\r")
      expect(yield* Fiber.join(first)).toEqual({ _tag: "Line", text: "steer me" })

      const line = yield* Effect.fork(terminal.readLine("tscodex> "))
      yield* prompts(1)
      yield* type("hello\n")
      expect(yield* Fiber.join(line)).toEqual({ _tag: "Line", text: "hello" })

      // Closing the prompt must not stop the keyboard from being read.
      const key = yield* Effect.fork(terminal.keyPressed)
      yield* tick
      yield* type("half\x03")
      expect(yield* Fiber.join(key)).toEqual({ _tag: "Interrupt", typed: "half" })

      const escape = yield* Effect.fork(terminal.keyPressed)
      yield* tick
      yield* type("draft\x1b")
      expect(yield* Fiber.join(escape)).toEqual({ _tag: "Escape", typed: "draft" })
    }))

  it.scopedLive("Ctrl-C or Esc pressed while nobody waits is not lost: the next read returns it", () =>
    Effect.gen(function* () {
      const { prompts, settled, terminal, type } = yield* open
      yield* type("lost?\x03")
      yield* settled
      expect(yield* terminal.readLine("tscodex> ")).toEqual({ _tag: "Interrupt", typed: "lost?" })
      // A lone Esc is told from an escape sequence after a short wait; the next read gets it either way.
      yield* type("x\x1b")
      expect(yield* terminal.keyPressed).toEqual({ _tag: "Escape", typed: "x" })
      // Taken once; the text that went with the key comes back only as the caller's initial text.
      const line = yield* Effect.fork(terminal.readLine("tscodex> ", "x"))
      yield* prompts(1)
      yield* type("y\n")
      expect(yield* Fiber.join(line)).toEqual({ _tag: "Line", text: "xy" })
    }))

  it.scopedLive("text typed while no prompt is open fills the next prompt", () =>
    Effect.gen(function* () {
      const { prompts, settled, terminal, type } = yield* open
      yield* type("ahead")
      yield* settled
      const line = yield* Effect.fork(terminal.readLine("tscodex> "))
      yield* prompts(1)
      yield* type(" and more\n")
      expect(yield* Fiber.join(line)).toEqual({ _tag: "Line", text: "ahead and more" })
    }))
})
