/** Report: what `tscodex doctor` found, and its text and JSON renderings. */

/** One diagnostic step. */
export interface Check {
  readonly name: string
  readonly ok: boolean
  readonly detail: string
}

/** Everything the doctor collected; fields stay null when collection stopped before them. */
export interface Report {
  readonly ok: boolean
  readonly configPath: string
  readonly dotenvPath: string
  readonly profile: string | null
  readonly providerName: string | null
  readonly model: string | null
  readonly baseUrl: string | null
  readonly responsesUrl: string | null
  readonly apiKeyEnv: string | null
  readonly apiKeyLoaded: boolean
  readonly checks: ReadonlyArray<Check>
  readonly liveOutputText: string | null
}

export const check = (name: string, ok: boolean, detail: string): Check => ({ name, ok, detail })

/** A report with only the paths known. */
export const empty = (configPath: string, dotenvPath: string, profile: string | null): Report => ({
  ok: false,
  configPath,
  dotenvPath,
  profile,
  providerName: null,
  model: null,
  baseUrl: null,
  responsesUrl: null,
  apiKeyEnv: null,
  apiKeyLoaded: false,
  checks: [],
  liveOutputText: null
})

/** The report as the JSON object users and scripts read (snake_case keys, this order). */
export const toJson = (report: Report) => ({
  ok: report.ok,
  config_path: report.configPath,
  dotenv_path: report.dotenvPath,
  profile: report.profile,
  provider_name: report.providerName,
  model: report.model,
  base_url: report.baseUrl,
  responses_url: report.responsesUrl,
  api_key_env: report.apiKeyEnv,
  api_key_loaded: report.apiKeyLoaded,
  checks: report.checks.map((c) => ({ name: c.name, ok: c.ok, detail: c.detail })),
  live_output_text: report.liveOutputText
})

/** Two-space indented JSON; non-ASCII characters stay as they are. */
export const formatJson = (report: Report): string => JSON.stringify(toJson(report), null, 2)

/** The text rendering, one string per line. */
export const formatText = (report: Report): ReadonlyArray<string> => {
  const lines = [`config: ${report.configPath}`, `dotenv: ${report.dotenvPath}`]
  const optional: ReadonlyArray<readonly [string, string | null]> = [
    ["profile", report.profile],
    ["provider", report.providerName],
    ["model", report.model],
    ["responses_url", report.responsesUrl],
    ["api_key_env", report.apiKeyEnv],
    ["live_output", report.liveOutputText]
  ]
  for (const [label, value] of optional) if (value !== null && value !== "") lines.push(`${label}: ${value}`)
  for (const c of report.checks) lines.push(`${c.name}: ${c.ok ? "ok" : "fail"} - ${c.detail}`)
  lines.push(`overall: ${report.ok ? "ok" : "fail"}`)
  return lines
}

/** Seconds with two decimals, as the details show durations. */
export const seconds = (millis: number): string => (Math.max(0, millis) / 1000).toFixed(2)
