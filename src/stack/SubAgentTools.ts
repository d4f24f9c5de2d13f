/** SubAgentTools: the collaboration tools of the main agent, the tool set of a sub-agent, and the runtime builder that gives sub-agents their own client and tools. */
import type * as CommandExecutor from "@effect/platform/CommandExecutor"
import type * as FileSystem from "@effect/platform/FileSystem"
import { Context, Effect, Layer, Option, type Scope } from "effect"
import * as AgentEvents from "../agent/AgentEvents.js"
import * as AgentRuntime from "../agent/AgentRuntime.js"
import type { CompactTexts } from "../agent/Compaction.js"
import { Compactor } from "../agent/Compactor.js"
import * as CompactorLive from "../agent/CompactorLive.js"
import * as SubAgents from "../agent/SubAgents.js"
import type { CodexConfig } from "../config/CodexConfig.js"
import type { Environment } from "../config/Environment.js"
import { type ContextError, ContextManager } from "../context/ContextManager.js"
import * as ContextManagerLive from "../context/ContextManagerLive.js"
import { ModelClient } from "../model/ModelClient.js"
import type { ResponsesModelClient } from "../model/ResponsesModelClient.js"
import * as SessionRecorder from "../session/SessionRecorder.js"
import * as ApplyPatch from "../tools/ApplyPatch.js"
import * as PlanStore from "../tools/PlanStore.js"
import * as CloseAgent from "../agent/subagents/CloseAgent.js"
import * as ResumeAgent from "../agent/subagents/ResumeAgent.js"
import * as SendInput from "../agent/subagents/SendInput.js"
import * as SpawnAgent from "../agent/subagents/SpawnAgent.js"
import * as WaitAgent from "../agent/subagents/WaitAgent.js"
import type * as Tool from "../tools/Tool.js"
import * as ToolRegistry from "../tools/ToolRegistry.js"
import * as ToolSets from "./ToolSets.js"
import { contextGate, makeUnifiedExecTools } from "../tools/UnifiedExecTools.js"
import type * as UnifiedExecManager from "../tools/unifiedExec/UnifiedExecManager.js"
import * as Sandbox from "../sandbox/Sandbox.js"
import * as UpdatePlan from "../tools/UpdatePlan.js"
import * as ViewImage from "../tools/ViewImage.js"
import * as WebSearch from "../tools/WebSearch.js"

/** The `x-openai-subagent` value of a spawned agent's requests. */
export const SUBAGENT_LABEL = "collab_spawn"

/** spawn_agent, send_input, resume_agent, wait_agent and close_agent over `manager`, in the order Codex declares them. */
export const collaborationTools = (manager: SubAgents.SubAgents): ReadonlyArray<Tool.Tool> => [
  SpawnAgent.make(manager),
  SendInput.make(manager),
  ResumeAgent.make(manager),
  WaitAgent.make(manager),
  CloseAgent.make(manager)
]

export interface SubAgentToolsOptions {
  /** Working directory and workspace root of the tools (default: the process's). */
  readonly cwd?: string
  /** The agent's plan store (default: a fresh one). */
  readonly planStore?: PlanStore.PlanStore
  /** Sandbox and approvals of its commands (default: those of the context, see makeUnifiedExecTools). */
  readonly gate?: UnifiedExecManager.ExecGate
  /** The sandbox policy apply_patch obeys (default: the context's Sandbox). */
  readonly writeRefusal?: ApplyPatch.TurnWriteRefusal
}

/**
 * A sub-agent's tools: exec_command, write_stdin, update_plan, apply_patch, web_search and
 * view_image, over their own exec session manager (its processes belong to the current Scope).
 * There is no way to spawn further agents or to ask the user anything.
 */
export const make = (
  options: SubAgentToolsOptions = {}
): Effect.Effect<
  ReadonlyArray<Tool.Tool>,
  never,
  Scope.Scope | FileSystem.FileSystem | CommandExecutor.CommandExecutor | Environment
> =>
  Effect.gen(function* () {
    const cwd = options.cwd ?? process.cwd()
    const planStore = options.planStore ?? (yield* PlanStore.make())
    const exec = yield* makeUnifiedExecTools({ cwd, ...(options.gate !== undefined ? { gate: options.gate } : {}) })
    return [
      exec.execCommand,
      exec.writeStdin,
      UpdatePlan.make(planStore),
      yield* ApplyPatch.make({ cwd, ...(options.writeRefusal !== undefined ? { writeRefusal: options.writeRefusal } : {}) }),
      WebSearch.make(),
      yield* ViewImage.make(cwd)
    ]
  })

/** Sub-agent conversations are kept in memory only. */
const unrecorded: SessionRecorder.SessionRecorder = {
  appendHistoryItems: () => Effect.void,
  appendCompacted: () => Effect.void
}

