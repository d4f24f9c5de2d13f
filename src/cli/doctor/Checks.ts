/** Checks: the doctor's diagnostic steps, each a small Effect producing a `{ name, ok, detail }` check. */
import * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import { Clock, Duration, Effect, Either, Option, Stream } from "effect"
import type { CodexConfig, ProviderInfo } from "../../config/CodexConfig.js"
import * as Dotenv from "../../config/Dotenv.js"
import { Environment } from "../../config/Environment.js"
import { authority } from "../../model/connect.js"
import * as Proxy from "../../model/proxy.js"
import * as ResponsesModelClient from "../../model/ResponsesModelClient.js"
import * as UserAgent from "../../model/UserAgent.js"
import { userMessage } from "../../protocol/Items.js"
import type { Prompt } from "../../protocol/Prompt.js"
import { VERSION } from "../../stack/Version.js"
import { type Endpoint, Network, NetworkError } from "./Network.js"
import * as ProxyMap from "./ProxyMap.js"
import { type Check, check, seconds } from "./Report.js"

/** Who the live request says it comes from. */
export const LIVE_ORIGINATOR = "tscodex_doctor"

/** The instruction and the message of the live request: the shortest answer that proves the model replies. */
export const LIVE_REQUEST = "Reply with the single word OK."

const elapsedSince = (start: number) => Effect.map(Clock.currentTimeMillis, (now) => seconds(now - start))

/** `config`: the config file exists. */
export const config = (path: string): Effect.Effect<Check, never, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const info = yield* fs.stat(path).pipe(Effect.option)
    if (Option.isNone(info)) return check("config", false, `missing: ${path}`)
    if (info.value.type !== "File") return check("config", false, `not a file: ${path}`)
    return check("config", true, path)
  })

/** `dotenv`: loads `<home>/.env` into the environment; a missing file is fine, an unreadable one is not. */
export const dotenv = (codexHome: string): Effect.Effect<Check, never, Environment | FileSystem.FileSystem> =>
  Dotenv.load(codexHome).pipe(
    Effect.map((result) => check("dotenv", true, result.found ? result.path : `missing (optional): ${result.path}`)),
    Effect.catchTag("ConfigError", (error) => Effect.succeed(check("dotenv", false, error.message)))
  )

/** `provider`: which provider, model and wire API the configuration selected. */
export const provider = (resolved: CodexConfig): Check =>
  check("provider", true, `provider=${resolved.provider.id} model=${resolved.model} wire_api=${resolved.provider.wireApi}`)

/** Whether the provider's key variable holds a value. */
export const keyLoaded = (info: ProviderInfo, env: Environment): boolean =>
  info.envKey !== undefined && info.envKey !== "" && (env.get(info.envKey) ?? "") !== ""

/** `api_key`: the key variable is set; a provider without `env_key` sends no key and needs none. */
export const apiKey = (info: ProviderInfo, env: Environment): Check => {
  if (info.envKey === undefined || info.envKey === "") return check("api_key", true, "not required (the provider has no env_key)")
  return keyLoaded(info, env) ? check("api_key", true, `${info.envKey} loaded`) : check("api_key", false, `${info.envKey} is missing`)
}

/** The outcome of the proxy step: the check, and the proxy requests will go through (if any). */
export interface ProxyOutcome {
  readonly check: Check
  readonly proxy: Proxy.Proxy | undefined
}

/** `proxy`: the proxy variables for the responses URL, credentials hidden; fails when the proxy in use is unusable. */
export const proxy = (env: Environment, url: URL): ProxyOutcome => {
  const detail = ProxyMap.describe(ProxyMap.forUrl(env, url))
  return Either.match(ProxyMap.applying(env, url), {
    onLeft: (error) => ({ check: check("proxy", false, `${detail} (${error.message})`), proxy: undefined }),
    onRight: (selected) => ({ check: check("proxy", true, detail), proxy: selected })
  })
}

const timedOut = (timeout: Duration.DurationInput) => () =>
  new NetworkError({ message: `timed out after ${seconds(Duration.toMillis(timeout))}s` })

/** The outcome of the DNS step: the check, and whether the doctor should stop after it. */
export interface DnsOutcome {
  readonly check: Check
  readonly stop: boolean
}

/**
 * `dns`: resolves the host. A failure stops the doctor, unless requests go through a proxy (then the
 * proxy resolves the name and the failure is only noted).
 */
