/** ContextManagerLive: builds each request's instructions, developer message and contextual user message from config and files. */
import * as CommandExecutor from "@effect/platform/CommandExecutor"
import * as FileSystem from "@effect/platform/FileSystem"
import { Clock, Effect, Layer, Option, Ref } from "effect"
import { CodexConfig } from "../config/CodexConfig.js"
import { Environment } from "../config/Environment.js"
import { contextMessage, type ConversationItem } from "../protocol/Items.js"
import type { Prompt } from "../protocol/Prompt.js"
import * as AgentsMd from "./AgentsMd.js"
import * as Collaboration from "./Collaboration.js"
import { type BuildPromptInput, ContextError, ContextManager } from "./ContextManager.js"
import * as ContextWindow from "./ContextWindow.js"
import * as EnvironmentContext from "./EnvironmentContext.js"
import { decodeLossy, normalizeText } from "./internal/files.js"
import { renderTemplate } from "./internal/template.js"
import * as ModelCatalog from "./ModelCatalog.js"
import * as Permissions from "./Permissions.js"
import * as Prompts from "./Prompts.js"
import * as Approvals from "../sandbox/Approvals.js"
import * as Sandbox from "../sandbox/Sandbox.js"
import * as Skills from "./Skills.js"
import * as WorkspaceMetadata from "./WorkspaceMetadata.js"

export interface Options {
  /** Replaces every other source of base instructions (`--system-prompt`). */
  readonly baseInstructionsOverride?: string
  /** A JSON Schema every request asks the final answer to follow (`--output-schema`). */
  readonly outputSchema?: unknown
  /** Adds the `<collaboration_mode>` section (the CLI's interactive-style sessions). Default false. */
  readonly includeCollaborationInstructions?: boolean
  /** Adds the `<permissions instructions>` section. Default true. */
  readonly includePermissionsInstructions?: boolean
  /** Adds the `<skills_instructions>` section when skills exist. Default true. */
  readonly includeSkillsInstructions?: boolean
  /** Substituted for `{network_access}` in the sandbox text. Default `enabled`. */
  readonly networkAccess?: string
  /** Collaboration mode; defaults to config `collaboration_mode`, then `default`. */
  readonly collaborationMode?: string
  /** Collaboration text used instead of the mode's prompt file. */
  readonly collaborationInstructions?: string
  /** Working directory (resolved to its real path); default the process's. */
  readonly cwd?: string
  /** Folder of prompt texts; default the package's prompts/. */
  readonly promptsDir?: string
  /** Git facts for the first turn's metadata; default runs git in the working directory. */
  readonly workspaceProbe?: WorkspaceMetadata.WorkspaceProbe
}

/** The live manager, with the pieces of a prompt also available one by one. */
export interface ContextManagerLive extends ContextManager {
  /** `{turn_id, workspaces?, sandbox}`; `workspaces` only for the first turn id ever seen. */
  readonly turnMetadata: (turnId: string) => Effect.Effect<Record<string, unknown>>
  /** The developer message's sections, in order. */
  readonly developerSections: Effect.Effect<ReadonlyArray<string>, ContextError>
  /** The contextual user message's sections (AGENTS block when present, then the environment). */
  readonly contextualSections: Effect.Effect<ReadonlyArray<string>>
}

const inputText = (text: string) => ({ type: "input_text", text })

/** Reads `model_instructions_file`, stripped; a missing or unreadable file is an error naming it. */
const readInstructionsFile = (fs: FileSystem.FileSystem, path: string): Effect.Effect<string, ContextError> =>
  fs.readFile(path).pipe(
    Effect.map((bytes) => decodeLossy(bytes).trim()),
    Effect.mapError((error) =>
      new ContextError({
        reason: "InstructionsFile",
        message: error._tag === "SystemError" && error.reason === "NotFound"
          ? `model_instructions_file not found: ${path}`
          : `cannot read model_instructions_file ${path}: ${error.message}`
      })
    )
  )

