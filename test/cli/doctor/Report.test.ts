/** Tests of Report: doctor report. */
import { describe, expect, it } from "@effect/vitest"
import * as Report from "../../../src/cli/doctor/Report.js"

const full: Report.Report = {
  ok: true,
  configPath: "/home/u/.codex/config.toml",
  dotenvPath: "/home/u/.codex/.env",
  profile: "work",
  providerName: "neo",
  model: "m-1",
  baseUrl: "http://127.0.0.1:1/v1",
  responsesUrl: "http://127.0.0.1:1/v1/responses",
  apiKeyEnv: "DOCTOR_KEY",
  apiKeyLoaded: true,
  checks: [Report.check("config", true, "/home/u/.codex/config.toml"), Report.check("live", true, "completed in 0.12s")],
  liveOutputText: "OK ✓"
}

describe("doctor report", () => {
  it("renders text lines: paths, known fields, one line per check, overall", () => {
    expect(Report.formatText(full)).toEqual([
      "config: /home/u/.codex/config.toml",
      "dotenv: /home/u/.codex/.env",
      "profile: work",
      "provider: neo",
      "model: m-1",
      "responses_url: http://127.0.0.1:1/v1/responses",
      "api_key_env: DOCTOR_KEY",
      "live_output: OK ✓",
      "config: ok - /home/u/.codex/config.toml",
      "live: ok - completed in 0.12s",
      "overall: ok"
    ])
  })

  it("leaves out the fields that were never filled", () => {
    const early = { ...Report.empty("/c/config.toml", "/c/.env", null), checks: [Report.check("config", false, "missing: /c/config.toml")] }
    expect(Report.formatText(early)).toEqual([
      "config: /c/config.toml",
      "dotenv: /c/.env",
      "config: fail - missing: /c/config.toml",
      "overall: fail"
    ])
  })

  it("writes JSON with the documented key order, 2-space indent, nulls and raw non-ASCII", () => {
    const text = Report.formatJson(full)
    expect(Object.keys(JSON.parse(text))).toEqual([
      "ok", "config_path", "dotenv_path", "profile", "provider_name", "model", "base_url",
      "responses_url", "api_key_env", "api_key_loaded", "checks", "live_output_text"
    ])
    expect(text).toContain('\n  "ok": true,\n')
    expect(text).toContain('"live_output_text": "OK ✓"')
    expect(Object.keys(JSON.parse(text).checks[0])).toEqual(["name", "ok", "detail"])
    const early = JSON.parse(Report.formatJson(Report.empty("/c/config.toml", "/c/.env", null)))
    expect(early).toMatchObject({ ok: false, profile: null, provider_name: null, api_key_loaded: false, checks: [], live_output_text: null })
  })

  it("shows durations in seconds with two decimals", () => {
    expect(Report.seconds(0)).toBe("0.00")
    expect(Report.seconds(1234)).toBe("1.23")
    expect(Report.seconds(500)).toBe("0.50")
  })
})
