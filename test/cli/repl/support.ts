/** Runs the interactive session on a scripted model and a scripted terminal (colors off). */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Cause, Effect, Exit, Fiber, Layer, Schema, TestClock } from "effect"
import * as AgentRuntime from "../../../src/agent/AgentRuntime.js"
import * as CompactorLive from "../../../src/agent/CompactorLive.js"
import * as ContextManager from "../../../src/context/ContextManager.js"
import * as ModelClient from "../../../src/model/ModelClient.js"
import * as Repl from "../../../src/cli/repl/Repl.js"
import * as Approvals from "../../../src/sandbox/Approvals.js"
import * as RolloutSwitch from "../../../src/session/RolloutSwitch.js"
import * as Terminal from "../../../src/cli/repl/Terminal.js"
import * as View from "../../../src/cli/repl/View.js"
import * as SessionRecorder from "../../../src/session/SessionRecorder.js"
import * as Tool from "../../../src/tools/Tool.js"
import * as PermissionRequests from "../../../src/tools/PermissionRequests.js"
import * as RequestPermissions from "../../../src/tools/RequestPermissions.js"
import * as RequestUserInput from "../../../src/tools/RequestUserInput.js"
import * as ToolRegistry from "../../../src/tools/ToolRegistry.js"
import * as UserInput from "../../../src/tools/UserInput.js"

export const echo = Tool.make({
  name: "echo",
  description: "Returns its arguments.",
  parameters: Schema.Struct({ text: Schema.String }),
  supportsParallel: true,
  handler: ({ text }) => Effect.succeed({ echo: text })
})

export const COMPACT_PROMPT = "Write a CONTEXT CHECKPOINT summary of the conversation."
export const SUMMARY_PREFIX = "Summary of the earlier conversation:"

export interface ReplOptions {
  readonly json?: boolean
  readonly codexHome?: string
  readonly contextWindow?: number
  readonly models?: ReadonlyArray<string>
  readonly listModels?: ModelClient.ModelClient["listModels"]
  readonly model?: string
  readonly recorder?: SessionRecorder.SessionRecorder
  readonly rolloutSwitch?: RolloutSwitch.RolloutSwitch
  /** Offer request_user_input (allowed in Default mode) besides echo. */
  readonly askTool?: boolean
  /** How long a tool's question waits (default five minutes). */
  readonly questionTimeout?: string
  /** Changes the scripted client (a stream that never ends, say). */
  readonly wrapClient?: (client: ModelClient.ModelClient) => ModelClient.ModelClient
  /** The history the runtime starts with (a resumed session). */
  readonly initialHistory?: ReadonlyArray<import("../../../src/protocol/Items.js").ConversationItem>
  /** How the session begins (a resumed session shown, or the picker). */
  readonly start?: import("../../../src/cli/repl/Session.js").SessionOptions["start"]
  /** The catalog's models, for `/model`'s check. */
  readonly knownModels?: ReadonlyArray<string>
  /** More tools offered besides echo. */
  readonly tools?: ReadonlyArray<Tool.Tool>
  /** Offer request_permissions besides echo. */
  readonly permissionsTool?: boolean
  /** The session's approval policy service (the session installs its prompter on it). */
  readonly approvals?: Approvals.Approvals
}

