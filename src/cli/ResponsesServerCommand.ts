/** ResponsesServerCommand: `tscodex responses-server` runs the compatibility server in the foreground until stopped. */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import type * as HttpClient from "@effect/platform/HttpClient"
import { Console, Effect, Layer, Option } from "effect"
import type { Environment } from "../config/Environment.js"
import * as ResponsesModelClient from "../model/ResponsesModelClient.js"
import * as Launcher from "../server/Launcher.js"
import * as ServerConfig from "../server/ServerConfig.js"
import * as AgentStack from "./AgentStack.js"
import { ExitWith } from "./CliError.js"

const host = Options.text("host").pipe(Options.withDescription("Listen host."), Options.withDefault("127.0.0.1"))
const port = Options.integer("port").pipe(Options.withDescription("Listen port (0 picks a free one)."), Options.withDefault(8001))
const outcommingBaseUrl = Options.text("outcomming-base-url").pipe(
  Options.withDescription("Base URL of the backend, used as given, e.g. http://127.0.0.1:8000/v1.")
)
const outcommingApi = Options.choice("outcomming-api", ["chat_completions", "messages"]).pipe(
  Options.withDescription("Which backend API to call."),
  Options.withDefault("chat_completions" as const)
)
const outcommingApiKeyEnv = Options.text("outcomming-api-key-env").pipe(
  Options.withDescription("NAME of the environment variable holding the backend API key."),
  Options.optional
)
const modelProvider = Options.text("model-provider").pipe(
  Options.withDescription("Provider whose request adjustments apply (e.g. vllm, stepfun)."),
  Options.optional
)
const timeoutSeconds = Options.float("timeout-seconds").pipe(
  Options.withDescription("Connect and idle-read timeout towards the backend."),
  Options.withDefault(120)
)

/** A value the parser accepts but the server cannot use: status 2. */
const usageError = (message: string) =>
  Console.error(`tscodex responses-server: error: ${message}`).pipe(Effect.zipRight(Effect.fail(new ExitWith({ code: 2 }))))

/** Listens until interrupted, after printing where. */
export const serve = (config: ServerConfig.ServerConfig): Effect.Effect<never, Launcher.LaunchError, HttpClient.HttpClient | Environment> =>
  Effect.scoped(Effect.gen(function* () {
    const server = yield* Launcher.launch(config)
    yield* Console.error(`tscodex responses-server: listening on http://${config.host}:${server.port} (POST /v1/responses)`)
    return yield* Effect.never
  }))

/** The command, over any way of serving a config (tests pass their own). */
export const make = <E, R>(run: (config: ServerConfig.ServerConfig) => Effect.Effect<void, E, R>) =>
  Command.make(
    "responses-server",
    { host, port, outcommingBaseUrl, outcommingApi, outcommingApiKeyEnv, modelProvider, timeoutSeconds },
    (parsed) =>
      Effect.gen(function* () {
        if (parsed.port < 0 || parsed.port > 65535) return yield* usageError(`argument --port: out of range: ${parsed.port}`)
        if (!Number.isFinite(parsed.timeoutSeconds) || parsed.timeoutSeconds <= 0) {
          return yield* usageError(`argument --timeout-seconds: must be a positive number of seconds, got ${parsed.timeoutSeconds}`)
        }
        return yield* run(ServerConfig.make({
          host: parsed.host,
          port: parsed.port,
          outcommingBaseUrl: parsed.outcommingBaseUrl,
          outcommingApi: parsed.outcommingApi,
          outcommingApiKeyEnv: Option.getOrNull(parsed.outcommingApiKeyEnv),
          modelProvider: Option.getOrNull(parsed.modelProvider),
          timeoutSeconds: parsed.timeoutSeconds
        }))
      })
  ).pipe(
    Command.withDescription(
      "Standalone localhost /v1/responses server translating the Codex Responses subset onto a " +
        "/v1/chat/completions or /v1/messages backend."
    )
  )

/** The services the server needs, from Node and the process environment. */
export const liveLayer = ResponsesModelClient.layerHttpClientEnvironment.pipe(Layer.provideMerge(AgentStack.platformLayer))

/** `tscodex responses-server` as the program runs it. */
export const command = make((config) => serve(config).pipe(Effect.provide(liveLayer)))
