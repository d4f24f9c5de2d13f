/** Approvals: approval_policy, and asking the user (through a front end's prompter) before a command runs. */
import { Context, Data, Effect, Either, Layer, Option, Ref, type Scope } from "effect"
import { CodexConfig } from "../config/CodexConfig.js"

/** The approval policies, as Codex names them. */
export const APPROVAL_POLICIES = ["untrusted", "on-failure", "on-request", "never"] as const
export type ApprovalPolicy = (typeof APPROVAL_POLICIES)[number]

/** The policy used when neither config nor flags name one. */
export const DEFAULT_APPROVAL_POLICY: ApprovalPolicy = "never"

/** Other spellings accepted (older Codex names). */
const ALIASES: Readonly<Record<string, ApprovalPolicy>> = {
  "unless-trusted": "untrusted",
  "on-request-rule-request-permission": "on-request"
}

/** The names Codex's own messages use for the policies. */
export const debugName: Readonly<Record<ApprovalPolicy, string>> = {
  untrusted: "UnlessTrusted",
  "on-failure": "OnFailure",
  "on-request": "OnRequest",
  never: "Never"
}

export class ApprovalConfigError extends Data.TaggedError("ApprovalConfigError")<{
  readonly key: string
  readonly message: string
}> {}

/** A policy name from config or a flag; unknown names are an error listing the known ones. */
export const parsePolicy = (value: unknown, key = "approval_policy"): Either.Either<ApprovalPolicy | undefined, ApprovalConfigError> => {
  if (value === undefined) return Either.right(undefined)
  const text = typeof value === "string" ? value.trim().toLowerCase().replace(/_/g, "-") : undefined
  if (text === "") return Either.right(undefined)
  const policy = text === undefined ? undefined : ALIASES[text] ?? text
  return policy !== undefined && (APPROVAL_POLICIES as ReadonlyArray<string>).includes(policy)
    ? Either.right(policy as ApprovalPolicy)
    : Either.left(new ApprovalConfigError({
      key,
      message: `unknown ${key} ${JSON.stringify(value)}; expected one of ${APPROVAL_POLICIES.join(", ")}`
    }))
}

/** Why the user is asked. */
export type ApprovalReason =
  /** `untrusted`: the command is not on the known-safe list. */
  | "untrusted"
  /** `on-request`: the model asked to run the command without the sandbox. */
  | "escalation"
  /** `on-failure`: the command failed in the sandbox; run it again without? */
  | "sandbox-failure"

/** What the user is shown. */
export interface ApprovalRequest {
  readonly command: string
  readonly cwd: string
  readonly reason: ApprovalReason
  /** The model's one-line question (on-request escalations). */
  readonly justification?: string | undefined
}

/** The user's answer: yes once, yes for the rest of the session (same command), or no. */
export type Decision = "approve" | "approve-for-session" | "deny"

/** Asks the user; a front end that can ask provides it (the interactive session). */
export interface Prompter {
  readonly ask: (request: ApprovalRequest) => Effect.Effect<Decision>
}

export interface Approvals {
  readonly policy: ApprovalPolicy
  /** True when the user allowed the command (now, or earlier for the whole session). */
  readonly request: (request: ApprovalRequest) => Effect.Effect<boolean>
  /**
   * Installs the prompter that answers from now on, replacing the previous one; `undefined`
   * removes it (then nobody can answer and every request is denied). Ignored in one-shot mode.
   */
  readonly setPrompter: (prompter: Prompter | undefined) => Effect.Effect<void>
}
export const Approvals = Context.GenericTag<Approvals>("tscodex/Approvals")

/**
 * Approvals with `policy`, asking `prompter`. Without a prompter nobody can answer and every
 * request is denied. Commands approved for the session are remembered by their exact text.
 * `fixed` keeps the prompter as given (one-shot runs never get one).
 */
export const make = (policy: ApprovalPolicy, prompter: Prompter | undefined, fixed = false): Effect.Effect<Approvals> =>
  Effect.gen(function*() {
    const approvedForSession = yield* Ref.make<ReadonlySet<string>>(new Set())
    const current = yield* Ref.make(Option.fromNullable(prompter))
    // One question at a time, and the session's approvals are checked once it is this one's turn:
    // a command asked about twice in parallel is asked once when the first answer is "always".
    const turn = yield* Effect.makeSemaphore(1)
    const request = (request: ApprovalRequest) =>
      turn.withPermits(1)(Effect.gen(function*() {
        if ((yield* Ref.get(approvedForSession)).has(request.command)) return true
        const installed = yield* Ref.get(current)
        if (Option.isNone(installed)) return false
        const decision = yield* installed.value.ask(request)
        if (decision === "approve-for-session") yield* Ref.update(approvedForSession, (set) => new Set(set).add(request.command))
        return decision !== "deny"
      }))
    const setPrompter = (next: Prompter | undefined) => fixed ? Effect.void : Ref.set(current, Option.fromNullable(next))
    return { policy, request, setPrompter }
  })

/** Installs `prompter` for the lifetime of the current Scope (an interactive session asks only while it runs). */
export const installScoped = (approvals: Approvals, prompter: Prompter): Effect.Effect<void, never, Scope.Scope> =>
  Effect.acquireRelease(approvals.setPrompter(prompter), () => approvals.setPrompter(undefined))

/**
 * The live service. `oneShot` is the non-interactive mode: as in `codex exec`, nobody is asked
 * and the policy is always `never`, whatever was configured.
 */
export const layer = (options: {
  readonly policy: ApprovalPolicy
  readonly oneShot: boolean
  readonly prompter?: Prompter | undefined
}) =>
  Layer.effect(
    Approvals,
    make(options.oneShot ? "never" : options.policy, options.oneShot ? undefined : options.prompter, options.oneShot)
  )

/**
 * The policy of config.toml (`approval_policy`, default `never`); an unknown name is an error.
 * In one-shot mode the policy is `never` (see `layer`) and `onWarning` is told once when the
 * configured one is set aside.
 */
export const layerConfig = (options: {
  readonly oneShot: boolean
  readonly prompter?: Prompter | undefined
  readonly onWarning?: (message: string) => Effect.Effect<void>
}) =>
  Layer.unwrapEffect(Effect.gen(function*() {
    const config = yield* CodexConfig
    const parsed = parsePolicy(config.approvalPolicy)
    if (Either.isLeft(parsed)) return Layer.fail(parsed.left)
    const policy = parsed.right ?? DEFAULT_APPROVAL_POLICY
    if (options.oneShot && policy !== "never" && options.onWarning !== undefined) {
      yield* options.onWarning(
        `[note] approval_policy "${policy}" does not apply to one-shot runs: nobody can answer, so the policy is "never" (commands run in the sandbox; escalation requests are refused)`
      )
    }
    return layer({ policy, oneShot: options.oneShot, prompter: options.prompter })
  }))
