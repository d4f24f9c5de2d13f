/** CommandGate: decides how one model command runs — sandboxed, after asking, unsandboxed, or not at all. */
import { Effect, Option } from "effect"
import * as Approvals from "./Approvals.js"
import * as SafeCommands from "./SafeCommands.js"
import { Sandbox, type SandboxError } from "./Sandbox.js"

/** `sandbox_permissions` of a tool call. */
export type SandboxPermissions = "use_default" | "require_escalated"

/** One command as the model asked for it (argv not wrapped yet). */
export interface GateRequest {
  readonly argv: readonly [string, ...Array<string>]
  readonly cwd: string
  /** The command as shown to the user. */
  readonly display: string
  readonly sandboxPermissions: SandboxPermissions
  readonly justification?: string | undefined
  /** The turn that runs it: what the user granted for that turn applies too. */
  readonly turnId?: string | undefined
}

/** What running the command gave: the text for the model, and the exit code and output when it finished. */
export interface Attempt {
  readonly text: string
  readonly exitCode: number | undefined
  readonly output: string
}

/** The text the model reads when the user said no. */
export const REJECTED_BY_USER = "exec command rejected by user"

/** The text the model reads when it asked for escalation under a policy that does not allow asking. */
export const escalationRefused = (policy: Approvals.ApprovalPolicy): string => {
  const name = Approvals.debugName[policy]
  return `approval policy is ${name}; reject command — you cannot ask for escalated permissions if the approval policy is ${name}`
}

const SANDBOX_DENIAL_HINTS = [
  "operation not permitted",
  "permission denied",
  "read-only file system",
  "seccomp",
  "sandbox",
  "landlock",
  "failed to write file",
  "network is unreachable",
  "could not resolve host",
  "temporary failure in name resolution"
]

/** Exit codes that mean "usage error" or "command not found", never the sandbox. */
const NOT_SANDBOX_EXIT_CODES = new Set([2, 126, 127])

/** Whether a finished command looks like it failed because of the sandbox. */
export const likelySandboxDenied = (exitCode: number | undefined, output: string): boolean => {
  if (exitCode === undefined || exitCode === 0 || NOT_SANDBOX_EXIT_CODES.has(exitCode)) return false
  const lower = output.toLowerCase()
  return SANDBOX_DENIAL_HINTS.some((hint) => lower.includes(hint))
}

/** What the policies decided before anything ran: the model's answer instead, or the argv to start. */
export type Admission =
  | { readonly _tag: "Refused"; readonly text: string }
  | { readonly _tag: "Run"; readonly argv: readonly [string, ...Array<string>]; readonly sandboxed: boolean }

/**
 * Decides how `request` starts, asking the user when the policy says so:
 * - an escalation request under any policy but `on-request` is refused (the model is told why);
 * - `untrusted`: a command not on the known-safe list runs only if the user approves, then unsandboxed;
 * - `on-request`: an escalation runs unsandboxed if the user approves; everything else sandboxed;
 * - otherwise the command runs sandboxed.
 * A sandbox that cannot be provided fails with SandboxError (the command does not run).
 */
export const admit = (
  sandbox: Sandbox,
  approvals: Approvals.Approvals,
  request: GateRequest
): Effect.Effect<Admission, SandboxError> =>
  Effect.gen(function*() {
    const policy = approvals.policy
    const escalated = request.sandboxPermissions === "require_escalated"
    const refused = (text: string): Admission => ({ _tag: "Refused", text })
    if (escalated && policy !== "on-request") return refused(escalationRefused(policy))
    const unsandboxed: Admission = { _tag: "Run", argv: request.argv, sandboxed: false }
    const ask = (reason: Approvals.ApprovalReason) =>
      Effect.map(
        approvals.request({ command: request.display, cwd: request.cwd, reason, justification: request.justification }),
        (approved) => approved ? unsandboxed : refused(REJECTED_BY_USER)
      )
    if (policy === "untrusted" && !SafeCommands.isKnownSafe(request.argv)) return yield* ask("untrusted")
    const fullAccess = sandbox.policy.mode === "danger-full-access"
    if (escalated && !fullAccess) return yield* ask("escalation")
    return { _tag: "Run", argv: yield* sandbox.wrap(request.argv, request.cwd, request.turnId), sandboxed: !fullAccess }
  })

/**
 * Runs `request` through `launch` as `admit` decides; under `on-failure`, a sandboxed run that
 * failed because of the sandbox may be run again without it if the user allows.
 */
export const run = <E>(
  sandbox: Sandbox,
  approvals: Approvals.Approvals,
  request: GateRequest,
  launch: (argv: readonly [string, ...Array<string>]) => Effect.Effect<Attempt, E>
): Effect.Effect<string, E | SandboxError> =>
  Effect.gen(function*() {
    const admission = yield* admit(sandbox, approvals, request)
    if (admission._tag === "Refused") return admission.text
    const attempt = yield* launch(admission.argv)
    if (
      admission.sandboxed && approvals.policy === "on-failure" && likelySandboxDenied(attempt.exitCode, attempt.output)
    ) {
      const approved = yield* approvals.request({
        command: request.display,
        cwd: request.cwd,
        reason: "sandbox-failure",
        justification: request.justification
      })
      if (approved) return (yield* launch(request.argv)).text
    }
    return attempt.text
  })

/** A command runner with the session's policies (what the command tools are built with). */
export interface Gate {
  readonly run: <E>(
    request: GateRequest,
    launch: (argv: readonly [string, ...Array<string>]) => Effect.Effect<Attempt, E>
  ) => Effect.Effect<string, E | SandboxError>
  readonly admit: (request: GateRequest) => Effect.Effect<Admission, SandboxError>
}

/** The gate of `sandbox` and `approvals`. */
export const make = (sandbox: Sandbox, approvals: Approvals.Approvals): Gate => ({
  run: (request, launch) => run(sandbox, approvals, request, launch),
  admit: (request) => admit(sandbox, approvals, request)
})

/**
 * The gate of the context's Sandbox and Approvals services, shared by every command tool of a
 * session (so "always" answers hold across them); approvals default to `never` (nobody asked).
 * Undefined without a Sandbox: commands run as given.
 */
export const fromContext: Effect.Effect<Gate | undefined> = Effect.gen(function*() {
  const sandbox = yield* Effect.serviceOption(Sandbox)
  if (Option.isNone(sandbox)) return undefined
  const approvals = Option.getOrUndefined(yield* Effect.serviceOption(Approvals.Approvals)) ??
    (yield* Approvals.make("never", undefined))
  return make(sandbox.value, approvals)
})
