/** ExecItems: what the model's tool calls mean to a reader of `tscodex exec` — commands, file changes, plans — read from calls and results. */
import * as NodePath from "node:path"
import type { ModelOutputItem, ToolCall, ToolResult } from "../../protocol/Items.js"
import type { WebSearchAction } from "../../protocol/ModelEvent.js"
import { toolResultText } from "../../protocol/Items.js"
import { shellJoin } from "../../tools/unifiedExec/OutputText.js"
import { asRecord, planItems } from "./ProgressView.js"
import { shellArgv } from "../../tools/unifiedExec/UnifiedExecManager.js"

const record = asRecord

/** The tools whose calls run a command. */
export const COMMAND_TOOLS = new Set(["exec_command", "shell", "shell_command"])

/** The command line a call runs, as the shell will see it: `/bin/bash -lc 'echo hi'`. */
export const commandLine = (call: ToolCall, defaultShell: string): string | undefined => {
  const args = record(call.arguments)
  if (call.name === "shell") {
    const argv = args?.command
    return Array.isArray(argv) ? shellJoin(argv.map(String)) : undefined
  }
  const cmd = call.name === "exec_command" ? args?.cmd : args?.command
  if (typeof cmd !== "string") return undefined
  const shell = typeof args?.shell === "string" && args.shell !== "" ? args.shell : defaultShell
  return shellJoin(shellArgv(shell, cmd, args?.login !== false))
}

/** Where the command runs: the call's `workdir` (relative to `cwd`), else `cwd`. */
export const commandCwd = (call: ToolCall, cwd: string): string => {
  const workdir = record(call.arguments)?.workdir
  return typeof workdir === "string" && workdir !== "" ? NodePath.resolve(cwd, workdir) : cwd
}

/** A finished (or still running) command as its result text reports it. */
export interface CommandOutcome {
  readonly command?: string
  readonly exitCode: number | null
  /** Set while the process keeps running in a session (exec_command with a yield). */
  readonly sessionId?: number
  readonly durationMs?: number
  readonly output: string
}

/** Reads the result text of exec_command / write_stdin / shell tools. */
export const commandOutcome = (result: ToolResult): CommandOutcome => {
  const text = toolResultText(result)
  const field = (name: string) => new RegExp(`^${name}: (.*)$`, "m").exec(text)?.[1]
  const marker = text.indexOf("\nOutput:\n")
  const output = marker >= 0 ? text.slice(marker + "\nOutput:\n".length) : text.startsWith("Output:\n") ? text.slice(8) : text
  const exited = /^Process exited with code (-?\d+)$/m.exec(text)?.[1] ?? field("Exit code")
  const running = /^Process running with session ID (\d+)$/m.exec(text)?.[1]
  const wall = field("Wall time")
  const seconds = wall === undefined ? undefined : Number.parseFloat(wall)
  const command = field("Command")
  return {
    ...(command !== undefined ? { command } : {}),
    exitCode: exited !== undefined ? Number(exited) : running !== undefined || !result.isError ? null : 1,
    ...(running !== undefined ? { sessionId: Number(running) } : {}),
    ...(seconds !== undefined && Number.isFinite(seconds) ? { durationMs: Math.round(seconds * 1000) } : {}),
    output
  }
}

export type ChangeKind = "add" | "update" | "delete"

/** One file an apply_patch call touches, with the patch lines that concern it. */
export interface FileChange {
  readonly path: string
  readonly kind: ChangeKind
  /** `+`/`-`/` `/`@@` lines of the hunks (all `+` for an added file). */
  readonly lines: ReadonlyArray<string>
  readonly movedTo?: string
}

/** The patch text of an apply_patch call (custom tool input, or the `input` argument). */
export const patchText = (call: ToolCall): string | undefined => {
  if (typeof call.arguments === "string") return call.arguments
  const input = record(call.arguments)?.input
  return typeof input === "string" ? input : undefined
}

/** The files a patch adds, updates or deletes, paths made absolute against `cwd`. */
export const patchChanges = (patch: string, cwd: string): ReadonlyArray<FileChange> => {
  const changes: Array<{ path: string; kind: ChangeKind; lines: Array<string>; movedTo?: string }> = []
  for (const line of patch.split("\n")) {
    const header = /^\*\*\* (Add|Update|Delete) File: (.+)$/.exec(line)
    if (header !== null) {
      const kind = header[1]!.toLowerCase() as ChangeKind
      changes.push({ path: NodePath.resolve(cwd, header[2]!.trim()), kind, lines: [] })
      continue
    }
    const current = changes.at(-1)
    if (current === undefined || line.startsWith("*** End")) continue
    const move = /^\*\*\* Move to: (.+)$/.exec(line)
    if (move !== null) current.movedTo = NodePath.resolve(cwd, move[1]!.trim())
    else if (/^[+\- ]/.test(line) || line.startsWith("@@")) current.lines.push(line)
  }
  return changes
}

