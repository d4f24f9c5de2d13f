/** Format: pure text of the interactive view (prompts, error blocks, history listings, previews). */
import type { Turn } from "../../session/SessionHistory.js"
import { truncate } from "../progress/ProgressView.js"

/** One write to the terminal: a whole line, or raw text (stream pieces, spinner frames). */
export type Output = { readonly _tag: "Line"; readonly text: string } | { readonly _tag: "Raw"; readonly text: string }

export const MAIN_PROMPT = "tscodex> "

/** Whitespace collapsed and cut to 72 characters (steer previews). */
export const preview = (text: string): string => truncate(text, 72)

/** `tsco(<N>%)> ` while the context window is known, else the main prompt. */
export const basePrompt = (percent: number | undefined): string => (percent === undefined ? MAIN_PROMPT : `tsco(${percent}%)> `)

/** `Error: <first line>`, then every further line indented by two spaces. */
export const errorBlock = (message: string): ReadonlyArray<string> => {
  const [first = "", ...rest] = message.split(/\r?\n/)
  return [`Error: ${first}`, ...rest.map((line) => `  ${line}`)]
}

/** The `/history` listing. */
export const historyLines = (title: string | undefined, turns: ReadonlyArray<Turn>): ReadonlyArray<string> =>
  turns.length === 0
    ? ["No history yet."]
    : [
      `Session: ${title ?? "untitled"}`,
      ...turns.flatMap((turn, i) => [`[${i + 1}] user> ${turn.user}`, `    assistant> ${turn.assistant}`])
    ]

