/** Terminal: where the interactive session reads lines and writes output (a real TTY, or a script in tests). */
import { Context, Effect, Layer, Queue, Ref } from "effect"

/** What one prompt ended with. */
export type ReadResult =
  | { readonly _tag: "Line"; readonly text: string }
  | { readonly _tag: "Eof" }
  /** Ctrl-C, with the text that was on the line. */
  | { readonly _tag: "Interrupt"; readonly typed: string }
  /** Esc, with the text that was on the line. */
  | { readonly _tag: "Escape"; readonly typed: string }

export interface Terminal {
  /** Standard output is a terminal (colors are allowed). */
  readonly isTTY: boolean
  /** Writes a whole line. */
  readonly writeLine: (text: string) => Effect.Effect<void>
  /** Writes text as it is. */
  readonly write: (text: string) => Effect.Effect<void>
  /**
   * Shows the prompt and waits for a line. Interrupting it closes the prompt and drops half-typed
   * text; a submitted line is erased from the screen (the session echoes it its own way).
   */
  readonly readLine: (prompt: string, initial?: string) => Effect.Effect<ReadResult>
  /**
   * Waits for Ctrl-C, Esc or Enter pressed while no prompt is open (assistant text streaming): an
   * Interrupt or Escape carrying what was typed meanwhile, or the typed Line on Enter. Keys typed
   * and not submitted go to the next prompt.
   */
  readonly keyPressed: Effect.Effect<ReadResult>
  /** Redraws the open prompt with new text (spinner frame, streamed text); nothing when none is open. */
  readonly updatePrompt: (prompt: string) => Effect.Effect<void>
}
export const Terminal = Context.GenericTag<Terminal>("tscodex/Terminal")

export const line = (text: string): ReadResult => ({ _tag: "Line", text })
export const eof: ReadResult = { _tag: "Eof" }
export const interrupt: ReadResult = { _tag: "Interrupt", typed: "" }
export const escape: ReadResult = { _tag: "Escape", typed: "" }

/** A scripted terminal: input offered by the test, output captured as lines and raw chunks. */
export interface Scripted {
  readonly terminal: Terminal
  /** Types a line (or EOF / Ctrl-C) for the next prompt. */
  readonly type: (input: string | ReadResult) => Effect.Effect<void>
  /** Presses Ctrl-C or Esc while no prompt is open. */
  readonly press: (key: ReadResult) => Effect.Effect<void>
  readonly lines: Effect.Effect<ReadonlyArray<string>>
  readonly raw: Effect.Effect<ReadonlyArray<string>>
  /** The initial text of each prompt opened, in order. */
  readonly initials: Effect.Effect<ReadonlyArray<string>>
  /** Every prompt shown or redrawn with a different text, in order. */
  readonly prompts: Effect.Effect<ReadonlyArray<string>>
  /** True while a prompt waits for input. */
  readonly waiting: Effect.Effect<boolean>
}

export const makeScripted = (options: { readonly isTTY?: boolean } = {}): Effect.Effect<Scripted> =>
  Effect.gen(function* () {
    const input = yield* Queue.unbounded<ReadResult>()
    const lines = yield* Ref.make<ReadonlyArray<string>>([])
    const raw = yield* Ref.make<ReadonlyArray<string>>([])
    const prompts = yield* Ref.make<ReadonlyArray<string>>([])
    const waiting = yield* Ref.make(false)
    const keys = yield* Queue.unbounded<ReadResult>()
    const initials = yield* Ref.make<ReadonlyArray<string>>([])
    const terminal: Terminal = {
      isTTY: options.isTTY ?? false,
      writeLine: (text) => Ref.update(lines, (all) => [...all, text]),
      write: (text) => Ref.update(raw, (all) => [...all, text]),
      readLine: (prompt, initial = "") =>
        Ref.update(prompts, (all) => [...all, prompt]).pipe(
          Effect.zipRight(Ref.update(initials, (all) => [...all, initial])),
          Effect.zipRight(Ref.set(waiting, true)),
          Effect.zipRight(Queue.take(input)),
          Effect.ensuring(Ref.set(waiting, false))
        ),
      updatePrompt: (prompt) =>
        Effect.flatMap(Ref.get(waiting), (open) =>
          open ? Ref.update(prompts, (all) => (all.at(-1) === prompt ? all : [...all, prompt])) : Effect.void
        ),
      keyPressed: Queue.take(keys)
    }
    return {
      terminal,
      type: (value) => Queue.offer(input, typeof value === "string" ? line(value) : value),
      press: (key) => Queue.offer(keys, key),
      initials: Ref.get(initials),
      lines: Ref.get(lines),
      raw: Ref.get(raw),
      prompts: Ref.get(prompts),
      waiting: Ref.get(waiting)
    }
  })

/** The layer of a scripted terminal made beforehand. */
export const layerScripted = (scripted: Scripted): Layer.Layer<Terminal> => Layer.succeed(Terminal, scripted.terminal)
