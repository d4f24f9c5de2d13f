/** ToolSets: builds a registry from tool names (a named set or a selection), and the named sets as layers. */
import type * as CommandExecutor from "@effect/platform/CommandExecutor"
import type * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Layer, Option, type Scope } from "effect"
import type { Environment } from "../config/Environment.js"
import type { SubAgents } from "../agent/SubAgents.js"
import * as SubAgentsTag from "../agent/SubAgents.js"
import * as ApplyPatch from "../tools/ApplyPatch.js"
import * as CodeMode from "../tools/codeMode/CodeMode.js"
import * as GrepFiles from "../tools/GrepFiles.js"
import * as ListDir from "../tools/ListDir.js"
import * as PermissionRequests from "../tools/PermissionRequests.js"
import * as PlanStore from "../tools/PlanStore.js"
import * as ReadFile from "../tools/ReadFile.js"
import * as RequestPermissions from "../tools/RequestPermissions.js"
import * as RequestUserInput from "../tools/RequestUserInput.js"
import * as CommandGate from "../sandbox/CommandGate.js"
import * as Sandbox from "../sandbox/Sandbox.js"
import * as SandboxPolicy from "../sandbox/SandboxPolicy.js"
import * as Shell from "../tools/Shell.js"
import * as CloseAgent from "../agent/subagents/CloseAgent.js"
import * as ResumeAgent from "../agent/subagents/ResumeAgent.js"
import * as SendInput from "../agent/subagents/SendInput.js"
import * as SpawnAgent from "../agent/subagents/SpawnAgent.js"
import * as WaitAgent from "../agent/subagents/WaitAgent.js"
import type * as Tool from "../tools/Tool.js"
import * as ToolRegistry from "../tools/ToolRegistry.js"
import * as ToolSelection from "../tools/ToolSelection.js"
import { makeUnifiedExecTools } from "../tools/UnifiedExecTools.js"
import * as UpdatePlan from "../tools/UpdatePlan.js"
import * as UserInput from "../tools/UserInput.js"
import * as ViewImage from "../tools/ViewImage.js"
import * as WebSearch from "../tools/WebSearch.js"

export interface ToolSetOptions {
  /** Working directory and workspace root of the tools (default: the process's). */
  readonly cwd?: string
  /** The ripgrep program for grep_files, or `false` for the built-in search. */
  readonly ripgrep?: string | false
}

/** What the exec-mode tools other than the collaboration ones need. */
export type ExecToolRequirements =
  | Scope.Scope
  | FileSystem.FileSystem
  | CommandExecutor.CommandExecutor
  | Environment
  | PlanStore.PlanStore
  | UserInput.UserInput

/** What building any set may need. Services of tools that are not selected are still required. */
export type ToolSetRequirements = ExecToolRequirements | PermissionRequests.PermissionRequests | SubAgents

/**
 * A registry with the named tools, in the given order, each declared from its own parameter Schema
 * and description. Only the selected tools are built (no exec session manager
 * without exec_command, no code-mode manager without exec); code mode's nested calls go through
 * this same registry.
 */
export const build = (
  names: ReadonlyArray<ToolSelection.ToolName>,
  options: ToolSetOptions = {}
): Effect.Effect<ToolRegistry.ToolRegistry, never, ToolSetRequirements> =>
  Effect.gen(function*() {
    const cwd = options.cwd ?? process.cwd()
    const wanted = new Set(names)
    const built = new Map<string, Tool.Tool>()
    const any = (...list: ReadonlyArray<ToolSelection.ToolName>) => list.some((name) => wanted.has(name))
    // Shell commands and code-mode cells go through the session's sandbox and approvals, as exec_command's do.
    const commandGate = yield* CommandGate.fromContext
    // The file tools read what the session's sandboxed commands could read (anything without a sandbox).
    const sandbox = yield* Effect.serviceOption(Sandbox.Sandbox)
    const readAccess = Option.isSome(sandbox) ? SandboxPolicy.readAccess(sandbox.value.policy) : undefined
    const readable = readAccess !== undefined ? { readableRoots: readAccess } : {}
    const gate = commandGate !== undefined ? { gate: commandGate } : {}
    if (any("shell")) built.set("shell", yield* Shell.makeShell({ cwd, ...gate }))
    if (any("shell_command")) built.set("shell_command", yield* Shell.makeShellCommand({ cwd, ...gate }))
    if (any("exec_command", "write_stdin")) {
      const exec = yield* makeUnifiedExecTools({ cwd })
      built.set("exec_command", exec.execCommand)
      built.set("write_stdin", exec.writeStdin)
    }
    const codeMode = any("exec", "wait") ? yield* CodeMode.make({ cwd, ...gate }) : undefined
    if (codeMode !== undefined) {
      built.set("exec", codeMode.exec)
      built.set("wait", codeMode.wait)
    }
    if (any("web_search")) built.set("web_search", WebSearch.make())
    if (any("update_plan")) built.set("update_plan", UpdatePlan.make(yield* PlanStore.PlanStore))
    if (any("request_user_input")) built.set("request_user_input", RequestUserInput.make(yield* UserInput.UserInput))
    if (any("request_permissions")) {
      built.set("request_permissions", RequestPermissions.make(yield* PermissionRequests.PermissionRequests, Option.getOrUndefined(sandbox)))
    }
    if (any("spawn_agent", "send_input", "resume_agent", "wait_agent", "close_agent")) {
      const manager = yield* SubAgentsTag.SubAgents
      const collaboration: ReadonlyArray<Tool.Tool> = [SpawnAgent.make(manager), SendInput.make(manager), ResumeAgent.make(manager), WaitAgent.make(manager), CloseAgent.make(manager)]
      for (const tool of collaboration) built.set(tool.name, tool)
    }
    if (any("apply_patch")) built.set("apply_patch", yield* ApplyPatch.make({ cwd }))
    if (any("grep_files")) {
      built.set("grep_files", yield* GrepFiles.make({ cwd, ...readable, ...(options.ripgrep !== undefined ? { ripgrep: options.ripgrep } : {}) }))
    }
    if (any("read_file")) built.set("read_file", yield* ReadFile.make(readable))
    if (any("list_dir")) built.set("list_dir", yield* ListDir.make(readable))
    if (any("view_image")) built.set("view_image", yield* ViewImage.make(cwd))
    const registry = ToolRegistry.make(names.flatMap((name) => {
      const tool = built.get(name)
      return tool === undefined ? [] : [tool]
    }))
    if (codeMode !== undefined) yield* codeMode.manager.bind(registry)
    return registry
  })

/** A registry layer over the named tools. */
export const layer = (names: ReadonlyArray<ToolSelection.ToolName>, options: ToolSetOptions = {}) =>
  Layer.scoped(ToolRegistry.ToolRegistry, build(names, options))

/** The 12 tools of Codex's exec mode (what the CLI offers by default). */
export const layerExecMode = (options: ToolSetOptions = {}) => layer(ToolSelection.EXEC_MODE_ORDER, options)
/** All 20 built-in tools. */
export const layerFull = (options: ToolSetOptions = {}) => layer(ToolSelection.FULL_ORDER, options)
/** A sub-agent's 6 tools; nobody to ask and no agents to spawn, so only the plan store comes from context. */
export const layerSubAgent = (options: ToolSetOptions = {}) =>
  layer(ToolSelection.SUBAGENT_ORDER, options).pipe(
    Layer.provide(Layer.mergeAll(UserInput.layer, PermissionRequests.layer, SubAgentsTag.layer()))
  )
