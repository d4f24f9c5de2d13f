/** ResponsesServerCommand: `tscodex responses-server` runs the compatibility server in the foreground until stopped. */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpMiddleware from "@effect/platform/HttpMiddleware"
import * as HttpServer from "@effect/platform/HttpServer"
import { Console, Context, Effect, Layer, Option } from "effect"
import * as V8 from "node:v8"
import { Environment } from "../config/Environment.js"
import * as ResponsesModelClient from "../model/ResponsesModelClient.js"
import * as AccessLog from "../server/AccessLog.js"
import * as PayloadProcessors from "../server/request/PayloadProcessors.js"
import * as ResponsesServer from "../server/ResponsesServer.js"
import * as ServerConfig from "../server/ServerConfig.js"
import type * as SessionStore from "../server/SessionStore.js"
import * as SlicedScheduler from "../server/SlicedScheduler.js"
import * as AgentStack from "../stack/AgentStack.js"
import { CliError, ExitWith } from "./CliError.js"

const d = ServerConfig.defaults
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
const apiKeyEnv = Options.text("api-key-env").pipe(
  Options.withDescription("NAME of an environment variable holding a key clients must send as `Authorization: Bearer <key>`; repeat it or give a comma-separated list for several keys."),
  Options.repeated
)
const requireApiKey = Options.boolean("require-api-key").pipe(
  Options.withDescription("Refuse to start without inbound keys (instead of warning when listening beyond loopback).")
)
const sessionStore = Options.text("session-store").pipe(
  Options.withDescription("Where responses are cached for previous_response_id: `memory` or a redis:// URL shared by replicas."),
  Options.withDefault("memory")
)
const number = (name: string, description: string, fallback: number) =>
  Options.float(name).pipe(Options.withDescription(description), Options.withDefault(fallback))
const tuning = {
  requestDeadlineSeconds: number("request-deadline-seconds", "Longest one /responses request may take, all rounds included (0: no limit).", d.requestDeadlineSeconds),
  maxBodyBytes: number("max-body-bytes", "Largest request body accepted (413 above).", d.maxBodyBytes),
  maxDownstreamEventChars: number("max-downstream-event-chars", "Largest backend SSE event buffered before the response fails.", d.maxDownstreamEventChars),
  sessionCacheEntries: number("session-cache-entries", "Most responses the in-memory cache keeps.", d.sessionCacheEntries),
  sessionCacheBytes: number("session-cache-bytes", "Most characters of responses the cache keeps.", d.sessionCacheBytes),
  sessionTtlSeconds: number("session-ttl-seconds", "Seconds a cached response lives.", d.sessionTtlSeconds),
  maxConnections: number("max-connections", "Most connections served at once.", d.maxConnections),
  headersTimeoutSeconds: number("headers-timeout-seconds", "Time a client has to send its request headers.", d.headersTimeoutSeconds),
  requestTimeoutSeconds: number("request-timeout-seconds", "Time a client has to send its whole request.", d.requestTimeoutSeconds),
  idleTimeoutSeconds: number("idle-timeout-seconds", "A connection silent this long is closed.", d.idleTimeoutSeconds),
  keepAliveTimeoutSeconds: number("keep-alive-timeout-seconds", "How long an idle kept-alive connection stays open.", d.keepAliveTimeoutSeconds),
  shutdownGraceSeconds: number("shutdown-grace-seconds", "On SIGTERM, how long in-flight streams may finish before they are ended.", 30)
}
const noAccessLog = Options.boolean("no-access-log").pipe(
  Options.withDescription("Do not print the JSON access log line of each request on stdout.")
)

/** What the command adds to the server config. */
export interface ServeOptions {
  readonly requireApiKey: boolean
  /** `memory` or a `redis://` / `rediss://` URL. */
  readonly sessionStore: string
  readonly shutdownGraceSeconds: number
  readonly accessLog: boolean
}

