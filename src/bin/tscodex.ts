/** tscodex: the command-line entry point (bundled into dist/; subcommands load their code on demand). */
import * as Command from "@effect/cli/Command"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Effect } from "effect"
import * as CliLogger from "../cli/CliLogger.js"
import * as ExecCommand from "../cli/ExecCommand.js"
import * as HelpCommand from "../cli/HelpCommand.js"
import { cliInfo, exitCode, reportFailure, route, type Route } from "../cli/Main.js"

const argv = process.argv
type Run = Route<NodeContext.NodeContext>

/** A command whose code is imported only when it runs, so a one-shot turn does not load it. */
const lazy = (load: () => Promise<Run>): Run => (args) => Effect.flatMap(Effect.promise(load), (run) => run(args))

const exec: Run = lazy(async () => (await import("../cli/exec/ExecSubcommand.js")).run)
const subcommands = new Map<string, Run>([
  ["exec", exec],
  ["e", exec],
  ["sessions", lazy(async () => Command.run((await import("../cli/SessionsCommand.js")).command, cliInfo))],
  // On a terminal, `resume` without prompt words opens the interactive session on that conversation.
  ["resume", lazy(async () => {
    const oneShot: Run = (await import("../cli/ResumeCommand.js")).run
    return process.stdin.isTTY === true ? (await import("../cli/repl/ReplCommand.js")).resume(oneShot) : oneShot
  })],
  ["doctor", lazy(async () => Command.run((await import("../cli/DoctorCommand.js")).command, cliInfo))],
  ["responses-server", lazy(async () => Command.run((await import("../cli/ResponsesServerCommand.js")).command, cliInfo))],
  ["storage-server", lazy(async () => Command.run((await import("../cli/StorageServerCommand.js")).command, cliInfo))],
  ["batch", lazy(async () => (await import("../batch/BatchCommand.js")).main)],
  ["runner", lazy(async () => Command.run((await import("../batch/RunnerCommand.js")).command, cliInfo))]
])

const isTTY = process.stdout.isTTY === true
for (const [name, run] of subcommands) subcommands.set(name, HelpCommand.plainHelp(run, isTTY))
subcommands.set("help", HelpCommand.helpRoute(subcommands, isTTY))
subcommands.set("completion", HelpCommand.completionRoute(subcommands))

const rootHelp = () => Effect.sync(() => HelpCommand.rootHelp(isTTY))
const oneShot: Run = ExecCommand.make(rootHelp)
// On a terminal, no prompt words start the interactive session; prompt words still run one turn.
const root: Run = process.stdin.isTTY === true
  ? lazy(async () => (await import("../cli/repl/ReplCommand.js")).make(oneShot, rootHelp))
  : oneShot

route(argv, root, subcommands).pipe(
  reportFailure,
  Effect.provide(CliLogger.layer),
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain({ disableErrorReporting: true, disablePrettyLogger: true, teardown: (exit, onExit) => onExit(exitCode(exit)) })
)
