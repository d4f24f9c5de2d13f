/** Snapshot: what `exec` and `wait` return about a cell: a status header, the new output items, cut to a budget. */

export type ContentItem = Readonly<Record<string, unknown>>

/** Characters per token of the output budget. */
const CHARS_PER_TOKEN = 4
export const DEFAULT_MAX_TOKENS = 10_000

export type Status = "terminated" | "running" | "failed" | "completed"

export const statusLine = (status: Status, cellId: string): string => {
  switch (status) {
    case "terminated":
      return "Script terminated"
    case "running":
      return `Script running with cell ID ${cellId}`
    case "failed":
      return "Script failed"
    case "completed":
      return "Script completed"
  }
}

/** The header item: status, wall time with one decimal (no colon after "Wall time"), and `Output:`. */
export const header = (status: Status, cellId: string, wallSeconds: number): ContentItem => ({
  type: "input_text",
  text: `${statusLine(status, cellId)}\nWall time ${wallSeconds.toFixed(1)} seconds\nOutput:\n`
})

/**
 * Keeps items in order within `max(1, maxTokens) * 4` characters of text: images pass, the text item
 * that does not fit is cut and marked, and nothing follows it.
 */
export const truncate = (items: ReadonlyArray<ContentItem>, maxTokens: number | undefined): Array<ContentItem> => {
  let remaining = Math.max(1, maxTokens ?? DEFAULT_MAX_TOKENS) * CHARS_PER_TOKEN
  const kept: Array<ContentItem> = []
  for (const item of items) {
    if (item.type !== "input_text" || typeof item.text !== "string") {
      kept.push(item)
      continue
    }
    if (remaining <= 0) break
    const chars = Array.from(item.text)
    if (chars.length > remaining) {
      kept.push({ ...item, text: `${chars.slice(0, remaining).join("")}\n...[truncated]...` })
      break
    }
    kept.push(item)
    remaining -= chars.length
  }
  return kept
}

/** The text of the kept text items joined by newlines. */
export const outputText = (items: ReadonlyArray<ContentItem>): string =>
  items.flatMap((item) => (item.type === "input_text" && typeof item.text === "string" ? [item.text] : [])).join("\n")
