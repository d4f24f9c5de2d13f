/** ProgressView: pure one-line descriptions of agent events and tool calls, shared by exec progress and the REPL. */
import type { AgentEvent } from "../../protocol/AgentEvent.js"
import type { ToolCall, ToolResult } from "../../protocol/Items.js"
import { compactJson, toolResultText } from "../../protocol/Items.js"
import type { WebSearchAction } from "../../protocol/ModelEvent.js"

/** Whitespace collapsed, cut to `limit` characters with `...` when longer. */
export const truncate = (text: string, limit: number): string => {
  const flat = text.replace(/\s+/g, " ").trim()
  const chars = [...flat]
  return chars.length <= limit ? flat : chars.slice(0, limit - 3).join("").trimEnd() + "..."
}

/** An agent id short enough for one line: `019d25a7...a8c6`. */
export const shortId = (id: string): string => {
  const trimmed = id.trim()
  const chars = [...trimmed]
  return chars.length <= 12 ? trimmed : `${chars.slice(0, 8).join("")}...${chars.slice(-4).join("")}`
}

/** POSIX shell quoting of one word, as `shlex.quote` does it. */
export const shellQuote = (word: string): string =>
  word === "" ? "''" : /^[A-Za-z0-9@%+=:,./_-]+$/.test(word) ? word : `'${word.replace(/'/g, `'"'"'`)}'`

/** An object argument, or the object a JSON text holds; anything else is undefined. */
export const asRecord = (value: unknown): Record<string, unknown> | undefined => {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>
  if (typeof value === "string" && value.trimStart().startsWith("{")) {
    try {
      return asRecord(JSON.parse(value))
    } catch {
      return undefined
    }
  }
  return undefined
}

const textOf = (value: unknown): string => (typeof value === "string" ? value : compactJson(value))

const rawArgument = (call: ToolCall, key: string): unknown => {
  const value = asRecord(call.arguments)?.[key]
  return value === undefined || value === null || value === "" ? undefined : value
}

const argument = (call: ToolCall, key: string): string | undefined => {
  const value = rawArgument(call, key)
  return value === undefined ? undefined : textOf(value)
}

/** One step of an `update_plan` call. */
export interface PlanItem {
  readonly step: string
  readonly status: string
}

/** The plan an `update_plan` call carries (items without a step are kept out). */
export const planItems = (call: ToolCall): ReadonlyArray<PlanItem> => {
  const plan = asRecord(call.arguments)?.plan
  if (!Array.isArray(plan)) return []
  return plan.flatMap((entry) => {
    const item = asRecord(entry)
    const step = typeof item?.step === "string" ? item.step.trim() : ""
    return step === "" ? [] : [{ step, status: typeof item?.status === "string" ? item.status : "pending" }]
  })
}

const planProgress = (call: ToolCall): string | undefined => {
  const plan = asRecord(call.arguments)?.plan
  if (!Array.isArray(plan)) return undefined
  const statuses = plan.map((entry) => asRecord(entry)?.status)
  const total = statuses.length
  if (total === 0) return "0 steps"
  const completed = statuses.filter((s) => s === "completed").length
  const running = statuses.filter((s) => s === "in_progress").length
  if (completed === total) return `Done ${completed}/${total}`
  if (running > 0) return `Working on ${completed + running}/${total}`
  return `Planned ${completed}/${total}`
}

/** What the call asks for, in a few words (`cmd` of exec_command, the session of write_stdin, ...). */
export const commandPreview = (call: ToolCall): string | undefined => {
  switch (call.name) {
    case "exec_command":
      return mapDefined(argument(call, "cmd"), (cmd) => truncate(cmd, 72))
    case "shell_command":
      return mapDefined(argument(call, "command"), (command) => truncate(command, 72))
    case "shell": {
      const command = rawArgument(call, "command")
      if (!Array.isArray(command) || command.length === 0) return undefined
      return truncate(command.map((part) => shellQuote(textOf(part))).join(" "), 72)
    }
    case "write_stdin": {
      const session = rawArgument(call, "session_id")
      if (typeof session !== "number" || !Number.isInteger(session)) return undefined
      const chars = argument(call, "chars")
      return chars === undefined ? `poll session ${session}` : `session ${session} <- ${truncate(chars, 32)}`
    }
    case "read_file":
      return mapDefined(argument(call, "file_path"), (p) => truncate(p, 72))
    case "list_dir":
      return mapDefined(argument(call, "dir_path"), (p) => truncate(p, 72))
    case "view_image":
      return mapDefined(argument(call, "path"), (p) => truncate(p, 72))
    case "grep_files": {
      const pattern = argument(call, "pattern")
      if (pattern === undefined) return undefined
      const path = argument(call, "path")
      return truncate(path === undefined ? pattern : `${pattern} @ ${path}`, 72)
    }
    case "update_plan":
      return planProgress(call)
    case "send_input": {
      const id = argument(call, "id")
      const prefix = id === undefined ? "" : `${shortId(id)} <- `
      const message = argument(call, "message")
      return message === undefined ? (prefix === "" ? undefined : prefix.trimEnd()) : prefix + truncate(message, 40)
    }
    case "resume_agent":
    case "close_agent":
      return mapDefined(argument(call, "id"), shortId)
    default:
      return undefined
  }
}

