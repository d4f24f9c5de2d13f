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

export const make = (input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stdout): Terminal => {
  let open: readline.Interface | undefined
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
    readLine: (prompt) =>
      Effect.async<ReadResult>((resume) => {
        const rl = readline.createInterface({ input, output, terminal: input.isTTY === true, prompt, historySize: 100 })
        open = rl
        let done = false
        const finish = (result: ReadResult) => {
          if (done) return
          done = true
          open = undefined
          rl.close()
          resume(Effect.succeed(result))
        }
        rl.on("line", (text) => {
          // The submitted line is taken off the screen; the session echoes turns as `user> ...`.
          if (output.isTTY === true) output.write(`\x1b[${rowsOf(rl.getPrompt() + text, columns())}A${eraseUp(0)}`)
          finish({ _tag: "Line", text })
        })
        rl.on("close", () => finish({ _tag: "Eof" }))
        rl.on("SIGINT", () => {
          output.write("\n")
          finish({ _tag: "Interrupt" })
        })
        rl.prompt()
        return Effect.sync(() => {
          if (done) return
          done = true
          open = undefined
          if (output.isTTY === true) output.write(eraseUp(rl.getCursorPos().rows))
          rl.close()
        })
      })
  }
}

/** The process terminal. */
export const layer: Layer.Layer<Terminal> = Layer.sync(Terminal, () => make())
