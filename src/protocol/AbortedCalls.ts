/** AbortedCalls: the outputs that stand in for tool calls that never finished, so no call is sent without one. */
import type { ConversationItem, ToolCall, ToolResult } from "./Items.js"
import { toolResult, userMessage } from "./Items.js"

/** The output of a call whose result was lost (the process died, or the rollout ends after the call). */
export const ABORTED_OUTPUT = "aborted"

/** The user-role note recorded after a turn the user interrupted (model-visible, as Codex words it). */
export const TURN_ABORTED_TEXT =
  "<turn_aborted>\nThe user interrupted the previous turn on purpose. Any running unified exec processes may still be running in the background. If any tools/commands were aborted, they may have partially executed.\n</turn_aborted>"

/** Tools whose interrupted output reads like a command's wall-time report. */
const commandTools = new Set(["exec_command", "write_stdin"])

/** An output for `call` carrying `text`. */
export const abortedResult = (call: ToolCall, text: string = ABORTED_OUTPUT): ToolResult =>
  toolResult({ callId: call.callId, name: call.name, output: text, toolType: call.toolType })

/** The text of a call the user interrupted after `seconds` (at least 0.1 s, one decimal). */
export const abortedByUserText = (toolName: string, seconds: number): string => {
  const shown = Math.max(seconds, 0.1).toFixed(1)
  return commandTools.has(toolName) ? `Wall time: ${shown} seconds\naborted by user` : `aborted by user after ${shown}s`
}

/** Ids of the calls in `items` that have no output anywhere in `items`. */
export const callsWithoutOutput = (items: ReadonlyArray<ConversationItem>): ReadonlyArray<ToolCall> => {
  const answered = new Set<string>()
  for (const item of items) if (item._tag === "ToolResult") answered.add(`${item.toolType}:${item.callId}`)
  return items.filter((item): item is ToolCall => item._tag === "ToolCall" && !answered.has(`${item.toolType}:${item.callId}`))
}

/** A history in which every call has an output, and the outputs that had to be made up for it. */
export interface Repaired {
  readonly history: ReadonlyArray<ConversationItem>
  readonly added: ReadonlyArray<ToolResult>
}

/**
 * Gives every call without an output an `aborted` output placed right after the call (where Codex puts
 * it). The history is returned unchanged (same array) when nothing is missing.
 */
export const withAbortedOutputs = (items: ReadonlyArray<ConversationItem>): Repaired => {
  const missing = new Set(callsWithoutOutput(items))
  if (missing.size === 0) return { history: items, added: [] }
  const history: Array<ConversationItem> = []
  const added: Array<ToolResult> = []
  for (const item of items) {
    history.push(item)
    if (item._tag === "ToolCall" && missing.has(item)) {
      const output = abortedResult(item)
      history.push(output)
      added.push(output)
    }
  }
  return { history, added }
}

/** The note recorded after an interrupted turn. */
export const turnAbortedMessage = () => userMessage(TURN_ABORTED_TEXT)

/** True for the note recorded after an interrupted turn. */
export const isTurnAbortedText = (text: string): boolean => text.trimStart().startsWith("<turn_aborted>")