/** A provider-side web search as `codex exec --json` shows it: a one-line `query` and the action. */
export interface WebSearchView {
  readonly query: string
  readonly action: Readonly<Record<string, unknown>>
}

/**
 * The view of a search's action: `search` shows its query (else the first of its queries, with
 * ` ...` when there are more), `open_page` its URL, `find_in_page` `'pattern' in url`; an absent or
 * unknown action is `{"type":"other"}` with an empty query. The action keeps only the fields given.
 */
export const webSearchView = (action: WebSearchAction | undefined): WebSearchView => {
  const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)
  const query = text(action?.query)
  const url = text(action?.url)
  const pattern = text(action?.pattern)
  const queries = action?.queries
  switch (action?.actionType) {
    case "search": {
      const first = queries?.[0]
      const shown = query !== undefined && query !== "" ? query : first === undefined ? "" : queries!.length > 1 ? `${first} ...` : first
      return {
        query: shown,
        action: { type: "search", ...(query !== undefined ? { query } : {}), ...(queries !== undefined ? { queries } : {}) }
      }
    }
    case "open_page":
      return { query: url ?? "", action: { type: "open_page", ...(url !== undefined ? { url } : {}) } }
    case "find_in_page": {
      const shown = pattern !== undefined && url !== undefined ? `'${pattern}' in ${url}` : pattern !== undefined ? `'${pattern}'` : url ?? ""
      return {
        query: shown,
        action: { type: "find_in_page", ...(url !== undefined ? { url } : {}), ...(pattern !== undefined ? { pattern } : {}) }
      }
    }
    default:
      return { query: "", action: { type: "other" } }
  }
}

/** One step of a plan. */
export interface PlanStep {
  readonly text: string
  readonly status: "pending" | "in_progress" | "completed"
}

/** The steps an update_plan call sets. */
export const planSteps = (call: ToolCall): ReadonlyArray<PlanStep> =>
  planItems(call).map(({ status, step }) => ({
    text: step,
    status: status === "completed" || status === "in_progress" ? status : "pending"
  }))

/** The summary text of a reasoning item (parts separated by blank lines), or undefined when it has none. */
export const reasoningText = (item: ModelOutputItem): string | undefined => {
  if (item._tag !== "ReasoningItem") return undefined
  const summary = item.payload["summary"]
  if (!Array.isArray(summary)) return undefined
  const parts = summary.flatMap((part) => {
    const text = record(part)?.text
    return typeof text === "string" && text.trim() !== "" ? [text] : []
  })
  return parts.length === 0 ? undefined : parts.join("\n\n")
}

/** Token counts of a turn in Codex's JSONL shape. */
export interface TurnUsage {
  readonly input_tokens: number
  readonly cached_input_tokens: number
  readonly cache_write_input_tokens: number
  readonly output_tokens: number
  readonly reasoning_output_tokens: number
}

export const emptyUsage: TurnUsage = {
  input_tokens: 0,
  cached_input_tokens: 0,
  cache_write_input_tokens: 0,
  output_tokens: 0,
  reasoning_output_tokens: 0
}

const count = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0)

/** Adds one response's usage (the provider's `usage` object) to the turn's. */
export const addUsage = (total: TurnUsage, usage: Readonly<Record<string, unknown>> | null): TurnUsage => {
  if (usage === null) return total
  const input = record(usage["input_tokens_details"])
  const output = record(usage["output_tokens_details"])
  return {
    input_tokens: total.input_tokens + count(usage["input_tokens"]),
    cached_input_tokens: total.cached_input_tokens + count(input?.["cached_tokens"]),
    cache_write_input_tokens: total.cache_write_input_tokens + count(input?.["cache_write_tokens"]),
    output_tokens: total.output_tokens + count(usage["output_tokens"]),
    reasoning_output_tokens: total.reasoning_output_tokens + count(output?.["reasoning_tokens"])
  }
}

/** The `tokens used` figure: input not served from cache, plus output. */
export const blendedTotal = (usage: TurnUsage): number =>
  Math.max(usage.input_tokens - usage.cached_input_tokens, 0) + usage.output_tokens