/** Starts a session in the background; type into it and read what it printed. */
export const startRepl = (replies: Parameters<typeof ModelClient.makeScripted>[0], options: ReplOptions = {}) =>
  Effect.gen(function* () {
    const scripted = yield* ModelClient.makeScripted(replies, { model: options.model ?? "demo-model" })
    const listModels = options.listModels ?? (options.models === undefined ? undefined : Effect.succeed(options.models))
    const listed: ModelClient.ModelClient = listModels === undefined ? scripted.client : { ...scripted.client, listModels }
    const client = options.wrapClient?.(listed) ?? listed
    const terminal = yield* Terminal.makeScripted()
    const view = yield* View.make(terminal.terminal, { colors: false, contextWindow: options.contextWindow })
    const userInput = yield* UserInput.make()
    const permissions = yield* PermissionRequests.make()
    const tools = [
      echo,
      ...(options.askTool === true ? [RequestUserInput.make(userInput, { defaultModeAllowed: true })] : []),
      ...(options.permissionsTool === true ? [RequestPermissions.make(permissions)] : []),
      ...(options.tools ?? [])
    ]
    const services = Layer.mergeAll(
      Layer.succeed(ModelClient.ModelClient, client),
      ToolRegistry.layer(tools),
      ContextManager.layerPlain(options.contextWindow !== undefined ? { contextWindow: options.contextWindow } : {}),
      Layer.succeed(SessionRecorder.SessionRecorder, options.recorder ?? { appendHistoryItems: () => Effect.void, appendCompacted: () => Effect.void })
    )
    const withCompactor = CompactorLive.layerTexts({ compactPrompt: COMPACT_PROMPT, summaryPrefix: SUMMARY_PREFIX }).pipe(
      Layer.provideMerge(services)
    )
    const runtime = yield* AgentRuntime.make({
      onEvent: view.onEvent,
      ...(options.initialHistory !== undefined ? { initialHistory: options.initialHistory } : {})
    }).pipe(Effect.provide(withCompactor))
    const fiber = yield* Repl.run(view, {
      json: options.json ?? false,
      codexHome: options.codexHome ?? "/nonexistent-codex-home",
      ...(options.knownModels !== undefined ? { knownModels: options.knownModels } : {}),
      ...(options.start !== undefined ? { start: options.start } : {}),
      ...(options.questionTimeout !== undefined ? { questionTimeout: options.questionTimeout as "1 minute" } : {})
    }).pipe(
      Effect.provideService(UserInput.UserInput, userInput),
      Effect.provideService(PermissionRequests.PermissionRequests, permissions),
      Effect.provideService(AgentRuntime.AgentRuntime, runtime),
      Effect.provideService(ModelClient.ModelClient, client),
      Effect.provideService(Terminal.Terminal, terminal.terminal),
      Effect.provideService(RolloutSwitch.RolloutSwitch, options.rolloutSwitch ?? { continueRollout: () => Effect.void }),
      Effect.provide(NodeFileSystem.layer),
      options.approvals === undefined ? (effect) => effect : Effect.provideService(Approvals.Approvals, options.approvals),
      Effect.fork
    )

    /** Lets the session run (50 ms of test time per step) until `check` holds. */
    const until = (check: Effect.Effect<boolean>, what: string) =>
      Effect.gen(function* () {
        for (let i = 0; i < 200; i++) {
          if (yield* check) return
          const ended = yield* fiber.poll
          if (ended._tag === "Some" && Exit.isFailure(ended.value) && !Exit.isInterrupted(ended.value)) {
            return yield* Effect.dieMessage(`the session failed while waiting for ${what}: ${Cause.pretty(ended.value.cause)}`)
          }
          yield* Effect.yieldNow()
          yield* TestClock.adjust("50 millis")
        }
        return yield* Effect.dieMessage(`timed out waiting for ${what}`)
      })
    const hasLine = (text: string) =>
      until(Effect.map(terminal.lines, (lines) => lines.includes(text)), `the line ${JSON.stringify(text)}`)
    /** Waits until the session is back at its prompt after taking everything typed. */
    const atPrompt = until(terminal.waiting, "the prompt")
    const type = (text: string | Terminal.ReadResult) => Effect.zipRight(atPrompt, terminal.type(text))
    /** Waits for the session to end. */
    const ended = Effect.zipRight(
      until(Effect.map(fiber.poll, (exit) => exit._tag === "Some"), "the end of the session"),
      Fiber.await(fiber)
    )
    /** Types `/exit` (or the given input) and waits for the session to end. */
    const finish = (input: string | Terminal.ReadResult = "/exit") => Effect.zipRight(type(input), ended)
    return { scripted, client, terminal, view, runtime, fiber, until, hasLine, atPrompt, type, finish, ended, userInput, permissions }
  })