/** A sub-agent status in a few words: `completed: <text>`, `errored: <text>`, or the status itself. */
export const statusSummary = (status: unknown): string => {
  if (typeof status === "string") return status
  const record = asRecord(status)
  if (record !== undefined && "completed" in record) {
    return record.completed === null || record.completed === undefined
      ? "completed"
      : `completed: ${truncate(textOf(record.completed), 48)}`
  }
  if (record !== undefined && "errored" in record) return `errored: ${truncate(textOf(record.errored), 48)}`
  return truncate(compactJson(status), 96)
}

const structuredSummary = (name: string, output: unknown): string | undefined => {
  const record = asRecord(output)
  switch (name) {
    case "spawn_agent":
      if (typeof record?.agent_id === "string" && typeof record.nickname === "string") {
        return `${record.nickname} (${shortId(record.agent_id)})`
      }
      break
    case "send_input":
      if (record?.submission_id !== undefined && record.submission_id !== null) return `queued ${shortId(textOf(record.submission_id))}`
      break
    case "resume_agent":
    case "close_agent":
      if (record !== undefined && "status" in record) return statusSummary(record.status)
      break
    case "wait_agent": {
      if (record?.timed_out === true) return "timed out"
      const status = asRecord(record?.status)
      if (status !== undefined) {
        const pairs = Object.entries(status).map(([id, value]) => `${shortId(id)}=${statusSummary(value)}`)
        return truncate(pairs.join(", "), 96)
      }
      break
    }
    case "update_plan":
      if (Array.isArray(record?.plan)) return `${record.plan.length} steps`
      break
    case "view_image":
      if (Array.isArray(output)) return `${output.length} image item(s)`
      break
  }
  return undefined
}

/** The gist of a result: a tool-specific summary, compact JSON of a structured value, or the first output line. */
export const resultSummary = (result: ToolResult): string | undefined => {
  const special = structuredSummary(result.name, result.output)
  if (special !== undefined) return special
  if (result.contentItems === undefined && typeof result.output !== "string") {
    return truncate(compactJson(result.output), 96)
  }
  const lines = toolResultText(result).split(/\r?\n/)
  const marker = lines.indexOf("Output:")
  const after = marker >= 0 ? lines.slice(marker + 1).find((l) => l.trim() !== "") : undefined
  const line = after ?? lines.find((l) => l.trim() !== "" && !/^(Exit code:|Wall time:|Command:)/.test(l))
  return line === undefined ? undefined : truncate(line, 96)
}

/** `<preview> -> <result>`, or whichever of the two exists (`update_plan`: the preview first). */
export const toolSummary = (call: ToolCall, result: ToolResult): string | undefined => {
  const preview = commandPreview(call)
  const outcome = resultSummary(result)
  if (call.name === "update_plan") return preview ?? outcome
  return preview !== undefined && outcome !== undefined ? `${preview} -> ${outcome}` : preview ?? outcome
}

const EXEC_TOOLS = new Set(["exec_command", "write_stdin", "shell", "shell_command", "exec", "wait"])
/** Per agent tool: the success head with its separator, and the verb of the failure line. */
const AGENT_LINES: Readonly<Record<string, readonly [head: string, separator: string, failed: string]>> = {
  spawn_agent: ["[agent] spawned", " ", "spawn"],
  send_input: ["[agent] send", ": ", "send"],
  wait_agent: ["[agent] wait", ": ", "wait"],
  resume_agent: ["[agent] resume", ": ", "resume"],
  close_agent: ["[agent] close", ": ", "close"]
}

const withSummary = (head: string, summary: string | undefined, separator = ": ") =>
  summary === undefined || summary === "" ? head : `${head}${separator}${summary}`

