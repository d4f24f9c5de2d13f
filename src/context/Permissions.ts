/** Permissions: the sandbox and approval texts of the developer message, and the sandbox tag of turn metadata. */
import { Effect, Option } from "effect"
import { ContextError } from "./ContextManager.js"
import type { Prompts } from "./Prompts.js"

/** Sandbox modes with a prompt file. */
export const SANDBOX_MODES = ["danger-full-access", "read-only", "workspace-write"] as const
export type SandboxMode = (typeof SANDBOX_MODES)[number]

/** Approval policies with a prompt file. */
export const APPROVAL_POLICIES = [
  "never",
  "on-failure",
  "on-request",
  "unless-trusted",
  "on-request-rule-request-permission"
] as const
export type ApprovalPolicy = (typeof APPROVAL_POLICIES)[number]

export const DEFAULT_SANDBOX_MODE: SandboxMode = "danger-full-access"
export const DEFAULT_APPROVAL_POLICY: ApprovalPolicy = "never"

/** Other spellings accepted for an approval policy (Codex writes `untrusted`). */
const APPROVAL_ALIASES: Readonly<Record<string, ApprovalPolicy>> = { untrusted: "unless-trusted" }

const isSandboxMode = (name: string): name is SandboxMode => (SANDBOX_MODES as ReadonlyArray<string>).includes(name)
const isApprovalPolicy = (name: string): name is ApprovalPolicy =>
  (APPROVAL_POLICIES as ReadonlyArray<string>).includes(name)

/** Normalises a configured name: stripped, `_` read as `-`; blank means unset. */
const normalize = (name: string | undefined): string | undefined => {
  const text = name?.trim().replace(/_/g, "-")
  return text === undefined || text === "" ? undefined : text
}

/** The configured sandbox mode; an unknown name is an error naming the known ones. */
export const parseSandboxMode = (name: string | undefined): Effect.Effect<SandboxMode, ContextError> => {
  const mode = normalize(name)
  if (mode === undefined) return Effect.succeed(DEFAULT_SANDBOX_MODE)
  if (isSandboxMode(mode)) return Effect.succeed(mode)
  return Effect.fail(new ContextError({
    reason: "InvalidSetting",
    message: `unknown sandbox_mode "${name}"; expected one of ${SANDBOX_MODES.join(", ")}`
  }))
}

/** The configured approval policy; `None` for a name without a prompt text (the section is then left out). */
export const parseApprovalPolicy = (name: string | undefined): Option.Option<ApprovalPolicy> => {
  const policy = normalize(name)
  if (policy === undefined) return Option.some(DEFAULT_APPROVAL_POLICY)
  const resolved = APPROVAL_ALIASES[policy] ?? policy
  return isApprovalPolicy(resolved) ? Option.some(resolved) : Option.none()
}

/** The `sandbox` value of turn metadata. */
export const sandboxTag = (mode: string | undefined): "none" | "read-only" | "workspace-write" => {
  switch (normalize(mode)) {
    case "read-only":
      return "read-only"
    case "workspace-write":
      return "workspace-write"
    default:
      return "none"
  }
}

const fileName = (name: string) => `${name.replace(/-/g, "_")}.md`

/** The `<permissions instructions>` section for a sandbox mode and approval policy. */
export const section = (
  prompts: Prompts,
  sandbox: SandboxMode,
  approval: ApprovalPolicy,
  networkAccess: string
): Effect.Effect<string, ContextError> =>
  Effect.gen(function* () {
    const sandboxText = (yield* prompts.text(`permissions/sandbox_mode/${fileName(sandbox)}`)).trim()
    const approvalText = (yield* prompts.text(`permissions/approval_policy/${fileName(approval)}`)).trim()
    return [
      "<permissions instructions>",
      sandboxText.replaceAll("{network_access}", networkAccess),
      approvalText,
      "</permissions instructions>"
    ].join("\n")
  })
