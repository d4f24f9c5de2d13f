/** AgentStack: the layers the command line runs a conversation on (the kernel of Agent plus sub-agents, resume and the compatibility server), built from flags and config.toml. */
import * as NodeCommandExecutor from "@effect/platform-node/NodeCommandExecutor"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import type * as FileSystem from "@effect/platform/FileSystem"
import { Context, Effect, Either, Layer, Option, Scope } from "effect"
import * as AgentEvents from "../agent/AgentEvents.js"
import * as AgentLoop from "../agent/AgentLoop.js"
import * as AgentRuntime from "../agent/AgentRuntime.js"
import { Compactor } from "../agent/Compactor.js"
import * as CompactorLive from "../agent/CompactorLive.js"
import * as TurnStream from "../agent/TurnStream.js"
import { CodexConfig, ConfigError } from "../config/CodexConfig.js"
import * as ConfigLoader from "../config/ConfigLoader.js"
import * as Environment from "../config/Environment.js"
import * as ContextManagerLive from "../context/ContextManagerLive.js"
import * as ModelCatalog from "../context/ModelCatalog.js"
import * as Prompts from "../context/Prompts.js"
import type { ConversationItem } from "../protocol/Items.js"
import * as ResponsesModelClient from "../model/ResponsesModelClient.js"
import * as RolloutStore from "../session/RolloutStore.js"
import { SessionRecorder } from "../session/SessionRecorder.js"
import * as ToolRegistry from "../tools/ToolRegistry.js"
import * as RolloutSwitch from "../session/RolloutSwitch.js"
import * as SubAgentTools from "./SubAgentTools.js"
import * as PermissionRequests from "../tools/PermissionRequests.js"
import * as PlanStore from "../tools/PlanStore.js"
import * as ToolSelection from "../tools/ToolSelection.js"
import * as ToolSets from "./ToolSets.js"
import * as UserInput from "../tools/UserInput.js"
import * as Approvals from "../sandbox/Approvals.js"
import * as Sandbox from "../sandbox/Sandbox.js"
import * as Agent from "./Agent.js"
import * as CompatServer from "./CompatServer.js"
import { VERSION } from "./Version.js"

/** Who the client says it is; the CLI always presents itself as the interactive Codex client. */
export const ORIGINATOR = "codex-tui"

export interface StackOptions {
  readonly configPath?: string
  readonly profile?: string
  /** `--output-schema`: the JSON Schema the final answer must follow. */
  readonly outputSchema?: unknown
  /** `--oss`: a local provider by name, or `true` for the configured/default one. */
  readonly oss?: string | true
  readonly systemPrompt?: string
  readonly timeoutSeconds: number
  /** Continue this rollout instead of starting a new one (resume). */
  readonly resume?: { readonly path: string; readonly sessionId: string; readonly history: ReadonlyArray<ConversationItem> }
  /** Told once when the session cannot be saved. */
  readonly onWarning: (message: string) => Effect.Effect<void>
  /** Also receives every event (a turn run with `runTurnStream` streams them either way). */
  readonly events?: AgentEvents.AgentEvents
  /** Route the session through a local compatibility server (`--vllm-endpoint` and friends). */
  readonly compat?: CompatServer.CompatFlags
  /** Working directory of the session and its tools (default: the process's). */
  readonly cwd?: string
  /** Config keys set by the caller (dotted names reach into tables); they win over the file. */
  readonly overrides?: Readonly<Record<string, unknown>>
  /** Where rollouts are written (default: under the configured `$CODEX_HOME/sessions`). */
  readonly rollouts?: Layer.Layer<RolloutStore.RolloutStore, never, FileSystem.FileSystem | CodexConfig>
  /** The environment the session sees (default: the process's). */
  readonly environment?: Layer.Layer<Environment.Environment>
  /**
   * A one-shot run: nobody can answer approval prompts, so the approval policy is `never` (as in
   * `codex exec`). The interactive session sets this to false and provides an Approvals.Prompter.
   */
  readonly oneShot?: boolean
  /** Asks the user about commands (the interactive session). */
  readonly prompter?: Approvals.Prompter
}

/**
 * The sandbox (probed once; its start-up warning goes to `onWarning`) and the approval policy of
 * every command the model runs, main agent and sub-agents alike.
 */
export const policiesLayer = (options: Pick<StackOptions, "onWarning" | "oneShot" | "prompter" | "cwd">) =>
  Layer.merge(
    Sandbox.layer({ onWarning: options.onWarning, ...(options.cwd !== undefined ? { cwd: options.cwd } : {}) }),
    Approvals.layerConfig({ oneShot: options.oneShot ?? true, prompter: options.prompter, onWarning: options.onWarning })
  )

/** Node's file system, processes and the real environment. */
export const platformLayer = Agent.layerPlatform

/** config.toml (+ profile and `.env`) resolved into CodexConfig. */
export const configLayer = (options: Pick<StackOptions, "configPath" | "profile" | "overrides" | "oss">) =>
  ConfigLoader.layer({
    ...(options.configPath !== undefined ? { configPath: options.configPath } : {}),
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
    ...(options.overrides !== undefined ? { overrides: options.overrides } : {}),
    ...(options.oss !== undefined ? { oss: options.oss } : {})
  })

