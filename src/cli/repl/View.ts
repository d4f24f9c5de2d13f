/** View: the view model behind a lock, writing what it produces to the Terminal. */
import { Effect } from "effect"
import type { SubmissionEvent } from "../../agent/AgentRuntime.js"
import type { Terminal } from "./Terminal.js"
import { makeViewModel, type Output, type ViewModel, type ViewOptions } from "./ViewModel.js"

export interface View {
  readonly model: ViewModel
  /** Runs one step of the model and writes its output; steps never interleave. */
  readonly apply: (step: (model: ViewModel) => ReadonlyArray<Output>) => Effect.Effect<void>
  /** Runs `effect` while no step can run; `write` applies steps inside it. */
  readonly exclusive: <A, E, R>(
    f: (write: (step: (model: ViewModel) => ReadonlyArray<Output>) => Effect.Effect<void>) => Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E, R>
  /** Renders an agent event. */
  readonly onEvent: (event: SubmissionEvent) => Effect.Effect<void>
}

/** Writes outputs in order. */
export const writeOutputs = (terminal: Terminal, outputs: ReadonlyArray<Output>): Effect.Effect<void> =>
  Effect.forEach(outputs, (out) => (out._tag === "Line" ? terminal.writeLine(out.text) : terminal.write(out.text)), {
    discard: true
  })

export const make = (terminal: Terminal, options: ViewOptions): Effect.Effect<View> =>
  Effect.gen(function* () {
    const model = makeViewModel(options)
    const lock = yield* Effect.makeSemaphore(1)
    const write = (step: (model: ViewModel) => ReadonlyArray<Output>) =>
      Effect.suspend(() => writeOutputs(terminal, step(model)))
    const apply = (step: (model: ViewModel) => ReadonlyArray<Output>) => lock.withPermits(1)(write(step))
    return {
      model,
      apply,
      exclusive: (f) => lock.withPermits(1)(f(write)),
      onEvent: (event) => apply((m) => m.handle(event))
    }
  })
