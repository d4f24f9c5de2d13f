/** Collaboration: the collaboration modes, their display names and the `<collaboration_mode>` section. */
import type { Effect } from "effect"
import type { ContextError } from "./ContextManager.js"
import type { Prompts } from "./Prompts.js"

/** Modes the program knows; only `plan` has its own text, the others share the default one. */
export const COLLABORATION_MODES = ["default", "plan", "execute", "pair_programming"] as const

export const DEFAULT_COLLABORATION_MODE = "default"

const DISPLAY_NAMES: Readonly<Record<string, string>> = {
  default: "Default",
  plan: "Plan",
  execute: "Execute",
  pair_programming: "Pair Programming"
}

/** A configured mode name, lower-cased; blank or absent means `default`. */
export const normalizeMode = (mode: string | undefined): string => {
  const text = mode?.trim().toLowerCase() ?? ""
  return text === "" ? DEFAULT_COLLABORATION_MODE : text
}

/** How a mode is shown: known names have fixed spellings, others get spaces and title case. */
export const displayName = (mode: string | undefined): string => {
  const name = normalizeMode(mode)
  return DISPLAY_NAMES[name] ??
    name.split("_").filter((word) => word !== "").map((word) => word[0]!.toUpperCase() + word.slice(1)).join(" ")
}

/** The prompt file holding a mode's instructions. */
export const promptFile = (mode: string | undefined): string =>
  normalizeMode(mode) === "plan" ? "collaboration/plan.md" : "collaboration/default.md"

/** Reads the instructions of a mode. */
export const instructions = (prompts: Prompts, mode: string | undefined): Effect.Effect<string, ContextError> =>
  prompts.text(promptFile(mode))

/** The developer-message section for a collaboration text; `undefined` when the text is blank. */
export const section = (text: string): string | undefined => {
  const body = text.trim()
  return body === "" ? undefined : `<collaboration_mode>${body}\n</collaboration_mode>`
}
