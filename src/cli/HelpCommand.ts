/** HelpCommand: `tscodex --help` with every subcommand, `tscodex help [subcommand]`, `tscodex completion <shell>`, and plain help text in pipes. */
import { Console, Effect } from "effect"
import * as CommandSpecs from "./args/CommandSpecs.js"
import * as Completions from "./args/Completions.js"
import * as Help from "./args/Help.js"
import * as Subcommands from "./args/Subcommands.js"
import { UsageError } from "./CliError.js"
import type { Route } from "./Main.js"

const ANSI = /\x1b\[[0-9;]*m/g

/** The root command's help, listing every subcommand with one line. */
export const rootHelp = (color: boolean): string =>
  Help.formatHelp(
    {
      ...CommandSpecs.root,
      subcommands: Subcommands.SUBCOMMANDS.map((s) => ({
        name: s.name,
        about: s.aliases === undefined ? s.about : `${s.about} [aliases: ${s.aliases.join(", ")}]`
      }))
    },
    { color }
  )

/** Runs `route` with `Console.log` text passed through `f`. */
const mapLog = <E, R>(effect: Effect.Effect<void, E, R>, f: (text: string) => void | string) =>
  Console.consoleWith((console) =>
    Effect.withConsole(effect, {
      ...console,
      log: (...args: ReadonlyArray<unknown>) => {
        const text = f(args.map(String).join(" "))
        return text === undefined ? Effect.void : console.log(text)
      }
    }))

/** A subcommand whose help carries no colour codes unless stdout is a terminal. */
export const plainHelp = <R>(route: Route<R>, isTTY: boolean): Route<R> => (argv) =>
  isTTY || !argv.slice(2).some((word) => word === "--help" || word === "-h")
    ? route(argv)
    : mapLog(route(argv), (text) => text.replace(ANSI, ""))

/** `tscodex help [subcommand…]`: the root help, or the subcommand run with `--help`. */
export const helpRoute = <R>(routes: ReadonlyMap<string, Route<R>>, isTTY: boolean): Route<R> => (argv) => {
  const [node = "node", bin = "tscodex", sub, ...rest] = argv
  if (sub === undefined) return Console.log(rootHelp(isTTY).trimEnd())
  const route = routes.get(sub)
  if (route === undefined || sub === "help") {
    return Effect.fail(new UsageError({ message: `unknown subcommand '${sub}' (see tscodex --help)` }))
  }
  return route([node, bin, ...rest.filter((w) => !w.startsWith("-")), "--help"])
}

/** The long and short flags a help text mentions (for the @effect/cli subcommands). */
export const flagsIn = (help: string): ReadonlyArray<string> => {
  const found = new Set<string>()
  for (const match of help.replace(ANSI, "").matchAll(/(?:^|[\s(\[,])(--?[A-Za-z][A-Za-z0-9-]*)/g)) found.add(match[1]!)
  return [...found].filter((flag) => flag !== "--completions" && flag !== "--wizard" && flag !== "--log-level")
}

/** `tscodex completion [bash|zsh|fish]` (bash when not given). */
export const completionRoute = <R>(routes: ReadonlyMap<string, Route<R>>): Route<R> => (argv) =>
  Effect.gen(function* () {
    const shell = argv[2] ?? "bash"
    if (!(Completions.SHELLS as ReadonlyArray<string>).includes(shell)) {
      return yield* new UsageError({ message: `unknown shell '${shell}' (choose from bash, zsh, fish)` })
    }
    const specFlags = (spec: typeof CommandSpecs.root) =>
      [...spec.options.flatMap((o) => [`--${o.long}`, ...(o.short !== undefined ? [`-${o.short}`] : [])]), "--help", "-h"]
    const commands: Array<Completions.CompletionCommand> = [
      { path: "", flags: specFlags(CommandSpecs.root) },
      { path: "exec", flags: specFlags(CommandSpecs.exec) },
      { path: "e", flags: specFlags(CommandSpecs.exec) },
      { path: "exec resume", flags: specFlags(CommandSpecs.execResume) },
      { path: "resume", flags: specFlags(CommandSpecs.resume) }
    ]
    const table = new Set(["exec", "e", "resume", "help", "completion"])
    for (const [name, route] of routes) {
      if (table.has(name)) continue
      let text = ""
      yield* mapLog(route(["node", "tscodex", "--help"]), (line) => void (text += line + "\n")).pipe(Effect.ignore)
      commands.push({ path: name, flags: flagsIn(text) })
    }
    yield* Console.log(Completions.script(shell as Completions.Shell, commands, Subcommands.names()).trimEnd())
  })
