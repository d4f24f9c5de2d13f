/** Tests of EnvironmentContext: EnvironmentContext. */
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Environment from "../../src/config/Environment.js"
import * as EnvironmentContext from "../../src/context/EnvironmentContext.js"

const env = (vars: Record<string, string>) => Environment.fromRecord(vars)
const linkTo = (target: string) => FileSystem.layerNoop({ readLink: () => Effect.succeed(target) })

describe("EnvironmentContext", () => {
  it("names the shell by its last path component, bash by default", () => {
    expect(EnvironmentContext.shellName(env({ SHELL: "/bin/zsh" }))).toBe("zsh")
    expect(EnvironmentContext.shellName(env({ SHELL: "/usr/local/bin/fish/" }))).toBe("fish")
    expect(EnvironmentContext.shellName(env({ SHELL: "" }))).toBe("bash")
    expect(EnvironmentContext.shellName(env({}))).toBe("bash")
  })

  it.effect("takes the timezone from TZ, then /etc/localtime, then the runtime", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      expect(yield* EnvironmentContext.timezoneName(env({ TZ: "Asia/Hong_Kong" }), fs)).toBe("Asia/Hong_Kong")
      expect(yield* EnvironmentContext.timezoneName(env({ TZ: "" }), fs)).toBe("Europe/Paris")
    }).pipe(Effect.provide(linkTo("../usr/share/zoneinfo/Europe/Paris"))))

  it.effect("falls back to the runtime's zone when /etc/localtime is not a zoneinfo link", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const zone = yield* EnvironmentContext.timezoneName(env({}), fs)
      expect(zone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone)
    }).pipe(Effect.provide(FileSystem.layerNoop({}))))

  it("gives the calendar date in the named zone", () => {
    const instant = Date.UTC(2026, 10, 23, 20, 0, 0)
    expect(EnvironmentContext.calendarDate(instant, "Etc/UTC")).toBe("2026-11-23")
    expect(EnvironmentContext.calendarDate(instant, "Asia/Hong_Kong")).toBe("2026-11-24")
    expect(EnvironmentContext.calendarDate(instant, ":America/New_York")).toBe("2026-11-23")
    expect(EnvironmentContext.calendarDate(instant, "Not/AZone")).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  })

  it("UTC names give the date Intl gives for them, either side of midnight", () => {
    const names = ["UTC", "Etc/UTC", "GMT", "Etc/GMT", "UCT", "Etc/UCT", "Universal", "Zulu", "GMT0", "Etc/GMT-0", "Greenwich"]
    const instants = [Date.UTC(2026, 11, 31, 23, 59, 59), Date.UTC(2027, 0, 1, 0, 0, 0), Date.UTC(2024, 1, 29, 12, 0, 0)]
    for (const zone of names) {
      for (const instant of instants) {
        const viaIntl = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(instant)
        expect(EnvironmentContext.calendarDate(instant, zone), `${zone} at ${instant}`).toBe(viaIntl)
        expect(EnvironmentContext.calendarDate(instant, `:${zone}`)).toBe(viaIntl)
      }
    }
  })

  it("renders the block with two-space indentation", () => {
    expect(EnvironmentContext.render({ cwd: "/w", shell: "bash", currentDate: "2026-11-23", timezone: "Etc/UTC" })).toBe(
      "<environment_context>\n  <cwd>/w</cwd>\n  <shell>bash</shell>\n  <current_date>2026-11-23</current_date>\n  <timezone>Etc/UTC</timezone>\n</environment_context>"
    )
  })
})
