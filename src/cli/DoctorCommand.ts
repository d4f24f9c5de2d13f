/** DoctorCommand: `tscodex doctor` checks the configuration, the API key, sandboxing on this machine and the provider's reachability. */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import type * as CommandExecutor from "@effect/platform/CommandExecutor"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import { Console, Effect, Layer, Option } from "effect"
import type { Environment } from "../config/Environment.js"
import * as ResponsesModelClient from "../model/ResponsesModelClient.js"
import * as AgentStack from "../stack/AgentStack.js"
import { ExitWith } from "./CliError.js"
import * as Doctor from "./doctor/Doctor.js"
import * as Network from "./doctor/Network.js"
import * as Report from "./doctor/Report.js"

const config = Options.text("config").pipe(Options.withDescription("Path to Codex config.toml."), Options.optional)
const profile = Options.text("profile").pipe(Options.withDescription("Optional profile name from config.toml."), Options.optional)
const timeoutSeconds = Options.float("timeout-seconds").pipe(
  Options.withDescription("Timeout used for network and live model checks."),
  Options.withDefault(120)
)
const skipLive = Options.boolean("skip-live").pipe(
  Options.withDescription("Skip the live Responses API request and only run static/network checks.")
)
const json = Options.boolean("json").pipe(Options.withDescription("Print the full doctor report as JSON."))

/** The parsed command line of the doctor. */
export interface DoctorArgs {
  readonly options: Doctor.Options
  readonly json: boolean
}

/** Prints the report and ends with status 0 when every check passed, else 1. */
export const printReport = (report: Report.Report, asJson: boolean): Effect.Effect<void, ExitWith> =>
  Effect.gen(function* () {
    if (asJson) yield* Console.log(Report.formatJson(report))
    else for (const line of Report.formatText(report)) yield* Console.log(line)
    if (!report.ok) return yield* new ExitWith({ code: 1 })
  })

/** A value the parser accepts but the doctor cannot use: `tscodex doctor: error: <message>`, status 2. */
const usageError = (message: string) =>
  Console.error(`tscodex doctor: error: ${message}`).pipe(Effect.zipRight(Effect.fail(new ExitWith({ code: 2 }))))

/** Collects the report over the real network and prints it. */
export const runDoctor = (
  args: DoctorArgs
): Effect.Effect<void, ExitWith, Environment | FileSystem.FileSystem | HttpClient.HttpClient | Network.Network | CommandExecutor.CommandExecutor> =>
  Effect.flatMap(Doctor.collect(args.options), (report) => printReport(report, args.json))

/** The services `runDoctor` needs, from Node and the process environment. */
export const liveLayer = Layer.mergeAll(
  Network.layer,
  ResponsesModelClient.layerHttpClientEnvironment
).pipe(Layer.provideMerge(AgentStack.platformLayer))

/** The command, over any way of running the doctor (tests pass their own). */
export const make = <E, R>(run: (args: DoctorArgs) => Effect.Effect<void, E, R>) =>
  Command.make("doctor", { config, profile, timeoutSeconds, skipLive, json }, (parsed) =>
    Effect.gen(function* () {
      const seconds = parsed.timeoutSeconds
      if (!Number.isFinite(seconds) || seconds <= 0) {
        return yield* usageError(`argument --timeout-seconds: must be a positive number of seconds, got ${seconds}`)
      }
      return yield* run({
        options: {
          configPath: Option.getOrUndefined(parsed.config),
          profile: Option.getOrUndefined(parsed.profile),
          timeoutSeconds: seconds,
          skipLive: parsed.skipLive
        },
        json: parsed.json
      })
    })
  ).pipe(Command.withDescription("Diagnose tscodex config, auth, and provider connectivity."))

/** `tscodex doctor` as the program runs it. */
export const command = make((args) => runDoctor(args).pipe(Effect.provide(liveLayer)))
