/** BatchCommand: `tscodex batch TASKS.jsonl --out DIR` and `tscodex batch status|collect --out DIR`. */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as FileSystem from "@effect/platform/FileSystem"
import type * as NodeContext from "@effect/platform-node/NodeContext"
import { Console, Effect, Either, Option } from "effect"
import * as NodePath from "node:path"
import * as AgentStack from "../stack/AgentStack.js"
import * as ConfigOverrides from "../config/ConfigOverrides.js"
import { CliError, ExitWith } from "../cli/CliError.js"
import { cliInfo, route, type Route } from "../cli/Main.js"
import * as RootCommand from "../cli/RootCommand.js"
import * as BatchStore from "./BatchStore.js"
import * as ClusterBatch from "./ClusterBatch.js"
import * as LocalBatch from "./LocalBatch.js"
import * as ResultsFile from "./ResultsFile.js"

const tasks = Args.file({ name: "TASKS.jsonl", exists: "yes" }).pipe(
  Args.withDescription("One task per line: {\"id\", \"prompt\", \"cwd\" | \"repo\" + \"ref\", \"config\", \"timeout_seconds\"}.")
)
const out = Options.directory("out").pipe(Options.withDescription("Folder for results.jsonl, rollouts/ and the batch state."))
const concurrency = Options.integer("concurrency").pipe(
  Options.withDescription("How many tasks run at once."),
  Options.withDefault(4)
)
const cluster = Options.text("cluster").pipe(
  Options.withDescription("Keep the state in this PostgreSQL database and let `tscodex runner` processes run the tasks."),
  Options.optional
)
const lockExpiration = Options.integer("lock-expiration-seconds").pipe(
  Options.withDescription("With --cluster: the runners' lock expiry (same value as theirs)."),
  Options.withDefault(35)
)
/** `-c key=value`, repeatable: config keys for every task (a task's own `config` wins). */
export const overrideOption = Options.text("c").pipe(
  Options.withDescription("Set a config key for every task, as `-c key=value` (value read as TOML); repeatable."),
  Options.repeated
)

/** The `-c` words as the overrides record, or a usage error. */
export const parseOverrides = (words: ReadonlyArray<string>) =>
  Effect.forEach(words, (word) =>
    Either.match(ConfigOverrides.parseOverride(word), {
      onLeft: (message) => Effect.fail(new CliError({ message, code: 2 })),
      onRight: Effect.succeed
    })).pipe(Effect.map(ConfigOverrides.toRecord))

const dump = Options.boolean("dump").pipe(
  Options.withDescription("Write trajectory dumps of compatibility-server sessions next to the rollouts.")
)

/** `N tasks: A completed, B failed, C not finished`. */
export const formatSummary = (counts: BatchStore.Counts): string => {
  const unfinished = counts.total - counts.done
  return `${counts.total} tasks: ${counts.done - counts.failed} completed, ${counts.failed} failed` +
    (unfinished > 0 ? `, ${unfinished} not finished` : "")
}

const runCommand = Command.make("batch", {
  tasks,
  out,
  concurrency,
  cluster,
  lockExpiration,
  dump,
  overrides: overrideOption,
  config: RootCommand.config,
  profile: RootCommand.profile,
  systemPrompt: RootCommand.systemPrompt,
  timeoutSeconds: RootCommand.timeoutSeconds,
  vllmEndpoint: RootCommand.vllmEndpoint,
  useChatCompletion: RootCommand.useChatCompletion,
  useMessages: RootCommand.useMessages
}, (args) =>
  Effect.gen(function* () {
    if (args.concurrency < 1) return yield* new CliError({ message: "--concurrency must be at least 1", code: 2 })
    const overrides = yield* parseOverrides(args.overrides)
    const tty = process.stderr.isTTY === true
    const write = (text: string) => Effect.sync(() => void process.stderr.write(text))
    const counts = yield* Option.match(args.cluster, {
      onNone: () =>
        LocalBatch.run({
          tasksPath: args.tasks,
          out: args.out,
          concurrency: args.concurrency,
          settings: { stack: { ...RootCommand.stackSettings(args), timeoutSeconds: args.timeoutSeconds }, overrides, dump: args.dump },
          tty,
          write
        }),
      onSome: (url) =>
        ClusterBatch.submitAndCollect({
          url,
          tasksPath: args.tasks,
          out: args.out,
          tty,
          write,
          overrides,
          timing: { lockExpirationSeconds: args.lockExpiration }
        })
    })
    yield* Console.log(`${formatSummary(counts)}; results in ${NodePath.join(args.out, "results.jsonl")}`)
    if (counts.failed > 0) return yield* new ExitWith({ code: 1 })
  }).pipe(Effect.provide(AgentStack.platformLayer))
).pipe(Command.withDescription("Run every task of a JSONL file as an agent turn; state is kept in DIR so a rerun continues."))

/** Opens the state of an existing batch folder (in PostgreSQL with `--cluster`). */
const withStore = <A, E, R>(
  dir: string,
  url: Option.Option<string>,
  f: (store: BatchStore.BatchStore) => Effect.Effect<A, E, R>
) =>
  Effect.gen(function* () {
    if (Option.isSome(url)) return yield* ClusterBatch.withStore(url.value, dir, f)
    const fs = yield* FileSystem.FileSystem
    if (!(yield* fs.exists(NodePath.join(dir, "batch.db")))) {
      return yield* new CliError({ message: `no batch in ${dir} (batch.db is missing)` })
    }
    return yield* Effect.flatMap(BatchStore.make(LocalBatch.LOCAL_BATCH), f).pipe(Effect.provide(LocalBatch.databaseLayer(dir)))
  })

const statusCommand = Command.make("status", { out, cluster }, (args) =>
  withStore(args.out, args.cluster, (store) =>
    Effect.gen(function* () {
      const counts = yield* store.counts
      yield* Console.log(formatSummary(counts))
      yield* Console.log(`pending ${counts.pending}, running ${counts.running}, done ${counts.done}`)
    })).pipe(Effect.provide(AgentStack.platformLayer))
).pipe(Command.withDescription("Show how far a batch got."))

const collectCommand = Command.make("collect", { out, cluster }, (args) =>
  withStore(args.out, args.cluster, (store) =>
    Effect.gen(function* () {
      const results = yield* ResultsFile.open(NodePath.join(args.out, "results.jsonl"))
      const added = yield* LocalBatch.catchUp(store, results)
      yield* Console.log(`${added} result line(s) added to ${results.path}`)
    })).pipe(Effect.provide(AgentStack.platformLayer))
).pipe(Command.withDescription("Write every stored result that results.jsonl lacks."))

type Run = Route<NodeContext.NodeContext>

const subcommands = new Map<string, Run>([
  ["status", Command.run(statusCommand, cliInfo)],
  ["collect", Command.run(collectCommand, cliInfo)]
])

/** Entry point: argv is `[node, bin, ...]` after `batch`. */
export const main = (argv: ReadonlyArray<string>) => route(argv, Command.run(runCommand, cliInfo), subcommands)
