/** EnvironmentContext: the `<environment_context>` block (cwd, shell, date, timezone) of the contextual user message. */
import type * as FileSystem from "@effect/platform/FileSystem"
import { Effect } from "effect"
import * as NodePath from "node:path"
import type { Environment } from "../config/Environment.js"

export interface EnvironmentFacts {
  readonly cwd: string
  readonly shell: string
  /** `YYYY-MM-DD`. */
  readonly currentDate: string
  readonly timezone: string
}

const ZONEINFO = "/usr/share/zoneinfo/"

/** The shell's name: the last component of `$SHELL`, `bash` when unset. */
export const shellName = (env: Environment): string => {
  const shell = (env.get("SHELL") ?? "").trim()
  if (shell === "") return "bash"
  return shell.split(/[\\/]/).filter((part) => part !== "").pop() ?? "bash"
}

/** Whether the runtime knows an IANA zone name. */
const isKnownZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone })
    return true
  } catch {
    return false
  }
}

/** `$TZ`, else the zone `/etc/localtime` links to, else the runtime's zone, else `Etc/UTC`. */
export const timezoneName = (env: Environment, fs: FileSystem.FileSystem): Effect.Effect<string> =>
  Effect.gen(function* () {
    const tz = (env.get("TZ") ?? "").trim()
    if (tz !== "") return tz
    const target = yield* fs.readLink("/etc/localtime").pipe(Effect.orElseSucceed(() => ""))
    const resolved = target === "" ? "" : NodePath.resolve("/etc", target)
    const index = resolved.indexOf(ZONEINFO)
    if (index >= 0) return resolved.slice(index + ZONEINFO.length)
    const runtimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone
    return runtimeZone !== undefined && runtimeZone !== "" ? runtimeZone : "Etc/UTC"
  })

/** Zone names that are UTC itself (no offset, ever). */
const UTC_ZONES = new Set(["UTC", "Etc/UTC", "GMT", "Etc/GMT", "UCT", "Etc/UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu", "Etc/GMT+0", "Etc/GMT-0", "Etc/GMT0", "GMT+0", "GMT-0", "GMT0", "Greenwich", "Etc/Greenwich"])

/** The calendar date (`YYYY-MM-DD`) at `millis` in `timezone` (the process's zone when the name is unknown). */
export const calendarDate = (millis: number, timezone: string): string => {
  const zone = timezone.startsWith(":") ? timezone.slice(1) : timezone
  // UTC needs no time-zone data: the first Intl.DateTimeFormat costs tens of milliseconds of start-up
  if (UTC_ZONES.has(zone)) return new Date(millis).toISOString().slice(0, 10)
  const options: Intl.DateTimeFormatOptions = { year: "numeric", month: "2-digit", day: "2-digit" }
  const parts = new Intl.DateTimeFormat("en-US", isKnownZone(zone) ? { ...options, timeZone: zone } : options)
    .formatToParts(new Date(millis))
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? ""
  return `${part("year")}-${part("month")}-${part("day")}`
}

/** The block, one tag per line with two-space indentation. */
export const render = (facts: EnvironmentFacts): string =>
  [
    "<environment_context>",
    `  <cwd>${facts.cwd}</cwd>`,
    `  <shell>${facts.shell}</shell>`,
    `  <current_date>${facts.currentDate}</current_date>`,
    `  <timezone>${facts.timezone}</timezone>`,
    "</environment_context>"
  ].join("\n")
