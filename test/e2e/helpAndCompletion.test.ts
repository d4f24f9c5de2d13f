/** Help, completions and mistyped subcommands through the built CLI (stdout is a pipe here, so no colour codes). */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { SUBCOMMANDS } from "../../src/cli/args/Subcommands.js"
import { runCli } from "../support/Cli.js"
import { setup } from "./support.js"

const ANSI = /\x1b\[/

describe("tscodex help and completions", () => {
  it.scopedLive("--help lists every subcommand with one line, without colour codes in a pipe; help <sub> and sub --help agree", () =>
    Effect.gen(function* () {
      const help = yield* runCli(["--help"])
      expect(help.exitCode).toBe(0)
      expect(help.stdout).not.toMatch(ANSI)
      for (const sub of SUBCOMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${sub.name} +\\S`, "m"))
      expect(help.stdout).toContain("  -m, --model <MODEL>")
      expect((yield* runCli(["help"])).stdout).toBe(help.stdout)

      const exec = yield* runCli(["exec", "--help"])
      expect(exec.stdout).toMatch(/^Usage: tscodex exec \[OPTIONS\] \[PROMPT\]$/m)
      for (const flag of ["-c, --config <key=value>", "-i, --image <FILE>", "-o, --output-last-message <FILE>", "-s, --sandbox <SANDBOX_MODE>", "--skip-git-repo-check", "--output-schema <FILE>", "--ephemeral", "--color <COLOR>"]) {
        expect(exec.stdout).toContain(flag)
      }
      expect((yield* runCli(["help", "exec"])).stdout).toBe(exec.stdout)
      expect((yield* runCli(["exec", "resume", "--help"])).stdout).toContain("Usage: tscodex exec resume [OPTIONS] [SESSION_ID] [PROMPT]")

      const doctor = yield* runCli(["help", "doctor"])
      expect(doctor.exitCode).toBe(0)
      expect(doctor.stdout).toContain("--skip-live")
      expect(doctor.stdout).not.toMatch(ANSI)
      expect((yield* runCli(["sessions", "--help"])).stdout).not.toMatch(ANSI)

      const unknown = yield* runCli(["help", "nope"])
      expect(unknown.exitCode).toBe(2)
    }).pipe(Effect.provide(NodeContext.layer)), 120_000)

  it.scopedLive("completion scripts for bash, zsh and fish name the subcommands and their flags", () =>
    Effect.gen(function* () {
      for (const shell of ["bash", "zsh", "fish"]) {
        const run = yield* runCli(["completion", shell])
        expect(run.exitCode).toBe(0)
        for (const word of ["exec", "resume", "doctor", "sessions", "--skip-git-repo-check", "--output-last-message", "--skip-live", "--limit"]) {
          expect(run.stdout).toContain(shell === "fish" && word.startsWith("--") ? `-l ${word.slice(2)}` : word)
        }
      }
      const bash = yield* runCli(["completion"])
      expect(bash.stdout).toContain("complete -o default -F _tscodex tscodex")
      expect((yield* runCli(["completion", "powershell"])).exitCode).toBe(2)
    }).pipe(Effect.provide(NodeContext.layer)), 120_000)

  it.scopedLive("a lone near miss of a subcommand asks instead of prompting; more words or -- send it", () =>
    Effect.gen(function* () {
      const h = yield* setup([{ type: "message", text: "ok", times: 2 }])
      const typo = yield* h.cli(["doctr"])
      expect(typo.exitCode).toBe(2)
      expect(typo.stderr).toContain("tscodex: error: 'doctr' is not a subcommand; did you mean 'doctor'?")
      const plural = yield* h.cli(["session"])
      expect(plural.stderr).toContain("did you mean 'sessions'?")
      expect(yield* h.posts).toEqual([])
      expect((yield* h.cli(["--", "doctr"])).stdout).toBe("ok\n")
      expect((yield* h.cli(["session", "notes", "please"])).stdout).toBe("ok\n")
    }).pipe(Effect.provide(NodeContext.layer)))
})
