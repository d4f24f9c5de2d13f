/** RunnerCommand: `tscodex runner --cluster postgres://…` joins the cluster and runs the batch tasks of the shards it owns. */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Console, Effect, Layer } from "effect"
import * as NodeOs from "node:os"
import * as NodePath from "node:path"
import * as AgentStack from "../stack/AgentStack.js"
import { CliError } from "../cli/CliError.js"
import * as RootCommand from "../cli/RootCommand.js"
import * as BatchCommand from "./BatchCommand.js"
import * as ClusterBatch from "./ClusterBatch.js"
import * as TaskRunner from "./TaskRunner.js"
import * as TaskWorkflow from "./TaskWorkflow.js"
import * as TaskWorkspace from "./TaskWorkspace.js"

export const DEFAULT_PORT = 34431

const cluster = Options.text("cluster").pipe(Options.withDescription("PostgreSQL URL holding the cluster and batch state."))
const concurrency = Options.integer("concurrency").pipe(
  Options.withDescription("How many tasks this runner runs at once."),
  Options.withDefault(4)
)
const listen = Options.text("listen").pipe(
  Options.withDescription("host:port this runner listens on for other runners."),
  Options.withDefault(`0.0.0.0:${DEFAULT_PORT}`)
)
const advertise = Options.text("advertise").pipe(
  Options.withDescription("host:port other runners reach this one at (default: this machine's name and the listen port)."),
  Options.optional
)
const out = Options.directory("out").pipe(
  Options.withDescription("Folder for this runner's rollouts and worktrees."),
  Options.withDefault("tscodex-runner")
)
const lockExpiration = Options.integer("lock-expiration-seconds").pipe(
  Options.withDescription("A runner silent for this long is considered gone and its shards move (same value on every runner)."),
  Options.withDefault(35)
)
const dump = Options.boolean("dump").pipe(Options.withDescription("Write trajectory dumps next to the rollouts."))

/** `host:port` → parts, or a usage error. */
export const parseAddress = (text: string, option: string) => {
  const match = /^(.+):(\d{1,5})$/.exec(text.trim())
  const port = match === null ? NaN : Number(match[2])
  return match === null || port > 65535
    ? Effect.fail(new CliError({ message: `${option} must be host:port, got "${text}"`, code: 2 }))
    : Effect.succeed({ host: match[1]!.replace(/^\[(.*)\]$/, "$1"), port })
}

export const command = Command.make("runner", {
  cluster,
  concurrency,
  listen,
  advertise,
  out,
  lockExpiration,
  dump,
  overrides: BatchCommand.overrideOption,
  config: RootCommand.config,
  profile: RootCommand.profile,
  systemPrompt: RootCommand.systemPrompt,
  timeoutSeconds: RootCommand.timeoutSeconds
}, (args) =>
  Effect.gen(function* () {
    if (args.concurrency < 1) return yield* new CliError({ message: "--concurrency must be at least 1", code: 2 })
    const listenAt = yield* parseAddress(args.listen, "--listen")
    const advertiseAt = args.advertise._tag === "Some"
      ? yield* parseAddress(args.advertise.value, "--advertise")
      : { host: NodeOs.hostname(), port: listenAt.port }
    const overrides = yield* BatchCommand.parseOverrides(args.overrides)
    const root = NodePath.resolve(args.out)
    const workspaces = yield* TaskWorkspace.make({ base: root, root, cwd: root })
    const runner = yield* TaskRunner.make({
      root,
      stack: { ...RootCommand.stackSettings(args), timeoutSeconds: args.timeoutSeconds },
      overrides,
      dump: args.dump
    }, workspaces)
    const name = `${advertiseAt.host}:${advertiseAt.port}`
    yield* Console.error(`tscodex runner ${name}: ${args.concurrency} task(s) at once, rollouts in ${root}/rollouts`)
    yield* Layer.launch(ClusterBatch.runnerLayer({
      url: args.cluster,
      listen: listenAt,
      advertise: advertiseAt,
      workflows: TaskWorkflow.layer({ runner, concurrency: args.concurrency, name }),
      timing: { lockExpirationSeconds: args.lockExpiration }
    }))
  }).pipe(Effect.provide(AgentStack.platformLayer))
).pipe(Command.withDescription("Join a batch cluster as a runner and run the tasks of the shards it owns."))
