/** JsonlEvents: agent events turned into the JSONL thread events `codex exec --json` prints (thread, turn and item events). */
import type { AgentEvent } from "../../protocol/AgentEvent.js"
import * as ExecItems from "../progress/ExecItems.js"

/** One JSONL line, before printing (see `formatLine`). */
export type ThreadEvent = Readonly<Record<string, unknown>>

/**
 * Where a web_search item keeps the provider's id of the search. Codex prints that id as a second
 * `id` key after the item id (`{"id":"item_0","type":"web_search","id":"ws_1",…}`), so readers that
 * keep the last duplicate see the search id; `formatLine` prints it the same way.
 */
export const SEARCH_ID: unique symbol = Symbol.for("tscodex/exec/searchId")

/** The printed line of an event: plain JSON, except a web_search item's second `id` key. */
export const formatLine = (event: ThreadEvent): string => {
  const item = event.item as (Record<string, unknown> & { readonly [SEARCH_ID]?: string }) | undefined
  const searchId = item?.[SEARCH_ID]
  if (item === undefined || searchId === undefined) return JSON.stringify(event)
  const { id, type, ...rest } = item
  const head = JSON.stringify({ ...event, item: { id, type } }).slice(0, -2)
  const tail = JSON.stringify(rest).slice(1)
  return `${head},"id":${JSON.stringify(searchId)}${tail === "}" ? "" : ","}${tail}}`
}

export interface JsonlOptions {
  /** The session's working directory (for relative paths and command cwd). */
  readonly cwd: string
  /** The shell an exec_command call without `shell` runs in. */
  readonly shell: string
}

/** Maps the events of one run; item ids count up across the run (`item_0`, `item_1`, …). */
export interface JsonlMapper {
  readonly threadStarted: (threadId: string) => ReadonlyArray<ThreadEvent>
  readonly onEvent: (event: AgentEvent) => ReadonlyArray<ThreadEvent>
}

interface OpenCommand {
  readonly id: string
  readonly command: string
  output: string
}

export const make = (options: JsonlOptions): JsonlMapper => {
  let next = 0
  const nextId = () => `item_${next++}`
  let usage = ExecItems.emptyUsage
  let todo: { readonly id: string; items: ReadonlyArray<{ readonly text: string; readonly completed: boolean }> } | undefined
  /** Commands whose call started, by call id. */
  const calls = new Map<string, OpenCommand & { readonly kind: "command" | "patch"; readonly changes?: ReadonlyArray<Record<string, unknown>> }>()
  /** Commands still running in an exec session, by session id. */
  const sessions = new Map<number, OpenCommand>()

  const item = (type: "item.started" | "item.updated" | "item.completed", fields: Record<string, unknown>): ThreadEvent => ({
    type,
    item: fields
  })
  const commandItem = (open: OpenCommand, exitCode: number | null, status: string) => ({
    id: open.id,
    type: "command_execution",
    command: open.command,
    aggregated_output: open.output,
    exit_code: exitCode,
    status
  })
  const closeTodo = (): ReadonlyArray<ThreadEvent> => {
    if (todo === undefined) return []
    const done = item("item.completed", { id: todo.id, type: "todo_list", items: todo.items })
    todo = undefined
    return [done]
  }

  const onEvent = (event: AgentEvent): ReadonlyArray<ThreadEvent> => {
    switch (event._tag) {
      case "turn_started":
        usage = ExecItems.emptyUsage
        return [{ type: "turn.started" }]
      case "token_count":
        usage = ExecItems.addUsage(usage, event.usage)
        return []
      case "model_completed":
        return (event.items ?? []).flatMap((output): ReadonlyArray<ThreadEvent> => {
          if (output._tag === "AssistantMessage") return [item("item.completed", { id: nextId(), type: "agent_message", text: output.text })]
          const text = ExecItems.reasoningText(output)
          return text === undefined ? [] : [item("item.completed", { id: nextId(), type: "reasoning", text })]
        })
      case "tool_called": {
        // provider-side searches: announced and finished in one event here (see docs/CLI.md)
        if (event.toolName !== "web_search") return []
        const id = nextId()
        const done = ExecItems.webSearchView(event.webSearch)
        const search = (view: ExecItems.WebSearchView) => ({ id, type: "web_search", [SEARCH_ID]: event.callId, ...view })
        return [item("item.started", search(ExecItems.webSearchView(undefined))), item("item.completed", search(done))]
      }
      case "tool_started": {
        const call = event.call
        if (ExecItems.COMMAND_TOOLS.has(call.name)) {
          const command = ExecItems.commandLine(call, options.shell) ?? call.name
          const open = { id: nextId(), command, output: "", kind: "command" as const }
          calls.set(call.callId, open)
          return [item("item.started", commandItem(open, null, "in_progress"))]
        }
        if (call.name === "apply_patch") {
          const patch = ExecItems.patchText(call) ?? ""
          const changes = ExecItems.patchChanges(patch, options.cwd).map((c) => ({ path: c.path, kind: c.kind }))
          const open = { id: nextId(), command: "", output: "", kind: "patch" as const, changes }
          calls.set(call.callId, open)
          return [item("item.started", { id: open.id, type: "file_change", changes, status: "in_progress" })]
        }
        if (call.name === "update_plan") {
          const items = ExecItems.planSteps(call).map((s) => ({ text: s.text, completed: s.status === "completed" }))
          if (todo === undefined) {
            todo = { id: nextId(), items }
            return [item("item.started", { id: todo.id, type: "todo_list", items })]
          }
          todo.items = items
          return [item("item.updated", { id: todo.id, type: "todo_list", items })]
        }
        return []
      }
      case "tool_completed": {
        const open = calls.get(event.callId)
        calls.delete(event.callId)
        if (open?.kind === "patch") {
          return [item("item.completed", { id: open.id, type: "file_change", changes: open.changes ?? [], status: event.isError ? "failed" : "completed" })]
        }
        if (open !== undefined) {
          const outcome = ExecItems.commandOutcome(event.result)
          open.output = outcome.output
          if (outcome.sessionId !== undefined) {
            sessions.set(outcome.sessionId, open)
            return []
          }
          return [item("item.completed", commandItem(open, outcome.exitCode, outcome.exitCode === 0 ? "completed" : "failed"))]
        }
        if (event.call.name === "write_stdin") {
          const session = (event.call.arguments as { session_id?: unknown } | null)?.session_id
          const running = typeof session === "number" ? sessions.get(session) : undefined
          if (running === undefined) return []
          const outcome = ExecItems.commandOutcome(event.result)
          running.output += outcome.output
          if (outcome.sessionId !== undefined) return []
          sessions.delete(session as number)
          return [item("item.completed", commandItem(running, outcome.exitCode, outcome.exitCode === 0 ? "completed" : "failed"))]
        }
        return []
      }
      case "stream_error":
        return [item("item.completed", { id: nextId(), type: "error", message: event.message })]
      case "turn_completed":
        return [...closeTodo(), { type: "turn.completed", usage }]
      case "turn_failed":
      case "turn_interrupted": {
        const message = event._tag === "turn_failed" ? event.error : "turn interrupted"
        return [...closeTodo(), { type: "error", message }, { type: "turn.failed", error: { message } }]
      }
      default:
        return []
    }
  }

  return { threadStarted: (threadId) => [{ type: "thread.started", thread_id: threadId }], onEvent }
}
