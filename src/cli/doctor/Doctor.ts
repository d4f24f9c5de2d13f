/** Doctor: runs the diagnostic checks in order and collects them into a Report. */
import type * as CommandExecutor from "@effect/platform/CommandExecutor"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import { Duration, Effect } from "effect"
import * as NodePath from "node:path"
import * as CodexHome from "../../config/CodexHome.js"
import * as ConfigLoader from "../../config/ConfigLoader.js"
import { Environment } from "../../config/Environment.js"
import * as Proxy from "../../model/proxy.js"
import { responsesUrl } from "../../model/ResponsesModelClient.js"
import * as Checks from "./Checks.js"
import type { Network } from "./Network.js"
import * as SandboxChecks from "./SandboxChecks.js"
import { type Check, check, empty, type Report } from "./Report.js"

/** What the command line asks of the doctor. */
export interface Options {
  /** `--config`; the Codex home's config.toml when absent. */
  readonly configPath?: string | undefined
  readonly profile?: string | undefined
  /** Budget of every network step and of the live request. */
  readonly timeoutSeconds: number
  readonly skipLive: boolean
}

const finish = (report: Report, checks: ReadonlyArray<Check>): Report => ({
  ...report,
  checks,
  ok: checks.every((c) => c.ok)
})

const parseHttpUrl = (text: string): URL | undefined => {
  try {
    const url = new URL(text)
    return url.protocol === "http:" || url.protocol === "https:" ? url : undefined
  } catch {
    return undefined
  }
}

/** Runs every check that applies and returns the report; never fails (every problem is a failing check). */
export const collect = (
  options: Options
): Effect.Effect<
  Report,
  never,
  Environment | FileSystem.FileSystem | Network | HttpClient.HttpClient | CommandExecutor.CommandExecutor
> =>
  Effect.gen(function* () {
    const env = yield* Environment
    const location = yield* CodexHome.resolve({ configPath: options.configPath })
    const profile = options.profile?.trim() === "" ? undefined : options.profile
    let report = empty(location.configPath, NodePath.join(location.codexHome, ".env"), profile ?? null)
    const checks: Array<Check> = []

    const configCheck = yield* Checks.config(location.configPath)
    checks.push(configCheck, yield* Checks.dotenv(location.codexHome))
    // Without a config file nothing further can be diagnosed.
    if (!configCheck.ok) return { ...report, checks }

    const loaded = yield* ConfigLoader.load({ configPath: location.configPath, profile }).pipe(Effect.either)
    if (loaded._tag === "Left") {
      checks.push(check("config_parse", false, `${loaded.left._tag}: ${loaded.left.message}`))
      return { ...report, checks }
    }
    const config = loaded.right
    const info = config.provider
    const url = responsesUrl(info)
    report = {
      ...report,
      profile: config.profile ?? report.profile,
      providerName: info.id,
      model: config.model,
      baseUrl: info.baseUrl,
      responsesUrl: url,
      apiKeyEnv: info.envKey ?? null,
      apiKeyLoaded: Checks.keyLoaded(info, env)
    }
    checks.push(Checks.provider(config), Checks.apiKey(info, env))
    checks.push(...(yield* SandboxChecks.sandbox(config, env.get("PATH"))))

    const target = parseHttpUrl(url)
    if (target === undefined) {
      checks.push(check("responses_url", false, `not an http(s) URL: ${url}`))
      return finish(report, checks)
    }
    const endpoint = { host: Proxy.bareHost(target.hostname), port: Proxy.effectivePort(target), secure: target.protocol === "https:" }
    const timeout = Duration.millis(options.timeoutSeconds * 1000)
    const proxy = Checks.proxy(env, target)
    checks.push(proxy.check)
    const dns = yield* Checks.dns(endpoint, proxy.proxy, timeout)
    checks.push(dns.check)
    if (dns.stop) return finish(report, checks)
    checks.push(yield* Checks.transport(endpoint, proxy.proxy, timeout))
    if (!options.skipLive) {
      const live = yield* Checks.live(config, options.timeoutSeconds)
      checks.push(live.check)
      report = { ...report, liveOutputText: live.outputText }
    }
    return finish(report, checks)
  })
