/** ApprovalPrompt: the interactive session asks the user before a command runs (command, cwd, justification; yes / no / always). */
import { Effect, Option, type Scope } from "effect"
import * as Approvals from "../../sandbox/Approvals.js"
import type { PromptBroker } from "./UserPrompts.js"

/** The prompt an approval question is answered at. */
export const PROMPT = "approve> "

/** The line naming the choices. */
export const CHOICES = "Choose: [y] yes / [n] no / [a] always for this session"

const HEADLINES: Readonly<Record<Approvals.ApprovalReason, string>> = {
  untrusted: "[approval] run this command? (it is not on the known-safe list; approved, it runs without the sandbox)",
  escalation: "[approval] the model asks to run this command without the sandbox",
  "sandbox-failure": "[approval] the command failed in the sandbox; run it again without the sandbox?"
}

/** The lines showing one request. */
export const formatRequest = (request: Approvals.ApprovalRequest): ReadonlyArray<string> => [
  HEADLINES[request.reason],
  `Command: ${request.command}`,
  `Cwd: ${request.cwd}`,
  ...(request.justification !== undefined && request.justification.trim() !== "" ? [`Justification: ${request.justification.trim()}`] : []),
  CHOICES
]

/** What a typed answer means: `y`/`yes` once, `a`/`always` for the session, anything else no. */
export const interpretDecision = (typed: string): Approvals.Decision => {
  const choice = typed.trim().toLowerCase()
  if (choice === "y" || choice === "yes") return "approve"
  if (choice === "a" || choice === "always") return "approve-for-session"
  return "deny"
}

const ANSWERED: Readonly<Record<Approvals.Decision, string>> = {
  approve: "Approved once.",
  "approve-for-session": "Approved for this session.",
  deny: "Denied."
}

/**
 * The prompter: one question at a time (commands run in parallel wait their turn in the broker's
 * dialog queue); end of input or no answer within the broker's timeout is no.
 */
export const makePrompter = (
  broker: PromptBroker,
  say: (lines: ReadonlyArray<string>) => Effect.Effect<void>
): Approvals.Prompter => ({
  ask: (request) =>
    broker.dialog(Effect.gen(function*() {
      yield* say(formatRequest(request))
      const typed = yield* broker.ask(PROMPT)
      const decision = Option.match(typed, { onNone: () => "deny" as const, onSome: interpretDecision })
      yield* say([ANSWERED[decision]])
      return decision
    }))
})

/** Installs the prompter on the context's Approvals service, if any, for the current Scope. */
export const install = (
  broker: PromptBroker,
  say: (lines: ReadonlyArray<string>) => Effect.Effect<void>
): Effect.Effect<void, never, Scope.Scope> =>
  Effect.gen(function*() {
    const approvals = yield* Effect.serviceOption(Approvals.Approvals)
    if (Option.isSome(approvals)) yield* Approvals.installScoped(approvals.value, makePrompter(broker, say))
  })
