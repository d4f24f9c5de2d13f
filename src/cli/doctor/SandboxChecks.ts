/** SandboxChecks: the doctor's view of sandboxing on this machine — bwrap found, user namespaces usable, a probe write refused. */
import type * as CommandExecutor from "@effect/platform/CommandExecutor"
import { Effect, Either } from "effect"
import * as NodePath from "node:path"
import type { CodexConfig } from "../../config/CodexConfig.js"
import * as Bwrap from "../../sandbox/Bwrap.js"
import * as Sandbox from "../../sandbox/Sandbox.js"
import * as SandboxPolicy from "../../sandbox/SandboxPolicy.js"
import { type Check, check } from "./Report.js"

/**
 * The three sandbox checks. A check fails only when the configuration asks for a sandbox (then
 * every command would be refused); without one the program falls back to running commands
 * unsandboxed, so the checks pass and say so.
 */
export const sandbox = (
  config: CodexConfig,
  pathVariable: string | undefined
): Effect.Effect<ReadonlyArray<Check>, never, CommandExecutor.CommandExecutor> =>
  Effect.gen(function*() {
    const parsed = SandboxPolicy.fromConfig(config.raw, NodePath.dirname(config.configPath))
    if (Either.isLeft(parsed)) return [check("sandbox_bwrap", false, parsed.left.message)]
    const settings = parsed.right
    const requested = settings.requestedMode
    const required = requested !== undefined && requested !== "danger-full-access"
    const fallback = requested === undefined
      ? "; without a sandbox_mode, commands run unsandboxed"
      : requested === "danger-full-access"
      ? "; not used (sandbox_mode = \"danger-full-access\")"
      : `; sandbox_mode "${requested}" refuses every command until this is fixed`
    const outcome = (name: string, works: boolean, detail: string) => check(name, works || !required, works ? detail : `${detail}${fallback}`)

    if (process.platform !== "linux") {
      return [outcome("sandbox_bwrap", false, `sandboxing needs Linux with bubblewrap (this is ${process.platform})`)]
    }
    const found = Bwrap.locate(settings.bwrapPath, pathVariable)
    if ("problem" in found) {
      return [
        outcome("sandbox_bwrap", false, `${found.problem}; install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap)`),
        outcome("sandbox_namespaces", false, "not checked (no bwrap)"),
        outcome("sandbox_write", false, "not checked (no bwrap)")
      ]
    }
    const bwrapCheck = outcome("sandbox_bwrap", true, found.path)
    const availability = yield* Sandbox.probe(settings, pathVariable)
    if (availability._tag === "Unavailable") {
      return [bwrapCheck, outcome("sandbox_namespaces", false, availability.reason), outcome("sandbox_write", false, "not checked (no sandbox)")]
    }
    const namespaces = outcome("sandbox_namespaces", true, "bwrap created a sandbox (user, pid and network namespaces)")
    const leak = yield* Sandbox.probeWriteRefused(availability.bwrap)
    return [
      bwrapCheck,
      namespaces,
      leak === undefined
        ? outcome("sandbox_write", true, "a write under the read-only sandbox was refused")
        : outcome("sandbox_write", false, leak)
    ]
  })
