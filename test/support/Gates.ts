/** Command gates for tool tests: a stand-in sandbox that rewrites argv, with a real approval policy and scripted answers. */
import { Effect, Ref } from "effect"
import * as Approvals from "../../src/sandbox/Approvals.js"
import * as CommandGate from "../../src/sandbox/CommandGate.js"
import * as Sandbox from "../../src/sandbox/Sandbox.js"

/** Rewrites a command the way a sandbox would, or refuses it. */
export type Wrap = Sandbox.Sandbox["wrap"]

/**
 * A gate whose "sandbox" is `wrap` (under a workspace-write policy), with `policy` and a prompter
 * answering from `answers` in order (then no); `asked` lists what the user was shown.
 */
export const make = (options: {
  readonly wrap?: (argv: readonly [string, ...Array<string>], cwd: string) => Effect.Effect<readonly [string, ...Array<string>], { readonly message: string }>
  readonly policy?: Approvals.ApprovalPolicy
  readonly answers?: ReadonlyArray<Approvals.Decision>
} = {}) =>
  Effect.gen(function*() {
    const asked = yield* Ref.make<ReadonlyArray<Approvals.ApprovalRequest>>([])
    const answers = [...(options.answers ?? [])]
    const approvals = yield* Approvals.make(options.policy ?? "never", {
      ask: (request) => Ref.update(asked, (all) => [...all, request]).pipe(Effect.as(answers.shift() ?? "deny"))
    })
    const sandbox = fakeSandbox(options.wrap)
    return { gate: CommandGate.make(sandbox, approvals), asked: Ref.get(asked) }
  })

/** A workspace-write "sandbox" whose wrapping is `wrap` (default: the command unchanged). */
export const fakeSandbox = (
  wrap: (argv: readonly [string, ...Array<string>], cwd: string) => Effect.Effect<readonly [string, ...Array<string>], { readonly message: string }> =
    (argv) => Effect.succeed(argv)
): Sandbox.Sandbox => ({
  policy: { mode: "workspace-write", writableRoots: [], networkAccess: false },
  explicit: true,
  availability: Sandbox.Availability.Available({ bwrap: "/usr/bin/bwrap" }),
  startupWarning: undefined,
  wrap: (argv, cwd) =>
    wrap(argv, cwd).pipe(Effect.mapError((error) => new Sandbox.SandboxError({ reason: "Unavailable", message: error.message }))),
  writeRefusal: () => undefined,
  policyFor: () => ({ mode: "workspace-write", writableRoots: [], networkAccess: false }),
  grant: () => Effect.void
})