/** The line for a finished tool from its name and summary: `[exec] ...`, `[agent] ...`, `[error] ...`. */
export const toolLine = (name: string, summary: string | undefined, isError: boolean): string => {
  if (name === "update_plan") return isError ? withSummary("[error] plan failed", summary) : withSummary("[plan]", summary, " ")
  if (EXEC_TOOLS.has(name)) {
    if (isError) return withSummary("[error] exec failed", summary)
    return summary === undefined || summary === "" ? `[exec] ${name}` : `[exec] ${summary}`
  }
  const agent = AGENT_LINES[name]
  if (agent !== undefined) {
    return isError ? withSummary(`[error] agent ${agent[2]} failed`, summary) : withSummary(agent[0], summary, agent[1])
  }
  return isError ? withSummary(`[error] ${name} failed`, summary) : withSummary(`[tool] ${name}`, summary)
}

/** `[exec] echo hello -> hello`, `[tool] name: summary`, `[error] exec failed: ...` */
export const formatToolLine = (call: ToolCall, result: ToolResult): string =>
  toolLine(call.name, toolSummary(call, result), result.isError)

/** The lines of a successful `update_plan`: `[plan] <summary>` then one line per step. */
export const planLines = (summary: string | undefined, items: ReadonlyArray<PlanItem>): ReadonlyArray<string> => [
  withSummary("[plan]", summary === undefined || summary === "" ? "Plan updated" : summary, " "),
  ...items.map((item) => `  ${item.status === "completed" ? "[x]" : item.status === "in_progress" ? "[>]" : "[ ]"} ${item.step}`)
]

const trimmedText = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value.trim() : undefined

/** The line for a provider web search: `[web] searched: <query>`, `[web] opened: <url>`, ... */
export const webLine = (action: WebSearchAction): string => {
  switch (action.actionType) {
    case "search":
      return withSummary("[web] searched", trimmedText(action.query) ?? trimmedText(action.queries?.[0]))
    case "open_page":
      return withSummary("[web] opened", trimmedText(action.url))
    case "find_in_page": {
      const pattern = trimmedText(action.pattern)
      const url = trimmedText(action.url)
      if (pattern === undefined) return "[web] found in page"
      return url === undefined ? `[web] found: ${pattern}` : `[web] found: ${pattern} @ ${url}`
    }
    default:
      return "[web] browsing"
  }
}

/** What the spinner says while a tool runs: `running exec_command({"cmd":"pwd"})`, shortened to 72. */
export const toolLabel = (name: string, args: unknown): string => {
  if (name === "") return "running provider tools"
  const hasArgs = typeof args === "string" ? args !== "" : typeof args === "object" && args !== null && Object.keys(args).length > 0
  return truncate(hasArgs ? `running ${name}(${textOf(args)})` : `running ${name}`, 72)
}

/** The nickname and short id in a `spawn_agent` summary (`Curie (019d25a7...a8c6)`). */
export const spawnedNickname = (summary: string): readonly [shortId: string, nickname: string] | undefined => {
  const match = /^(.+) \(([^()]+)\)$/.exec(summary)
  return match === null ? undefined : [match[2]!, match[1]!]
}

/** Replaces every known short agent id by its nickname, longest ids first. */
export const withNicknames = (summary: string, nicknames: ReadonlyMap<string, string>): string =>
  [...nicknames.entries()]
    .sort(([a], [b]) => b.length - a.length)
    .reduce((text, [id, nickname]) => text.split(id).join(nickname), summary)

/**
 * A retry notice with its wait (`Reconnecting... 1/5 in 0.2s`) and, when asked, the first line of
 * the error that caused it.
 */
export const reconnectingText = (
  event: { readonly message: string; readonly delaySeconds: number; readonly error: string },
  withReason: boolean
): string => {
  const base = event.message === "" ? "Reconnecting..." : event.message
  const wait = Number.isFinite(event.delaySeconds) && event.delaySeconds > 0 ? ` in ${Number(event.delaySeconds.toFixed(1))}s` : ""
  const reason = withReason ? truncate(event.error.split("\n", 1)[0] ?? "", 120) : ""
  return `${base}${wait}${reason === "" ? "" : ` (${reason})`}`
}

/** The progress line for an event, or undefined when the event shows nothing. */
export const formatProgress = (event: AgentEvent): string | undefined => {
  switch (event._tag) {
    case "tool_completed":
      return formatToolLine(event.call, event.result)
    case "tool_called":
      return event.webSearch === undefined ? undefined : webLine(event.webSearch)
    case "stream_error":
      // pycodex's line; a 429 (which pycodex never retried) also says how long it waits.
      return `[status] ${event.rateLimited === true ? reconnectingText(event, false) : event.message === "" ? "Reconnecting..." : event.message}`
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