/** Builds the live manager. Config, cwd, date, shell, timezone and prompt texts are captured now; files are re-read per prompt. */
export const make = (options: Options = {}) =>
  Effect.gen(function* () {
    const config = yield* CodexConfig
    const env = yield* Environment
    const fs = yield* FileSystem.FileSystem
    const executor = yield* CommandExecutor.CommandExecutor
    const prompts = yield* Prompts.make(options.promptsDir)
    const catalog = yield* ModelCatalog.load(prompts)
    const entry = catalog.lookup(normalizeText(config.model))

    const requestedCwd = options.cwd ?? process.cwd()
    const cwd = yield* fs.realPath(requestedCwd).pipe(
      Effect.mapError((error) =>
        new ContextError({ reason: "Io", message: `working directory ${requestedCwd} cannot be used: ${error.message}` })
      )
    )
    const environment: EnvironmentContext.EnvironmentFacts = yield* Effect.gen(function* () {
      const timezone = yield* EnvironmentContext.timezoneName(env, fs)
      const now = yield* Clock.currentTimeMillis
      return { cwd, shell: EnvironmentContext.shellName(env), currentDate: EnvironmentContext.calendarDate(now, timezone), timezone }
    })

    // With a Sandbox (and Approvals) in context, the text says what they enforce, not what was configured.
    const enforced = yield* Effect.serviceOption(Sandbox.Sandbox)
    const enforcedApprovals = yield* Effect.serviceOption(Approvals.Approvals)
    const sandboxMode = Option.isSome(enforced)
      ? enforced.value.policy.mode
      : yield* Permissions.parseSandboxMode(config.sandboxMode)
    const approvalPolicy = Permissions.parseApprovalPolicy(
      Option.isSome(enforcedApprovals) ? enforcedApprovals.value.policy : config.approvalPolicy
    )
    const networkAccess = Option.isSome(enforced)
      ? enforced.value.policy.networkAccess ? "enabled" : "restricted"
      : options.networkAccess ?? "enabled"
    if (Option.isNone(approvalPolicy)) {
      yield* Effect.logWarning(
        `approval_policy "${config.approvalPolicy}" has no instructions (known: ${Permissions.APPROVAL_POLICIES.join(", ")}); permissions section left out`
      )
    }
    const permissionsSection = options.includePermissionsInstructions === false || Option.isNone(approvalPolicy)
      ? undefined
      : yield* Permissions.section(prompts, sandboxMode, approvalPolicy.value, networkAccess)

    const collaborationMode = Collaboration.normalizeMode(options.collaborationMode ?? config.collaborationMode)
    const collaborationSection = options.includeCollaborationInstructions === true
      ? Collaboration.section(options.collaborationInstructions ?? (yield* Collaboration.instructions(prompts, collaborationMode)))
      : undefined

    const defaultInstructions = renderTemplate(yield* prompts.text("base_instructions.md"), {
      agent_guidelines: yield* prompts.text("agent_guidelines.md")
    })
    const catalogInstructions = Option.flatMap(entry, (info) => ModelCatalog.instructionsFor(info, config.personality))
    const override = normalizeText(options.baseInstructionsOverride)
    const configured = normalizeText(config.baseInstructions)

    const baseInstructions: Effect.Effect<string, ContextError> = Effect.suspend(() => {
      if (override !== undefined) return Effect.succeed(override)
      if (configured !== undefined) return Effect.succeed(configured)
      if (config.modelInstructionsFile !== undefined) return readInstructionsFile(fs, config.modelInstructionsFile)
      return Effect.succeed(Option.getOrElse(catalogInstructions, () => defaultInstructions))
    })

    const developerSections: Effect.Effect<ReadonlyArray<string>, ContextError> = Effect.gen(function* () {
      const sections: Array<string> = []
      if (permissionsSection !== undefined) sections.push(permissionsSection)
      const developer = config.developerInstructions
      if (developer !== undefined && developer.trim() !== "") sections.push(developer)
      if (collaborationSection !== undefined) sections.push(collaborationSection)
      if (options.includeSkillsInstructions !== false) {
        const skills = yield* Skills.section(prompts, yield* Skills.discover(fs, config.codexHome))
        if (skills !== undefined) sections.push(skills)
      }
      return sections
    })

    const contextualSections: Effect.Effect<ReadonlyArray<string>> = Effect.gen(function* () {
      const merged = AgentsMd.mergeInstructions({
        userInstructions: normalizeText(config.userInstructions),
        homeInstructions: Option.getOrUndefined(yield* AgentsMd.homeInstructions(fs, config.codexHome)),
        projectDocs: Option.getOrUndefined(yield* AgentsMd.projectDocs(fs, cwd, config.projectDocMaxBytes))
      })
      return [
        ...Option.match(merged, { onNone: () => [], onSome: (text) => [AgentsMd.block(cwd, text)] }),
        EnvironmentContext.render(environment)
      ]
    })

    const probe = options.workspaceProbe ?? WorkspaceMetadata.gitProbe(executor)
    const workspaces = yield* Effect.cached(probe(cwd))
    const firstTurn = yield* Ref.make(Option.none<string>())
    const sandbox = Permissions.sandboxTag(sandboxMode)
    const turnMetadata = (turnId: string): Effect.Effect<Record<string, unknown>> =>
      Effect.gen(function* () {
        const first = yield* Ref.modify(firstTurn, (current) =>
          Option.isSome(current) ? [current.value, current] : [turnId, Option.some(turnId)])
        const metadata: Record<string, unknown> = { turn_id: turnId }
        if (first === turnId) {
          const found = yield* workspaces
          if (Option.isSome(found)) metadata.workspaces = found.value
        }
        metadata.sandbox = sandbox
        return metadata
      })

    const buildPrompt = (input: BuildPromptInput): Effect.Effect<Prompt, ContextError> =>
      Effect.gen(function* () {
        const instructions = yield* baseInstructions
        const developer = yield* developerSections
        const contextual = yield* contextualSections
        const metadata = yield* turnMetadata(input.turnId)
        const injected: Array<ConversationItem> = []
        if (developer.length > 0) injected.push(contextMessage("developer", { contentItems: developer.map(inputText) }))
        injected.push(contextMessage("user", { contentItems: contextual.map(inputText) }))
        return {
          input: [...injected, ...input.history],
          tools: input.tools,
          parallelToolCalls: input.parallelToolCalls,
          baseInstructions: instructions,
          turnId: input.turnId,
          turnMetadata: metadata,
          ...(options.outputSchema !== undefined ? { outputSchema: options.outputSchema } : {})
        }
      })

    const entryFacts = Option.getOrUndefined(entry)
    const manager: ContextManagerLive = {
      buildPrompt,
      baseInstructions,
      autoCompactTokenLimit: ContextWindow.resolveAutoCompactTokenLimit(config.modelAutoCompactTokenLimit, entryFacts),
      contextWindow: ContextWindow.resolveContextWindow(config.modelContextWindow, entryFacts),
      collaborationMode,
      cwd,
      turnMetadata,
      developerSections,
      contextualSections
    }
    return manager
  })

/** The live manager as the `ContextManager` service. */
export const layer = (options: Options = {}): Layer.Layer<
  ContextManager,
  ContextError,
  CodexConfig | Environment | FileSystem.FileSystem | CommandExecutor.CommandExecutor
> => Layer.effect(ContextManager, make(options))
