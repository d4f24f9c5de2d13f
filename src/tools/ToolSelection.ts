/** ToolSelection: which tools a session offers: a named set, per-tool switches from `[tools]`, and the model's shell type. */
import { Either } from "effect"
import type { ShellType } from "../context/ModelCatalog.js"

/** Every built-in tool, in the order the full set declares them. */
export const FULL_ORDER = [
  "shell",
  "shell_command",
  "exec_command",
  "write_stdin",
  "exec",
  "wait",
  "web_search",
  "update_plan",
  "request_user_input",
  "request_permissions",
  "spawn_agent",
  "send_input",
  "resume_agent",
  "wait_agent",
  "close_agent",
  "apply_patch",
  "grep_files",
  "read_file",
  "list_dir",
  "view_image"
] as const
export type ToolName = typeof FULL_ORDER[number]

/** The tools of Codex's exec mode, in its order: what the CLI offers by default. */
export const EXEC_MODE_ORDER: ReadonlyArray<ToolName> = [
  "exec_command",
  "write_stdin",
  "update_plan",
  "request_user_input",
  "apply_patch",
  "web_search",
  "view_image",
  "spawn_agent",
  "send_input",
  "resume_agent",
  "wait_agent",
  "close_agent"
]

/** A sub-agent's tools. */
export const SUBAGENT_ORDER: ReadonlyArray<ToolName> = ["exec_command", "write_stdin", "update_plan", "apply_patch", "web_search", "view_image"]

export type ToolSetName = "exec" | "full"

export interface ToolSelection {
  readonly set: ToolSetName
  /** Tools turned on (`true`) or off (`false`) by name. */
  readonly switches: ReadonlyMap<ToolName, boolean>
}

export const defaultSelection: ToolSelection = { set: "exec", switches: new Map() }

const SHELL_TOOLS: ReadonlyArray<ToolName> = ["shell", "shell_command", "exec_command", "write_stdin"]

/** The shell tools a model of `shellType` gets (Codex's model-family rule). */
export const shellToolsFor = (shellType: ShellType): ReadonlyArray<ToolName> => {
  switch (shellType) {
    case "unified_exec":
      return ["exec_command", "write_stdin"]
    case "shell_command":
      return ["shell_command"]
    case "default":
    case "local":
      return ["shell"]
    case "disabled":
      return []
  }
}

const isKnown = (name: string): name is ToolName => (FULL_ORDER as ReadonlyArray<string>).includes(name)

const isTable = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * Reads `[tools]` (`set = "exec" | "full"`, and `<tool name> = true | false`) and Codex's
 * `features.shell_tool = false` (no shell tool at all) from the merged config table. The error
 * text names the key.
 */
export const fromConfig = (raw: Readonly<Record<string, unknown>>): Either.Either<ToolSelection, string> => {
  const switches = new Map<ToolName, boolean>()
  const features = raw.features
  if (isTable(features) && features.shell_tool !== undefined) {
    if (typeof features.shell_tool !== "boolean") return Either.left("features.shell_tool must be true or false")
    if (!features.shell_tool) for (const name of SHELL_TOOLS) switches.set(name, false)
  }
  const tools = raw.tools
  if (tools === undefined) return Either.right({ set: "exec", switches })
  if (!isTable(tools)) return Either.left("tools must be a table")
  let set: ToolSetName = "exec"
  for (const [key, value] of Object.entries(tools)) {
    if (key === "set") {
      if (value !== "exec" && value !== "full") return Either.left(`tools.set must be "exec" or "full", got ${JSON.stringify(value)}`)
      set = value
      continue
    }
    if (!isKnown(key)) return Either.left(`tools.${key} is not a tool (known: ${FULL_ORDER.join(", ")})`)
    if (typeof value !== "boolean") return Either.left(`tools.${key} must be true or false`)
    switches.set(key, value)
  }
  return Either.right({ set, switches })
}

/**
 * The tool names to offer, in declaration order: the set's tools, the shell tools replaced by the
 * ones the model's catalog entry names (when it names one), then the switches. Tools a set lacks are
 * added after its shell tools (for the exec set) or in full-set order.
 */
export const resolve = (selection: ToolSelection, shellType?: ShellType): ReadonlyArray<ToolName> => {
  const enabled = new Set<ToolName>(selection.set === "full" ? FULL_ORDER : EXEC_MODE_ORDER)
  if (shellType !== undefined) {
    for (const name of SHELL_TOOLS) enabled.delete(name)
    for (const name of shellToolsFor(shellType)) enabled.add(name)
  }
  for (const [name, on] of selection.switches) {
    if (on) enabled.add(name)
    else enabled.delete(name)
  }
  const lead: ReadonlyArray<ToolName> = ["shell", "shell_command", "exec_command", "write_stdin", "exec", "wait"]
  const order = selection.set === "full"
    ? FULL_ORDER
    : [...lead, ...EXEC_MODE_ORDER.filter((n) => !lead.includes(n)), ...FULL_ORDER.filter((n) => !lead.includes(n) && !EXEC_MODE_ORDER.includes(n))]
  return order.filter((name) => enabled.has(name))
}