/**
 * Everything AgentLoop needs, and the loop itself. The rollout is created (or attached) while the
 * layer is built, so a session that fails later is still on disk with its `session_meta`.
 */
export const layer = (options: StackOptions) => {
  const model = ResponsesModelClient.layer({
    originator: ORIGINATOR,
    version: VERSION,
    timeoutSeconds: options.timeoutSeconds,
    sessionId: options.resume?.sessionId
  })
  const cwd = options.cwd !== undefined ? { cwd: options.cwd } : {}
  const context = ContextManagerLive.layer({
    ...(options.systemPrompt !== undefined ? { baseInstructionsOverride: options.systemPrompt } : {}),
    includeCollaborationInstructions: true,
    ...(options.outputSchema !== undefined ? { outputSchema: options.outputSchema } : {}),
    ...cwd
  })
  const subAgents = SubAgentTools.layerManager({
    ...(options.systemPrompt !== undefined ? { systemPrompt: options.systemPrompt } : {}),
    ...cwd
  }).pipe(Layer.provide(model))
  const tools = Layer.scoped(
    ToolRegistry.ToolRegistry,
    Effect.gen(function* () {
      const config = yield* CodexConfig
      const selection = yield* Either.match(ToolSelection.fromConfig(config.raw), {
        onLeft: (detail) => Effect.fail(new ConfigError({ reason: "InvalidValue", path: config.configPath, key: "tools", detail })),
        onRight: Effect.succeed
      })
      // Codex's model-family rule: the catalog entry may name the shell tool the model expects.
      const shellType = yield* Prompts.make().pipe(
        Effect.flatMap(ModelCatalog.load),
        Effect.map((catalog) => Option.flatMap(catalog.lookup(config.model.trim()), (info) => Option.fromNullable(info.shellType))),
        Effect.orElseSucceed(() => Option.none<ModelCatalog.ShellType>())
      )
      return yield* ToolSets.build(ToolSelection.resolve(selection, Option.getOrUndefined(shellType)), cwd)
    })
  ).pipe(Layer.provideMerge(Layer.mergeAll(PlanStore.layer, UserInput.layer, PermissionRequests.layer, subAgents)))
  const recorder = Agent.layerRecorder({
    originator: ORIGINATOR,
    onWarning: options.onWarning,
    ...(options.resume !== undefined ? { resume: options.resume } : {})
  }).pipe(Layer.provide(options.rollouts ?? RolloutStore.layerConfig))
  const services = Layer.mergeAll(model, context, tools, TurnStream.layer(options.events)).pipe(
    Layer.provideMerge(policiesLayer(options))
  )
  const withRecorder = recorder.pipe(Layer.provideMerge(services))
  const withCompactor = CompactorLive.layer.pipe(Layer.provideMerge(withRecorder))
  return AgentLoop.layer({ ...(options.resume !== undefined ? { initialHistory: options.resume.history } : {}) }).pipe(
    Layer.provideMerge(withCompactor),
    Layer.provideMerge(CompatServer.layer(options.compat ?? {}, configLayer(options))),
    Layer.provideMerge(options.environment === undefined ? platformLayer : platformWith(options.environment))
  )
}

/** The platform layer with another environment. */
const platformWith = (environment: Layer.Layer<Environment.Environment>) =>
  Layer.mergeAll(NodeFileSystem.layer, NodeCommandExecutor.layer.pipe(Layer.provide(NodeFileSystem.layer)), environment)

/** What the interactive session adds to the stack: the runtime's event handler. */
export interface RuntimeStackOptions extends Omit<StackOptions, "events"> {
  readonly onEvent: (event: AgentRuntime.SubmissionEvent) => Effect.Effect<void>
}

/**
 * The stack with an AgentRuntime (submissions, steer, queue) instead of a bare loop, and a
 * RolloutSwitch so a session resumed mid-way keeps writing to its own rollout (history and
 * compaction records alike).
 */
export const runtimeLayer = (options: RuntimeStackOptions) => {
  const { onEvent, ...stack } = options
  const runtime = Layer.scopedContext(
    Effect.gen(function* () {
      const scope = yield* Effect.scope
      const store = yield* RolloutStore.RolloutStore
      const switchable = yield* RolloutSwitch.makeSwitchableRecorder(yield* SessionRecorder)
      const compactor = yield* Effect.flatMap(CompactorLive.loadTexts(), CompactorLive.make).pipe(
        Effect.provideService(SessionRecorder, switchable.recorder)
      )
      const agent = yield* AgentRuntime.make({
        onEvent,
        ...(options.resume !== undefined ? { initialHistory: options.resume.history } : {})
      }).pipe(Effect.provideService(SessionRecorder, switchable.recorder), Effect.provideService(Compactor, compactor))
      const rollouts = RolloutSwitch.RolloutSwitch.of({
        continueRollout: (path) =>
          store.attach(path, { onWarning: options.onWarning }).pipe(
            Scope.extend(scope),
            Effect.flatMap((session) => switchable.switchTo(session.recorder))
          )
      })
      return Context.make(AgentRuntime.AgentRuntime, agent).pipe(Context.add(RolloutSwitch.RolloutSwitch, rollouts))
    })
  )
  return runtime.pipe(
    Layer.provide(RolloutStore.layerConfig),
    Layer.provideMerge(layer({ ...stack, events: AgentEvents.make(() => Effect.void) }))
  )
}
