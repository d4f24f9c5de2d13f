/** KnownValues: the values config.toml's enumerated keys accept, and the check that warns about others. */
import { Effect } from "effect"

/** `approval_policy` (Codex spells one `untrusted`; `_` may stand for `-`). */
export const APPROVAL_POLICIES = ["untrusted", "unless-trusted", "on-failure", "on-request", "never", "on-request-rule-request-permission"] as const
/** `sandbox_mode`. */
export const SANDBOX_MODES = ["read-only", "workspace-write", "danger-full-access"] as const
/** `model_reasoning_effort`. */
export const REASONING_EFFORTS = ["none", "minimal", "low", "medium", "high", "xhigh"] as const

const normalize = (value: string): string => value.trim().replace(/_/g, "-").toLowerCase()

/**
 * The value when it is one of `known` (compared without case, `_` as `-`), else `undefined` after one
 * warning naming the file, the key and the accepted values: an unknown value is ignored, not fatal.
 */
export const checkKnown = (
  path: string,
  key: string,
  value: string | undefined,
  known: ReadonlyArray<string>
): Effect.Effect<string | undefined> => {
  if (value === undefined || known.includes(normalize(value))) return Effect.succeed(value)
  return Effect.as(
    Effect.logWarning(`${path}: ${key} "${value}" is not one of ${known.join(", ")}; it is ignored`),
    undefined
  )
}
