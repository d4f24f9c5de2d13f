/** Tests of UserAgent: UserAgent. */
import { NodeFileSystem } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Environment from "../../src/config/Environment.js"
import * as UserAgent from "../../src/model/UserAgent.js"

describe("UserAgent", () => {
  it("formats the codex-tui shape (acceptance 11)", () => {
    const agent = UserAgent.format({
      originator: "codex-tui",
      version: "0.1.0",
      osName: "Debian GNU/Linux",
      osVersion: "12",
      arch: "x86_64",
      terminal: "xterm-256color"
    })
    expect(agent).toBe("codex-tui/0.1.0 (Debian GNU/Linux 12; x86_64) xterm-256color (codex-tui; 0.1.0)")
    expect(agent).toMatch(/^codex-tui\/.+ \(.+; .+\) .+ \(codex-tui; .+\)$/)
  })

  it("adds the codex-exec suffix for codex_exec and none for other originators", () => {
    const parts = { version: "1.2.3", osName: "Linux", osVersion: "6.1", arch: "aarch64", terminal: "unknown" }
    expect(UserAgent.format({ ...parts, originator: "codex_exec" })).toBe("codex_exec/1.2.3 (Linux 6.1; aarch64) unknown (codex-exec; 1.2.3)")
    expect(UserAgent.format({ ...parts, originator: "tscodex_doctor" })).toBe("tscodex_doctor/1.2.3 (Linux 6.1; aarch64) unknown")
  })

  it("sanitizes the terminal token", () => {
    expect(UserAgent.sanitizeToken("xterm 256(color)/x.y_z-1")).toBe("xterm_256_color_/x.y_z-1")
  })

  it("reads NAME and VERSION_ID from os-release, normalizing A.B versions", () => {
    expect(UserAgent.parseOsRelease('NAME="Ubuntu"\nVERSION_ID="22.04"\n')).toEqual({ name: "Ubuntu", version: "22.4.0" })
    expect(UserAgent.parseOsRelease('NAME="Debian GNU/Linux"\nVERSION_ID="12"\n')).toEqual({ name: "Debian GNU/Linux", version: "12" })
    expect(UserAgent.parseOsRelease("NAME=Arch\n")).toBeUndefined()
  })

  it("spells architectures like uname", () => {
    expect(UserAgent.machineName("x64")).toBe("x86_64")
    expect(UserAgent.machineName("arm64")).toBe("aarch64")
    expect(UserAgent.machineName("")).toBe("unknown")
  })

  it.effect("detects this machine through the Environment service", () =>
    Effect.gen(function* () {
      const agent = yield* UserAgent.detect("codex-tui", "0.1.0").pipe(
        Effect.provide(NodeFileSystem.layer),
        Effect.provide(Environment.layerValue({ TERM: "screen (x)" }))
      )
      expect(agent).toMatch(/^codex-tui\/0\.1\.0 \(.+ .+; .+\) screen__x_ \(codex-tui; 0\.1\.0\)$/)
    })
  )
})
