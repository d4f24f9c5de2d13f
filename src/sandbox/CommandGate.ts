/** CommandGate: decides how one model command runs — sandboxed, after asking, unsandboxed, or not at all. */
import { Effect } from "effect"
import * as Approvals from "./Approvals.js"
import * as SafeCommands from "./SafeCommands.js"
import type { Sandbox, SandboxError } from "./Sandbox.js"

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

/**
 * Runs `request` through `launch` as the policies say:
 * - an escalation request under any policy but `on-request` is refused (the model is told why);
 * - `untrusted`: a command not on the known-safe list runs only if the user approves, then unsandboxed;
 * - `on-request`: an escalation runs unsandboxed if the user approves; everything else sandboxed;
 * - `on-failure`: runs sandboxed; if that failed because of the sandbox, the user may allow a rerun without it;
 * - `never`: runs sandboxed, nobody is asked.
 * A sandbox that cannot be provided fails with SandboxError (the command does not run).
 */
export const run = <E>(
  sandbox: Sandbox,
  approvals: Approvals.Approvals,
  request: GateRequest,
  launch: (argv: readonly [string, ...Array<string>]) => Effect.Effect<Attempt, E>
): Effect.Effect<string, E | SandboxError> =>
  Effect.gen(function*() {
    const policy = approvals.policy
    const escalated = request.sandboxPermissions === "require_escalated"
    if (escalated && policy !== "on-request") return escalationRefused(policy)
    const ask = (reason: Approvals.ApprovalReason) =>
      approvals.request({ command: request.display, cwd: request.cwd, reason, justification: request.justification })
    const unsandboxed = Effect.map(launch(request.argv), (attempt) => attempt.text)

    if (policy === "untrusted" && !SafeCommands.isKnownSafe(request.argv)) {
      return (yield* ask("untrusted")) ? yield* unsandboxed : REJECTED_BY_USER
    }
    const fullAccess = sandbox.policy.mode === "danger-full-access"
    if (escalated && !fullAccess) {
      return (yield* ask("escalation")) ? yield* unsandboxed : REJECTED_BY_USER
    }
    const attempt = yield* launch(yield* sandbox.wrap(request.argv, request.cwd))
    if (policy === "on-failure" && !fullAccess && likelySandboxDenied(attempt.exitCode, attempt.output)) {
      if (yield* ask("sandbox-failure")) return yield* unsandboxed
    }
    return attempt.text
  })
