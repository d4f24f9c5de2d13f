/** ContextWindow: how many tokens a model can take, and how much of it a conversation has left. */

/** Tokens assumed to be taken by instructions and tools before any conversation. */
export const BASELINE_TOKENS = 12_000

/** Share of the window that is usable when the catalog does not say. */
export const DEFAULT_EFFECTIVE_PERCENT = 95

/** The catalog facts the window depends on. */
export interface WindowFacts {
  readonly contextWindow?: number | undefined
  readonly effectiveContextWindowPercent?: number | undefined
  readonly autoCompactTokenLimit?: number | undefined
}

/**
 * The usable context window: the configured `model_context_window`, else the catalog's, scaled by the
 * catalog's effective percentage (95 when absent). Undefined when neither source knows the window.
 */
export const resolveContextWindow = (
  configured: number | undefined,
  entry: WindowFacts | undefined
): number | undefined => {
  const window = configured ?? entry?.contextWindow
  if (window === undefined) return undefined
  const percent = entry?.effectiveContextWindowPercent ?? DEFAULT_EFFECTIVE_PERCENT
  return Math.floor((window * Math.max(percent, 0)) / 100)
}

/** `model_auto_compact_token_limit` from config, else the catalog's; undefined disables threshold compaction. */
export const resolveAutoCompactTokenLimit = (
  configured: number | undefined,
  entry: WindowFacts | undefined
): number | undefined => configured ?? entry?.autoCompactTokenLimit

/**
 * Percentage of the window still free after `totalTokens`, not counting the baseline both share.
 * Rounded to the nearest integer (halves up).
 */
export const remainingPercent = (window: number, totalTokens: number): number => {
  if (window <= BASELINE_TOKENS) return 0
  const effective = window - BASELINE_TOKENS
  const used = Math.max(totalTokens - BASELINE_TOKENS, 0)
  const remaining = Math.max(effective - used, 0)
  const percent = Math.min(Math.max((remaining / effective) * 100, 0), 100)
  return Math.round(percent)
}

/**
 * What the prompt indicator shows: nothing when the window is unknown, 100 before any usage is
 * known, else the remaining percentage.
 */
export const indicatorPercent = (window: number | undefined, totalTokens: number | undefined): number | undefined => {
  if (window === undefined) return undefined
  if (totalTokens === undefined) return 100
  return remainingPercent(window, totalTokens)
}