export interface RuntimeBuilderOptions {
  /** The main agent's client; each sub-agent gets a copy with its own session id. */
  readonly client: ResponsesModelClient
  /** The sub-agents' context manager (built without the collaboration-mode section). */
  readonly contextManager: ContextManager
  /** Texts of the sub-agents' compaction requests. */
  readonly compactTexts: CompactTexts
  readonly cwd?: string
  /** Receives the sub-agents' loop events (default: dropped). */
  readonly onEvent?: (agentId: string, event: AgentRuntime.SubmissionEvent) => Effect.Effect<void>
}

/**
 * The runtime builder the CLI installs in its SubAgents manager. Per spawn: a copy of the client
 * with the requested model and reasoning effort, the agent id as session id and the
 * `collab_spawn` label; a fresh plan store and exec session manager; the sub-agent tools; the
 * sub-agent context manager; and a runtime starting from the given history. Sub-agent
 * conversations are not written to the session's rollout.
 */
export const runtimeBuilder = (
  options: RuntimeBuilderOptions
): Effect.Effect<
  SubAgents.RuntimeBuilder,
  never,
  FileSystem.FileSystem | CommandExecutor.CommandExecutor | Environment
> =>
  Effect.gen(function* () {
    const platform = yield* Effect.context<FileSystem.FileSystem | CommandExecutor.CommandExecutor | Environment>()
    // The sub-agents' commands obey the same sandbox and approvals as the main agent's.
    const gate = yield* contextGate
    const sandbox = Option.getOrUndefined(yield* Effect.serviceOption(Sandbox.Sandbox))
    const onEvent = options.onEvent
    return (request) =>
      Effect.gen(function* () {
        const client = yield* options.client.withOverrides({
          model: request.model,
          reasoningEffort: request.reasoningEffort,
          sessionId: request.agentId,
          subagent: SUBAGENT_LABEL
        })
        const tools = yield* make({
          ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
          ...(gate !== undefined ? { gate } : {}),
          ...(sandbox !== undefined ? { writeRefusal: sandbox.writeRefusal } : {})
        })
        const services = Context.make(ModelClient, client).pipe(
          Context.add(ContextManager, options.contextManager),
          Context.add(ToolRegistry.ToolRegistry, ToolRegistry.make(tools)),
          Context.add(SessionRecorder.SessionRecorder, unrecorded),
          Context.add(AgentEvents.AgentEvents, AgentEvents.make(() => Effect.void))
        )
        const compactor = yield* CompactorLive.make(options.compactTexts).pipe(Effect.provide(services))
        return yield* AgentRuntime.make({
          initialHistory: request.initialHistory,
          ...(onEvent !== undefined ? { onEvent: (event) => onEvent(request.agentId, event) } : {})
        }).pipe(Effect.provide(Context.add(services, Compactor, compactor)))
      }).pipe(Effect.provide(platform))
  })

/** True for a client that can be copied for a sub-agent (the Responses client). */
export const isResponsesClient = (client: ModelClient): client is ResponsesModelClient =>
  typeof (client as Partial<ResponsesModelClient>).withOverrides === "function"

export interface ManagerLayerOptions {
  /** Base instructions of the sub-agents too (`--system-prompt`). */
  readonly systemPrompt?: string
  readonly cwd?: string
}

/**
 * The CLI's sub-agent manager: its builder copies the ModelClient in context and gives every
 * sub-agent the sub-agent tools and one shared context manager without the collaboration-mode
 * section. A client that cannot be copied (a scripted one) leaves the manager without a builder,
 * so spawn_agent answers that it is unavailable. Agents stop when the layer's scope closes.
 */
export const layerManager = (options: ManagerLayerOptions = {}): Layer.Layer<
  SubAgents.SubAgents,
  ContextError,
  ModelClient | CodexConfig | FileSystem.FileSystem | CommandExecutor.CommandExecutor | Environment
> =>
  Layer.scoped(
    SubAgents.SubAgents,
    Effect.gen(function* () {
      const client = yield* ModelClient
      const manager = yield* SubAgents.make()
      if (!isResponsesClient(client)) return manager
      const contextManager = yield* ContextManagerLive.make({
        includeCollaborationInstructions: false,
        ...(options.systemPrompt !== undefined ? { baseInstructionsOverride: options.systemPrompt } : {}),
        ...(options.cwd !== undefined ? { cwd: options.cwd } : {})
      })
      const builder = yield* runtimeBuilder({
        client,
        contextManager,
        compactTexts: yield* CompactorLive.loadTexts(),
        ...(options.cwd !== undefined ? { cwd: options.cwd } : {})
      })
      yield* manager.setBuilder(builder)
      return manager
    })
  )

/** A sub-agent's registry as a layer (exec_command, write_stdin, update_plan, apply_patch, web_search, view_image). */
export const layer = (options: ToolSets.ToolSetOptions = {}) => ToolSets.layerSubAgent(options)
