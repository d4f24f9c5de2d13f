/** NodeTerminal: the Terminal on the process's stdin/stdout, one node:readline prompt at a time. */
import { Effect, Layer } from "effect"
import * as readline from "node:readline"
import { type ReadResult, Terminal } from "./Terminal.js"

/** How many screen rows `text` takes on a terminal `columns` wide. */
const rowsOf = (text: string, columns: number): number =>
  text
    .replace(/\x1b\[[0-9;]*[A-Za-z]/g, "")
    .split("\n")
    .reduce((rows, part) => rows + Math.max(1, Math.ceil([...part].length / Math.max(columns, 1))), 0)

/** Moves the cursor to the first row of an area of `rows` rows it is in, and erases to the end of the screen. */
const eraseUp = (rowsAbove: number): string => `\r${rowsAbove > 0 ? `\x1b[${rowsAbove}A` : ""}\x1b[0J`

/** Whether a key typed while no prompt is open is text to keep for the next prompt. */
const printable = (sequence: string | undefined, key: readline.Key): sequence is string =>
  sequence !== undefined && key.ctrl !== true && key.meta !== true && !/[\x00-\x1f\x7f]/.test(sequence)

export const make = (input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stdout): Terminal & {
  /** Keys reach the session, not the terminal driver: Ctrl-C is a key, never a SIGINT, until `release`. */
  readonly acquire: () => void
  readonly release: () => void
} => {
  let open: readline.Interface | undefined
  /** Ends the open prompt with a result (Esc pressed in it). */
  let finishOpen: ((result: ReadResult) => void) | undefined
  /** Text typed while no prompt was open. */
  let typedAhead = ""
  const keyWaiters = new Set<(result: ReadResult) => void>()
  /** Ctrl-C or Esc pressed while nobody waited for keys: the next keyPressed or readLine returns it. */
  let pending: ReadResult | undefined
  const takePending = (): ReadResult | undefined => {
    const key = pending
    pending = undefined
    return key
  }
  let acquired = false
  /** Between prompts: raw mode, and reading (closing a readline interface pauses its input). */
  const takeKeys = () => {
    if (!acquired) return
    if (input.isTTY === true) input.setRawMode(true)
    input.resume()
  }
  const onKey = (sequence: string | undefined, key: readline.Key | undefined) => {
    if (key === undefined) return
    if (open !== undefined) {
      // Ctrl-C reaches the prompt as readline's SIGINT event.
      if (key.name === "escape") finishOpen?.({ _tag: "Escape", typed: open.line })
      return
    }
    const pressed: ReadResult | undefined = key.ctrl === true && key.name === "c"
      ? { _tag: "Interrupt", typed: typedAhead }
      : key.name === "escape"
      ? { _tag: "Escape", typed: typedAhead }
      : undefined
    if (pressed !== undefined) {
      // What was typed travels with the key; the session decides whether it stays.
      typedAhead = ""
      if (keyWaiters.size === 0) pending = pressed
      for (const waiter of keyWaiters) waiter(pressed)
      return
    }
    // A line finished while no prompt is drawn is submitted as typed; with nobody waiting, it stays
    // typed-ahead for the next prompt.
    if ((key.name === "return" || key.name === "enter") && keyWaiters.size > 0) {
      const submitted: ReadResult = { _tag: "Line", text: typedAhead }
      typedAhead = ""
      for (const waiter of keyWaiters) waiter(submitted)
      return
    }
    if (key.name === "backspace") typedAhead = typedAhead.slice(0, -1)
    else if (printable(sequence, key)) typedAhead += sequence
  }
  const columns = () => output.columns ?? 80

  /**
   * Erases the open prompt (with what was typed), runs `write`, and draws the prompt again below.
   * readline redraws by moving up as many rows as it drew last time, so that many blank rows are
   * written first for it to climb back over.
   */
  const aroundPrompt = (write: () => void) =>
    Effect.sync(() => {
      const rl = open
      if (rl === undefined) return write()
      const rows = rl.getCursorPos().rows
      output.write(eraseUp(rows))
      write()
      output.write("\n".repeat(rows))
      rl.prompt(true)
    })

  return {
    isTTY: output.isTTY === true,
    writeLine: (text) => aroundPrompt(() => output.write(`${text}\n`)),
    write: (text) => aroundPrompt(() => output.write(text)),
    updatePrompt: (prompt) =>
      Effect.sync(() => {
        const rl = open
        if (rl === undefined || rl.getPrompt() === prompt) return
        rl.setPrompt(prompt)
        rl.prompt(true)
      }),
    acquire: () => {
      acquired = true
      readline.emitKeypressEvents(input)
      input.on("keypress", onKey)
      takeKeys()
    },
    release: () => {
      input.off("keypress", onKey)
      if (input.isTTY === true) input.setRawMode(false)
      acquired = false
      input.pause()
    },
    keyPressed: Effect.async<ReadResult>((resume) => {
      const early = takePending()
      if (early !== undefined) return resume(Effect.succeed(early))
      const waiter = (result: ReadResult) => {
        keyWaiters.delete(waiter)
        resume(Effect.succeed(result))
      }
      keyWaiters.add(waiter)
      return Effect.sync(() => keyWaiters.delete(waiter))
    }),
    readLine: (prompt, initial) =>
      Effect.async<ReadResult>((resume) => {
        const early = takePending()
        if (early !== undefined) return resume(Effect.succeed(early))
        const rl = readline.createInterface({ input, output, terminal: input.isTTY === true, prompt, historySize: 100 })
        open = rl
        let done = false
        const close = () => {
          done = true
          open = undefined
          finishOpen = undefined
          rl.close()
          // Between prompts, keys still come to the session as keys.
          takeKeys()
        }
        const finish = (result: ReadResult) => {
          if (done) return
          if (output.isTTY === true && result._tag === "Escape") output.write(eraseUp(rl.getCursorPos().rows))
          close()
          resume(Effect.succeed(result))
        }
        finishOpen = finish
        rl.on("line", (text) => {
          // The submitted line is taken off the screen; the session echoes turns as `user> ...`.
          if (output.isTTY === true) output.write(`\x1b[${rowsOf(rl.getPrompt() + text, columns())}A${eraseUp(0)}`)
          finish({ _tag: "Line", text })
        })
        rl.on("close", () => {
          // Ctrl-D on an empty line: the prompt goes, as it does for /exit.
          if (!done && output.isTTY === true) output.write(eraseUp(rl.getCursorPos().rows))
          finish({ _tag: "Eof" })
        })
        rl.on("SIGINT", () => {
          // The prompt and its text are erased; the session says what the key did.
          if (output.isTTY === true) output.write(eraseUp(rl.getCursorPos().rows))
          finish({ _tag: "Interrupt", typed: rl.line })
        })
        rl.prompt()
        const ahead = `${initial ?? ""}${typedAhead}`
        typedAhead = ""
        if (ahead !== "") rl.write(ahead)
        return Effect.sync(() => {
          if (done) return
          if (output.isTTY === true) output.write(eraseUp(rl.getCursorPos().rows))
          close()
        })
      })
  }
}

/** The process terminal, taking the keyboard for as long as the layer lives. */
export const layer: Layer.Layer<Terminal> = Layer.scoped(
  Terminal,
  Effect.acquireRelease(
    Effect.sync(() => {
      const terminal = make()
      terminal.acquire()
      return terminal
    }),
    (terminal) => Effect.sync(() => terminal.release())
  )
)
