/** ProgressView: pure one-line descriptions of agent events, shown on stderr while an exec turn runs. */
import type { AgentEvent } from "../protocol/AgentEvent.js"
import type { ToolCall, ToolResult } from "../protocol/Items.js"
import { compactJson, toolResultText } from "../protocol/Items.js"

/** Whitespace collapsed, cut to `limit` characters with `...` when longer. */
export const truncate = (text: string, limit: number): string => {
  const flat = text.replace(/\s+/g, " ").trim()
  const chars = [...flat]
  return chars.length <= limit ? flat : chars.slice(0, limit - 3).join("").trimEnd() + "..."
}

const argument = (call: ToolCall, key: string): string | undefined => {
  const args = call.arguments
  if (typeof args !== "object" || args === null) return undefined
  const value = (args as Record<string, unknown>)[key]
  return value === undefined || value === null || value === "" ? undefined : String(value)
}

/** What the call asks for, in a few words (`cmd` of exec_command, the session of write_stdin, ...). */
export const commandPreview = (call: ToolCall): string | undefined => {
  switch (call.name) {
    case "exec_command": {
      const cmd = argument(call, "cmd")
      return cmd === undefined ? undefined : truncate(cmd, 72)
    }
    case "shell_command": {
      const command = argument(call, "command")
      return command === undefined ? undefined : truncate(command, 72)
    }
    case "write_stdin": {
      const session = argument(call, "session_id")
      if (session === undefined) return undefined
      const chars = argument(call, "chars")
      return chars === undefined ? `poll session ${session}` : `session ${session} <- ${truncate(chars, 32)}`
    }
    case "read_file":
      return mapDefined(argument(call, "file_path"), (p) => truncate(p, 72))
    case "list_dir":
      return mapDefined(argument(call, "dir_path"), (p) => truncate(p, 72))
    case "view_image":
      return mapDefined(argument(call, "path"), (p) => truncate(p, 72))
    default:
      return undefined
  }
}

/** The gist of a result: the first output line of a command, or compact JSON of a structured value. */
export const resultSummary = (result: ToolResult): string | undefined => {
  if (result.contentItems === undefined && typeof result.output !== "string") {
    return truncate(compactJson(result.output), 96)
  }
  const lines = toolResultText(result).split(/\r?\n/)
  const marker = lines.indexOf("Output:")
  const after = marker >= 0 ? lines.slice(marker + 1).find((l) => l.trim() !== "") : undefined
  const line = after ?? lines.find((l) => l.trim() !== "" && !/^(Exit code:|Wall time:|Command:)/.test(l))
  return line === undefined ? undefined : truncate(line, 96)
}

const EXEC_TOOLS = new Set(["exec_command", "write_stdin", "shell", "shell_command", "exec", "wait"])

/** `[exec] echo hello -> hello`, `[tool] name: summary`, `[error] exec failed: ...` */
export const formatToolLine = (call: ToolCall, result: ToolResult): string => {
  const preview = commandPreview(call)
  const outcome = resultSummary(result)
  const summary = preview !== undefined && outcome !== undefined ? `${preview} -> ${outcome}` : preview ?? outcome
  const exec = EXEC_TOOLS.has(call.name)
  if (result.isError) {
    const what = exec ? "exec" : call.name
    return summary === undefined ? `[error] ${what} failed` : `[error] ${what} failed: ${summary}`
  }
  if (exec) return summary === undefined ? `[exec] ${call.name}` : `[exec] ${summary}`
  return summary === undefined ? `[tool] ${call.name}` : `[tool] ${call.name}: ${summary}`
}

/** The progress line for an event, or undefined when the event shows nothing. */
export const formatProgress = (event: AgentEvent): string | undefined => {
  switch (event._tag) {
    case "tool_completed":
      return formatToolLine(event.call, event.result)
    case "stream_error":
      return `[status] ${event.message === "" ? "Reconnecting..." : event.message}`
    case "auto_compact_started":
      return event.totalTokens !== undefined && event.tokenLimit !== undefined
        ? `[status] auto-compact: ${event.totalTokens}/${event.tokenLimit} tokens`
        : "[status] auto-compact"
    case "auto_compact_completed":
      return event.summary === "" ? "[status] context compacted" : `[status] ${event.summary}`
    case "auto_compact_failed":
      return event.error === "" ? "[error] auto-compact failed" : `[error] auto-compact failed: ${event.error}`
    default:
      return undefined
  }
}

const mapDefined = <A, B>(value: A | undefined, f: (a: A) => B): B | undefined => (value === undefined ? undefined : f(value))