export const dns = (
  endpoint: Endpoint,
  through: Proxy.Proxy | undefined,
  timeout: Duration.DurationInput
): Effect.Effect<DnsOutcome, never, Network> =>
  Effect.gen(function* () {
    const network = yield* Network
    const target = authority(endpoint)
    const result = yield* network.lookup(endpoint.host).pipe(Effect.timeoutFail({ duration: timeout, onTimeout: timedOut(timeout) }), Effect.either)
    if (Either.isRight(result)) {
      const addresses = [...new Set(result.right)].sort()
      return { check: check("dns", true, `${target} -> ${addresses.length === 0 ? "resolved" : addresses.join(", ")}`), stop: false }
    }
    const failure = `${target} -> ${result.left.message}`
    if (through !== undefined) {
      return { check: check("dns", true, `${failure} (not needed here: ${through.display} resolves it)`), stop: false }
    }
    return { check: check("dns", false, failure), stop: true }
  })

/** `transport`: a direct TCP (and for https, TLS) connection within the timeout, skipped when a proxy carries requests. */
export const transport = (
  endpoint: Endpoint,
  through: Proxy.Proxy | undefined,
  timeout: Duration.DurationInput
): Effect.Effect<Check, never, Network> =>
  Effect.gen(function* () {
    if (through !== undefined) {
      return check("transport", true, "skipped direct probe because requests will use environment proxy settings")
    }
    const network = yield* Network
    const target = authority(endpoint)
    const start = yield* Clock.currentTimeMillis
    const result = yield* network.connect(endpoint).pipe(Effect.timeoutFail({ duration: timeout, onTimeout: timedOut(timeout) }), Effect.either)
    const took = yield* elapsedSince(start)
    if (Either.isRight(result)) return check("transport", true, `${endpoint.secure ? "tls" : "tcp"} ${target} connected in ${took}s`)
    return check("transport", false, `${endpoint.secure ? "TLS" : "TCP"} ${target} failed after ${took}s: ${result.left.message}`)
  })

/** The outcome of the live step: the check, and the first assistant text of the reply. */
export interface LiveOutcome {
  readonly check: Check
  readonly outputText: string | null
}

/** The prompt of the live request: no tools, one user message. */
export const livePrompt: Prompt = {
  input: [userMessage(LIVE_REQUEST)],
  tools: [],
  parallelToolCalls: true,
  baseInstructions: LIVE_REQUEST
}

class LiveTimeout {
  readonly _tag = "TimeoutError"
  constructor(readonly message: string) {}
}

/**
 * `live`: one real request through the Responses client (this configuration's retries, the doctor's
 * timeout as connect timeout and as the budget of the whole exchange).
 */
export const live = (
  resolved: CodexConfig,
  timeoutSeconds: number
): Effect.Effect<LiveOutcome, never, Environment | FileSystem.FileSystem | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const env = yield* Environment
    const info = resolved.provider
    if (info.envKey !== undefined && info.envKey !== "" && !keyLoaded(info, env)) {
      return { check: check("live", false, "skipped: missing API key"), outputText: null }
    }
    const client = yield* ResponsesModelClient.make({
      provider: info,
      model: resolved.model,
      originator: LIVE_ORIGINATOR,
      userAgent: yield* UserAgent.detect(LIVE_ORIGINATOR, VERSION),
      reasoningEffort: resolved.reasoningEffort,
      reasoningSummary: resolved.reasoningSummary,
      verbosity: resolved.verbosity,
      guardianApproval: resolved.guardianApproval,
      timeoutSeconds
    })
    const budget = Duration.millis(timeoutSeconds * 1000)
    const start = yield* Clock.currentTimeMillis
    const result = yield* client.stream(livePrompt).pipe(
      Stream.runCollect,
      Effect.timeoutFail({ duration: budget, onTimeout: () => new LiveTimeout(`no complete reply within ${seconds(Duration.toMillis(budget))}s`) }),
      Effect.either
    )
    const took = yield* elapsedSince(start)
    if (Either.isLeft(result)) {
      return { check: check("live", false, `failed after ${took}s: ${result.left._tag}: ${result.left.message}`), outputText: null }
    }
    let outputText: string | null = null
    for (const event of result.right) {
      if (event._tag !== "Completed") continue
      const message = event.items.find((item) => item._tag === "AssistantMessage")
      if (message !== undefined) {
        outputText = message.text
        break
      }
    }
    return { check: check("live", true, `completed in ${took}s`), outputText }
  })
