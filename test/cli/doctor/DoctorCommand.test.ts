/** Tests of DoctorCommand: tscodex doctor command. */
import * as Command from "@effect/cli/Command"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { ExitWith } from "../../../src/cli/CliError.js"
import * as DoctorCommand from "../../../src/cli/DoctorCommand.js"
import { cliInfo, exitCode, reportFailure, route, type Route } from "../../../src/cli/Main.js"
import { runCli } from "../../support/Cli.js"
import * as FakeResponsesServer from "../../support/FakeResponsesServer.js"
import { CHECK_NAMES } from "./support.js"

/** Routes argv like the program does, with a doctor that records its arguments and ends with status 7. */
const routeWithStub = (argv: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const seen: Array<DoctorCommand.DoctorArgs> = []
    const rootCalls: Array<ReadonlyArray<string>> = []
    const doctor = DoctorCommand.make((args) => {
      seen.push(args)
      return Effect.fail(new ExitWith({ code: 7 }))
    })
    const root: Route<NodeContext.NodeContext> = (args) => Effect.sync(() => void rootCalls.push(args))
    const subcommands = new Map<string, Route<NodeContext.NodeContext>>([["doctor", Command.run(doctor, cliInfo)]])
    const exit = yield* route(argv, root, subcommands).pipe(reportFailure, Effect.exit)
    return { seen, rootCalls, code: exitCode(exit) }
  }).pipe(Effect.provide(NodeContext.layer))

describe("tscodex doctor command", () => {
  it.effect("`doctor --skip-live` reaches the doctor with skip-live set and ends with the doctor's status", () =>
    Effect.gen(function* () {
      const { seen, rootCalls, code } = yield* routeWithStub(["node", "tscodex", "doctor", "--skip-live"])
      expect(code).toBe(7)
      expect(rootCalls).toEqual([])
      expect(seen).toEqual([{ options: { configPath: undefined, profile: undefined, timeoutSeconds: 120, skipLive: true }, json: false }])
    }))

  it.effect("passes every flag through", () =>
    Effect.gen(function* () {
      const { seen } = yield* routeWithStub([
        "node", "tscodex", "doctor", "--config", "/x/config.toml", "--profile", "work", "--timeout-seconds", "2.5", "--json"
      ])
      expect(seen).toEqual([{ options: { configPath: "/x/config.toml", profile: "work", timeoutSeconds: 2.5, skipLive: false }, json: true }])
    }))

  it.effect("only the first argument routes: `--json doctor` is the main command", () =>
    Effect.gen(function* () {
      const { seen, rootCalls, code } = yield* routeWithStub(["node", "tscodex", "--json", "doctor"])
      expect(code).toBe(0)
      expect(seen).toEqual([])
      expect(rootCalls).toEqual([["node", "tscodex", "--json", "doctor"]])
    }))

  it.effect("an unusable timeout is a usage error with status 2", () =>
    Effect.gen(function* () {
      for (const value of ["0", "-1"]) {
        const { seen, code } = yield* routeWithStub(["node", "tscodex", "doctor", "--timeout-seconds", value])
        expect(code).toBe(2)
        expect(seen).toEqual([])
      }
    }))

  it.scopedLive("end to end: a healthy setup prints the JSON report and exits 0", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const server = yield* FakeResponsesServer.make([{ type: "message", text: "OK" }])
      const home = yield* fs.realPath(yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-doctor-cli-" }))
      yield* fs.writeFileString(
        `${home}/config.toml`,
        `model = "demo-model"\nmodel_provider = "neo"\n[model_providers.neo]\nbase_url = "${server.url}"\nenv_key = "DOCTOR_KEY"\n`
      )
      const run = yield* runCli(["doctor", "--json", "--timeout-seconds", "5"], { env: { CODEX_HOME: home, DOCTOR_KEY: "k" } })
      expect(run.stderr).toBe("")
      expect(run.exitCode).toBe(0)
      const report = JSON.parse(run.stdout)
      expect(report).toMatchObject({ ok: true, config_path: `${home}/config.toml`, provider_name: "neo", api_key_loaded: true, live_output_text: "OK" })
      expect(report.checks.map((c: { name: string }) => c.name)).toEqual([...CHECK_NAMES])
      expect(run.stdout.startsWith('{\n  "ok": true,\n  "config_path"')).toBe(true)
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("end to end: a missing config prints the text report and exits 1; bad flags exit 2", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const home = yield* fs.realPath(yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-doctor-cli-" }))
      const run = yield* runCli(["doctor", "--skip-live", "--config", `${home}/config.toml`])
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toBe(
        [
          `config: ${home}/config.toml`,
          `dotenv: ${home}/.env`,
          `config: fail - missing: ${home}/config.toml`,
          `dotenv: ok - missing (optional): ${home}/.env`,
          "overall: fail",
          ""
        ].join("\n")
      )
      const negative = yield* runCli(["doctor", "--timeout-seconds", "-1"])
      expect(negative.exitCode).toBe(2)
      expect(negative.stderr).toContain("tscodex doctor: error: argument --timeout-seconds")
      expect(negative.stdout).toBe("")
      const unknown = yield* runCli(["doctor", "--bogus"])
      expect(unknown.exitCode).toBe(2)
    }).pipe(Effect.provide(NodeContext.layer)))
})
