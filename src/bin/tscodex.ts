/** tscodex: the command-line entry point (bundled into dist/tscodex.js). */
import * as Command from "@effect/cli/Command"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Effect } from "effect"
import * as ExecCommand from "../cli/ExecCommand.js"
import { cliInfo, exitCode, reportFailure, route, type Route } from "../cli/Main.js"

const argv = process.argv
const root: Route<NodeContext.NodeContext> = Command.run(ExecCommand.make(argv), cliInfo)
const subcommands = new Map<string, Route<NodeContext.NodeContext>>()

route(argv, root, subcommands).pipe(
  reportFailure,
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain({ disableErrorReporting: true, teardown: (exit, onExit) => onExit(exitCode(exit)) })
)
