/**
 * Agent: the assembled agent as public layers. `layer` is the kernel over the services a program
 * supplies (a ModelClient, a RolloutStore, a CodexConfig, the platform); `layerDefault` fills
 * those from config.toml, the Responses client, rollout files and Node. Swap any one of them by
 * providing your own layer instead.
 */
import * as NodeCommandExecutor from "@effect/platform-node/NodeCommandExecutor"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import type * as CommandExecutor from "@effect/platform/CommandExecutor"
import type * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Layer, Ref } from "effect"
import type * as AgentEvents from "../agent/AgentEvents.js"
import * as AgentLoop from "../agent/AgentLoop.js"
import type { Compactor } from "../agent/Compactor.js"
import * as CompactorLive from "../agent/CompactorLive.js"
import * as TurnStream from "../agent/TurnStream.js"
import { CodexConfig } from "../config/CodexConfig.js"
import * as ConfigLoader from "../config/ConfigLoader.js"
import * as Environment from "../config/Environment.js"
import { type ContextError, ContextManager } from "../context/ContextManager.js"
import * as ContextManagerLive from "../context/ContextManagerLive.js"
import { ModelClient } from "../model/ModelClient.js"
import * as ResponsesModelClient from "../model/ResponsesModelClient.js"
import type { ConversationItem } from "../protocol/Items.js"
import * as RolloutStore from "../session/RolloutStore.js"
import { SessionRecorder } from "../session/SessionRecorder.js"
import * as ExecModeTools from "./ExecModeTools.js"
import * as PlanStore from "../tools/PlanStore.js"
import type * as Tool from "../tools/Tool.js"
import * as ToolRegistry from "../tools/ToolRegistry.js"
import * as UserInput from "../tools/UserInput.js"
import { VERSION } from "./Version.js"

/** The client name sent to the provider and written to rollouts, unless a program names itself. */
export const DEFAULT_ORIGINATOR = "tscodex"

/** Node's file system, processes and the real environment. */
export const layerPlatform = Layer.mergeAll(
  NodeFileSystem.layer,
  NodeCommandExecutor.layer.pipe(Layer.provide(NodeFileSystem.layer)),
  Environment.layer
)

/** What every service needs from the machine. */
export type Platform = FileSystem.FileSystem | CommandExecutor.CommandExecutor | Environment.Environment

export interface ToolsOptions<Tools extends ReadonlyArray<Tool.Any>> {
  /** Tools offered after the built-in ones; one with a built-in tool's name replaces it in place. */
  readonly tools?: Tools
  /** The built-in tools: the exec-mode set (default) or none. */
  readonly builtinTools?: "exec" | "none"
  /** Working directory and workspace root of the tools (default: the process's). */
  readonly cwd?: string
}

/**
 * The ToolRegistry, with the PlanStore and UserInput the built-in tools report to. Processes the
 * exec tools start belong to the layer's scope. The extra tools' requirements show in the type.
 */
export const layerTools = <const Tools extends ReadonlyArray<Tool.Any> = []>(
  options: ToolsOptions<Tools> = {}
): Layer.Layer<
  ToolRegistry.ToolRegistry | PlanStore.PlanStore | UserInput.UserInput,
  never,
  Platform | Tool.Requirements<Tools[number]>
> =>
  Layer.scoped(
    ToolRegistry.ToolRegistry,
    Effect.gen(function*() {
      const builtins: ReadonlyArray<Tool.Any> = options.builtinTools === "none"
        ? []
        : yield* ExecModeTools.make(options.cwd !== undefined ? { cwd: options.cwd } : {})
      // The built-in tools need nothing; the extra ones need what their type says.
      const registry: Effect.Effect<ToolRegistry.ToolRegistry, never, Tool.Requirements<Tools[number]>> =
        ToolRegistry.makeEffect([...builtins, ...(options.tools ?? [])])
      return yield* registry
    })
  ).pipe(Layer.provideMerge(Layer.mergeAll(PlanStore.layer, UserInput.layer)))

export interface RecorderOptions {
  /** Client name written to the rollout's `session_meta` (default `tscodex`). */
  readonly originator?: string
  /** Continue this rollout instead of starting a new one. */
  readonly resume?: { readonly path: string }
  /** Told once when the session cannot be saved (default: ignored). */
  readonly onWarning?: (message: string) => Effect.Effect<void>
}

/**
 * The SessionRecorder of a new rollout in the RolloutStore (or of the rollout being resumed). The
 * rollout is created while the layer is built, so a session that fails later is still on record.
 */
