/** tscodex: the command-line entry point (bundled into dist/tscodex.js). */
import * as Command from "@effect/cli/Command"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Effect } from "effect"
import * as DoctorCommand from "../cli/DoctorCommand.js"
import * as ExecCommand from "../cli/ExecCommand.js"
import * as ReplCommand from "../cli/repl/ReplCommand.js"
import * as ResponsesServerCommand from "../cli/ResponsesServerCommand.js"
import { cliInfo, exitCode, reportFailure, route, type Route } from "../cli/Main.js"
import * as ResumeCommand from "../cli/ResumeCommand.js"
import * as SessionsCommand from "../cli/SessionsCommand.js"

const argv = process.argv
type Run = Route<NodeContext.NodeContext>

const subcommands = new Map<string, Run>([
  ["sessions", Command.run(SessionsCommand.command, cliInfo)],
  ["resume", Command.run(ResumeCommand.make(argv), cliInfo)],
  ["doctor", Command.run(DoctorCommand.command, cliInfo)],
  ["responses-server", Command.run(ResponsesServerCommand.command, cliInfo)]
])

const oneShot: Run = Command.run(ExecCommand.make(argv), cliInfo)
// On a terminal, no prompt words start the interactive session; prompt words still run one turn.
const root: Run = process.stdin.isTTY === true ? Command.run(ReplCommand.make(argv, oneShot), cliInfo) : oneShot

route(argv, root, subcommands).pipe(
  reportFailure,
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain({ disableErrorReporting: true, teardown: (exit, onExit) => onExit(exitCode(exit)) })
)
