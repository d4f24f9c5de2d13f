/** Tests of Subcommands: Subcommands.nearMiss. */
import { describe, expect, it } from "@effect/vitest"
import * as Subcommands from "../../../src/cli/args/Subcommands.js"

describe("Subcommands.nearMiss", () => {
  it("finds close words and leaves ordinary prompt words alone", () => {
    expect(Subcommands.nearMiss("doctr")).toBe("doctor")
    expect(Subcommands.nearMiss("session")).toBe("sessions")
    expect(Subcommands.nearMiss("exce")).toBe("exec")
    expect(Subcommands.nearMiss("resum")).toBe("resume")
    for (const word of ["hello", "fix", "explain", "doctor", "docs", "summarize", "hi"]) expect(Subcommands.nearMiss(word)).toBeUndefined()
  })
})