export const layerRecorder = (options: RecorderOptions = {}): Layer.Layer<
  SessionRecorder,
  ContextError | RolloutStore.RolloutError,
  RolloutStore.RolloutStore | CodexConfig | ModelClient | ContextManager
> =>
  Layer.scoped(
    SessionRecorder,
    Effect.gen(function*() {
      const store = yield* RolloutStore.RolloutStore
      const onWarning = options.onWarning ?? (() => Effect.void)
      if (options.resume !== undefined) {
        const attached = yield* store.attach(options.resume.path, { onWarning })
        return attached.recorder
      }
      const config = yield* CodexConfig
      const client = yield* ModelClient
      const context = yield* ContextManager
      const session = yield* store.create({
        sessionId: yield* Ref.get(client.sessionId),
        cwd: context.cwd,
        originator: options.originator ?? DEFAULT_ORIGINATOR,
        cliVersion: VERSION,
        provider: config.provider.id,
        baseInstructions: yield* context.baseInstructions,
        onWarning
      })
      return session.recorder
    })
  )

export interface Options<Tools extends ReadonlyArray<Tool.Any>> extends ToolsOptions<Tools>, RecorderOptions {
  /** Replaces the base instructions (`--system-prompt`). */
  readonly systemPrompt?: string
  /** Also receives every event (the stream of `runTurnStream` gets them either way). */
  readonly events?: AgentEvents.AgentEvents
  /** The conversation to continue. */
  readonly initialHistory?: ReadonlyArray<ConversationItem>
}

/** Everything `layer` provides. */
export type Services =
  | AgentLoop.AgentLoop
  | TurnStream.TurnEvents
  | AgentEvents.AgentEvents
  | ToolRegistry.ToolRegistry
  | PlanStore.PlanStore
  | UserInput.UserInput
  | ContextManager
  | SessionRecorder
  | Compactor

/**
 * The agent kernel: context, tools, the session recorder, the compactor, the turn events and the
 * loop. It needs a ModelClient, a RolloutStore, a CodexConfig and the platform; run turns with
 * `AgentLoop.runTurn` or `TurnStream.runTurnStream`.
 */
export const layer = <const Tools extends ReadonlyArray<Tool.Any> = []>(options: Options<Tools> = {}): Layer.Layer<
  Services,
  ContextError | RolloutStore.RolloutError,
  ModelClient | RolloutStore.RolloutStore | CodexConfig | Platform | Tool.Requirements<Tools[number]>
> => {
  const context = ContextManagerLive.layer({
    ...(options.systemPrompt !== undefined ? { baseInstructionsOverride: options.systemPrompt } : {}),
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {})
  })
  const services = Layer.mergeAll(context, layerTools(options), TurnStream.layer(options.events))
  return AgentLoop.layer(options.initialHistory !== undefined ? { initialHistory: options.initialHistory } : {}).pipe(
    Layer.provideMerge(CompactorLive.layer),
    Layer.provideMerge(layerRecorder(options)),
    Layer.provideMerge(services)
  )
}

export interface DefaultOptions<Tools extends ReadonlyArray<Tool.Any>> extends Options<Tools>, ConfigLoader.LoadOptions {
  /** Longest wait for a model response, in seconds (default 600). */
  readonly timeoutSeconds?: number
}

/** The Responses API client configured by CodexConfig. */
export const layerModel = (options: { readonly originator?: string; readonly timeoutSeconds?: number; readonly sessionId?: string } = {}) =>
  ResponsesModelClient.layer({
    originator: options.originator ?? DEFAULT_ORIGINATOR,
    version: VERSION,
    timeoutSeconds: options.timeoutSeconds ?? 600,
    sessionId: options.sessionId
  })

/** config.toml (with its profile and `.env`) as CodexConfig. */
export const layerConfig = (options: ConfigLoader.LoadOptions = {}) => ConfigLoader.layer(options)

/**
 * The whole agent as the command line runs it: config.toml, the Responses client, rollout files
 * under `$CODEX_HOME/sessions` and Node's platform, under the kernel of `layer`.
 */
export const layerDefault = <const Tools extends ReadonlyArray<Tool.Any> = []>(options: DefaultOptions<Tools> = {}) =>
  layer(options).pipe(
    Layer.provideMerge(Layer.mergeAll(layerModel(options), RolloutStore.layerConfig)),
    Layer.provideMerge(layerConfig(options)),
    Layer.provideMerge(layerPlatform)
  )
