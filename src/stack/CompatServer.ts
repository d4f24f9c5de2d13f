/** CompatServer: starts the Responses compatibility server for `--vllm-endpoint`, `--use-chat-completion` and `--use-messages` and points the provider at it. */
import type * as FileSystem from "@effect/platform/FileSystem"
import { Data, Effect, Layer } from "effect"
import { CodexConfig, type ProviderInfo } from "../config/CodexConfig.js"
import { Environment } from "../config/Environment.js"
import * as ResponsesModelClient from "../model/ResponsesModelClient.js"
import type * as Launcher from "../server/Launcher.js"
import type * as ServerConfig from "../server/ServerConfig.js"

/** The flags ask for an impossible combination, or the local server could not be started. */
export class CompatServerError extends Data.TaggedError("CompatServerError")<{ readonly message: string }> {}

/** The command-line switches that route the session through a local compatibility server. */
export interface CompatFlags {
  readonly vllmEndpoint?: string
  readonly useChatCompletion?: boolean
  readonly useMessages?: boolean
}

/** The variable holding the (ignored) key the client sends to the local server. */
export const LOCAL_KEY_VARIABLE = "TSCODEX_LOCAL_RESPONSES_SERVER_KEY"
const LEGACY_LOCAL_KEY_VARIABLE = "PYCODEX_LOCAL_RESPONSES_SERVER_KEY"

/** What to launch: a downstream base URL and how to talk to it. */
export interface LaunchPlan {
  readonly baseUrl: string
  readonly apiKeyEnv: string | null
  readonly modelProvider: string
  readonly outcommingApi: ServerConfig.OutcommingApi
}

/**
 * Which server the flags and the provider ask for, if any. `--vllm-endpoint` wins over
 * chat completions; combining `--use-messages` with either of the others is an error.
 */
export const plan = (provider: ProviderInfo, flags: CompatFlags): Effect.Effect<LaunchPlan | undefined, CompatServerError> => {
  const chat = flags.useChatCompletion === true || provider.useChatCompletion
  const messages = flags.useMessages === true
  if (chat && messages) return Effect.fail(new CompatServerError({ message: "--use-chat-completion and --use-messages cannot be combined" }))
  if (flags.vllmEndpoint !== undefined && messages) {
    return Effect.fail(new CompatServerError({ message: "--vllm-endpoint and --use-messages cannot be combined" }))
  }
  if (flags.vllmEndpoint !== undefined) {
    return Effect.succeed({ baseUrl: flags.vllmEndpoint, apiKeyEnv: null, modelProvider: "vllm", outcommingApi: "chat_completions" })
  }
  if (!chat && !messages) return Effect.succeed(undefined)
  return Effect.succeed({
    baseUrl: provider.baseUrl,
    apiKeyEnv: provider.envKey ?? null,
    modelProvider: provider.id,
    outcommingApi: messages ? "messages" : "chat_completions"
  })
}

/**
 * The configuration the session runs on: unchanged without a plan; otherwise a server is
 * launched in the layer's scope (stopped with the session) and the provider is rewritten to send
 * Responses requests to it with the local key variable (set to `dummy` unless already set).
 */
export const layer = <E, R>(
  flags: CompatFlags,
  base: Layer.Layer<CodexConfig, E, R>
): Layer.Layer<CodexConfig, E | CompatServerError, R | Environment | FileSystem.FileSystem> =>
  Layer.scoped(
    CodexConfig,
    Effect.gen(function* () {
      const config = yield* CodexConfig
      const launchPlan = yield* plan(config.provider, flags)
      if (launchPlan === undefined) return config
      const env = yield* Environment
      // The server's code is loaded only for sessions that need it, so plain runs start faster.
      const launcher: typeof Launcher = yield* Effect.promise(() => import("../server/Launcher.js"))
      const server = yield* launcher.launchForBaseUrl(launchPlan.baseUrl, {
        apiKeyEnv: launchPlan.apiKeyEnv,
        modelProvider: launchPlan.modelProvider,
        outcommingApi: launchPlan.outcommingApi
      }).pipe(
        Effect.provide(ResponsesModelClient.layerHttpClientEnvironment),
        Effect.mapError((error) => new CompatServerError({ message: error.message }))
      )
      if (env.get(LOCAL_KEY_VARIABLE) === undefined) {
        yield* env.set(LOCAL_KEY_VARIABLE, env.get(LEGACY_LOCAL_KEY_VARIABLE) ?? "dummy")
      }
      const provider: ProviderInfo = {
        ...config.provider,
        baseUrl: server.baseUrl,
        envKey: LOCAL_KEY_VARIABLE,
        wireApi: "responses",
        queryParams: [],
        useChatCompletion: false
      }
      return { ...config, provider }
    })
  ).pipe(Layer.provide(base))