/** A value the parser accepts but the server cannot use: status 2. */
const usageError = (message: string) =>
  Console.error(`tscodex responses-server: error: ${message}`).pipe(Effect.zipRight(Effect.fail(new ExitWith({ code: 2 }))))

/** The session store layer a `--session-store` value asks for (Redis code is loaded only here). */
const storeLayer = (config: ServerConfig.ServerConfig, store: string) =>
  Effect.gen(function* () {
    if (store === "memory") return Layer.empty as Layer.Layer<never>
    if (!/^rediss?:\/\//.test(store)) return yield* usageError(`argument --session-store: expected memory or a redis:// URL, got ${store}`)
    const redis = yield* Effect.promise(() => import("../server/SessionStoreRedis.js"))
    return redis.layer({ url: store, ttlSeconds: config.sessionTtlSeconds, maxBytes: config.sessionCacheBytes }) as Layer.Layer<
      SessionStore.SessionStore,
      SessionStore.SessionStoreError
    >
  })

/**
 * How the server's fibers share the process: request set-up goes ahead of streaming, turns of the
 * event loop stay short while requests are starting (see SlicedScheduler), and a fiber yields every
 * 256 operations.
 */
const fairScheduler = SlicedScheduler.make()

/**
 * How far (percent of the live heap) V8 lets the old generation grow before its next full
 * collection, unless node was started with its own `--heap-growing-percent`. V8's default grows it
 * by up to several times the live heap; with 200 streams starting and ending together, the garbage
 * promoted in those bursts then sat in old space until the end (peak RSS 280-320 MiB, against
 * 205-230 MiB with this setting, for a few percent more CPU: bench/notes.md).
 */
const heapGrowingPercent = 75

const tightenHeapGrowth = () => {
  if (process.execArgv.some((arg) => arg.startsWith("--heap-growing-percent") || arg.startsWith("--heap_growing_percent"))) return
  V8.setFlagsFromString(`--heap-growing-percent=${heapGrowingPercent}`)
}

/** Listens until interrupted (SIGINT/SIGTERM drain in-flight streams), after printing where. */
export const serve = (
  config: ServerConfig.ServerConfig,
  options: ServeOptions = { requireApiKey: false, sessionStore: "memory", shutdownGraceSeconds: 30, accessLog: false }
): Effect.Effect<never, unknown, HttpClient.HttpClient | Environment> =>
  Effect.scoped(Effect.gen(function* () {
    const env = yield* Environment
    const inbound = ServerConfig.inboundKeys(config, env)
    if (inbound.missing.length > 0) {
      return yield* usageError(`inbound API key variable${inbound.missing.length > 1 ? "s" : ""} not set or empty: ${inbound.missing.join(", ")}`)
    }
    if (inbound.keys.length === 0) {
      if (options.requireApiKey) return yield* usageError("--require-api-key is set but no inbound key is configured (use --api-key-env NAME)")
      if (!ServerConfig.isLoopback(config.host)) {
        yield* Console.error(
          `tscodex responses-server: warning: listening on ${config.host} without inbound API keys: anyone who can reach it can use the backend (use --api-key-env NAME, or --require-api-key to refuse this)`
        )
      }
    }
    yield* Effect.sync(tightenHeapGrowth)
    const store = yield* storeLayer(config, options.sessionStore)
    const log = options.accessLog ? AccessLog.layer((line) => Console.log(line)) : Layer.empty
    const deps = yield* Effect.context<HttpClient.HttpClient | Environment>()
    const built = yield* Layer.build(
      ResponsesServer.layer(config, { drainSeconds: options.shutdownGraceSeconds }).pipe(
        Layer.provide(Layer.mergeAll(PayloadProcessors.layer(), store, log, Layer.succeedContext(deps)))
      )
    ).pipe(Effect.mapError((error) => new CliError({ message: `the responses server could not start: ${(error as { message?: unknown }).message ?? String(error)}` })))
    const address = Context.get(built, HttpServer.HttpServer).address
    const bound = address._tag === "TcpAddress" ? address.port : config.port
    yield* Console.error(`tscodex responses-server: listening on http://${config.host}:${bound} (POST /v1/responses)`)
    return yield* Effect.never
  }).pipe(
    Effect.withScheduler(fairScheduler),
    Effect.withMaxOpsBeforeYield(256),
    // the command exports no traces: the spans the HTTP server and client would open per request
    // (attributes for every header included) cost a fifth of a relayed request's CPU for nothing
    Effect.locally(HttpMiddleware.currentTracerDisabledWhen, () => true),
    Effect.withTracerEnabled(false)
  ))

/** The command, over any way of serving a config (tests pass their own). */
export const make = <E, R>(run: (config: ServerConfig.ServerConfig, options: ServeOptions) => Effect.Effect<void, E, R>) =>
  Command.make(
    "responses-server",
    { host, port, outcommingBaseUrl, outcommingApi, outcommingApiKeyEnv, modelProvider, timeoutSeconds, apiKeyEnv, requireApiKey, sessionStore, noAccessLog, ...tuning },
    (parsed) =>
      Effect.gen(function* () {
        if (parsed.port < 0 || parsed.port > 65535) return yield* usageError(`argument --port: out of range: ${parsed.port}`)
        if (!Number.isFinite(parsed.timeoutSeconds) || parsed.timeoutSeconds <= 0) {
          return yield* usageError(`argument --timeout-seconds: must be a positive number of seconds, got ${parsed.timeoutSeconds}`)
        }
        for (const key of Object.keys(tuning) as Array<keyof typeof tuning>) {
          const given = parsed[key]
          if (!Number.isFinite(given) || given < 0) {
            const flag = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
            return yield* usageError(`argument --${flag}: must be a number of at least 0, got ${given}`)
          }
        }
        const apiKeyEnvs = parsed.apiKeyEnv.flatMap((names) => names.split(",")).map((name) => name.trim()).filter((name) => name !== "")
        return yield* run(
          ServerConfig.make({
            host: parsed.host,
            port: parsed.port,
            outcommingBaseUrl: parsed.outcommingBaseUrl,
            outcommingApi: parsed.outcommingApi,
            outcommingApiKeyEnv: Option.getOrNull(parsed.outcommingApiKeyEnv),
            modelProvider: Option.getOrNull(parsed.modelProvider),
            timeoutSeconds: parsed.timeoutSeconds,
            apiKeyEnvs,
            requestDeadlineSeconds: parsed.requestDeadlineSeconds,
            maxBodyBytes: Math.floor(parsed.maxBodyBytes),
            maxDownstreamEventChars: Math.floor(parsed.maxDownstreamEventChars),
            sessionCacheEntries: Math.floor(parsed.sessionCacheEntries),
            sessionCacheBytes: Math.floor(parsed.sessionCacheBytes),
            sessionTtlSeconds: parsed.sessionTtlSeconds,
            maxConnections: Math.floor(parsed.maxConnections),
            headersTimeoutSeconds: parsed.headersTimeoutSeconds,
            requestTimeoutSeconds: parsed.requestTimeoutSeconds,
            idleTimeoutSeconds: parsed.idleTimeoutSeconds,
            keepAliveTimeoutSeconds: parsed.keepAliveTimeoutSeconds
          }),
          {
            requireApiKey: parsed.requireApiKey,
            sessionStore: parsed.sessionStore.trim(),
            shutdownGraceSeconds: parsed.shutdownGraceSeconds,
            accessLog: !parsed.noAccessLog
          }
        )
      })
  ).pipe(
    Command.withDescription(
      "Standalone /v1/responses server translating the Codex Responses subset onto a " +
        "/v1/chat/completions or /v1/messages backend."
    )
  )

/** The services the server needs, from Node and the process environment. */
export const liveLayer = ResponsesModelClient.layerHttpClientEnvironment.pipe(Layer.provideMerge(AgentStack.platformLayer))

/** `tscodex responses-server` as the program runs it. */
export const command = make((config, options) => serve(config, options).pipe(Effect.provide(liveLayer)))
