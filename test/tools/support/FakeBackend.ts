/** FakeBackend: a scripted ExecBackend whose processes are driven by the test (output, exit, input). */
import { Deferred, Effect, Mailbox, Ref } from "effect"
import type { ExecBackend, SpawnRequest } from "../../../src/tools/unifiedExec/ExecBackend.js"
import { ExecBackendError } from "../../../src/tools/unifiedExec/ExecBackend.js"

/** One started fake process, as the test sees it. */
export interface FakeProcess {
  readonly request: SpawnRequest
  readonly emit: (text: string | Uint8Array) => Effect.Effect<void>
  /** Ends the output and exits with `code`. */
  readonly exit: (code: number) => Effect.Effect<void>
  readonly written: Ref.Ref<string>
  readonly killed: Ref.Ref<boolean>
}

export interface FakeBackend {
  readonly backend: ExecBackend
  readonly processes: Ref.Ref<ReadonlyArray<FakeProcess>>
  /** The most recently started process. */
  readonly last: Effect.Effect<FakeProcess>
}

const encoder = new TextEncoder()

/**
 * A backend whose processes do nothing on their own. `script` runs in the process's scope right
 * after the start (forked), to emit output or exit on a schedule. A command line containing
 * `no-such-program` fails to start.
 */
export const make = (
  script: (process: FakeProcess) => Effect.Effect<void> = () => Effect.void
): Effect.Effect<FakeBackend> =>
  Effect.gen(function*() {
    const processes = yield* Ref.make<ReadonlyArray<FakeProcess>>([])
    const backend: ExecBackend = {
      spawn: (request) =>
        Effect.gen(function*() {
          if (request.argv.some((arg) => arg.includes("no-such-program"))) {
            return yield* new ExecBackendError({ reason: "NotFound", message: "no such program: no-such-program" })
          }
          const output = yield* Mailbox.make<Uint8Array>()
          const exitCode = yield* Deferred.make<number>()
          const written = yield* Ref.make("")
          const killed = yield* Ref.make(false)
          const fake: FakeProcess = {
            request,
            emit: (text) => Effect.asVoid(output.offer(typeof text === "string" ? encoder.encode(text) : text)),
            exit: (code) => Effect.zipRight(output.end, Deferred.succeed(exitCode, code)).pipe(Effect.asVoid),
            written,
            killed
          }
          yield* Effect.addFinalizer(() =>
            Effect.gen(function*() {
              if (!(yield* Deferred.isDone(exitCode))) {
                yield* Ref.set(killed, true)
                yield* fake.exit(-15)
              }
            })
          )
          yield* Ref.update(processes, (all) => [...all, fake])
          yield* Effect.forkScoped(script(fake))
          return {
            output: Mailbox.toStream(output),
            write: (bytes: Uint8Array) => Ref.update(written, (text) => text + new TextDecoder().decode(bytes)),
            exitCode: Deferred.await(exitCode),
            echoesInput: false
          }
        })
    }
    return {
      backend,
      processes,
      last: Effect.map(Ref.get(processes), (all) => all[all.length - 1]!)
    }
  })

