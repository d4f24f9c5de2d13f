/** Commands: what a submitted line of the interactive session asks for. */
import { Data } from "effect"

export type Command = Data.TaggedEnum<{
  Exit: {}
  History: {}
  Title: {}
  SetTitle: { readonly text: string }
  Help: {}
  /** A `/word` that names no command: an error, never a prompt. */
  Unknown: { readonly name: string }
  ListSessions: {}
  Resume: { readonly arg: string }
  Compact: {}
  Queue: { readonly text: string }
  ShowModels: {}
  SetModel: { readonly name: string }
  /** Anything else goes to the model (steering a running turn). */
  Say: { readonly text: string }
}>
export const Command = Data.taggedEnum<Command>()

const withArgument = (line: string, name: string): string | undefined =>
  line.startsWith(`${name} `) ? line.slice(name.length + 1).trim() : undefined

/** Reads a stripped, non-empty line. Matching is exact and case-sensitive. */
export const parseCommand = (line: string): Command => {
  switch (line) {
    case "/exit":
    case "/quit":
      return Command.Exit()
    case "/history":
      return Command.History()
    case "/title":
      return Command.Title()
    case "/resume":
      return Command.ListSessions()
    case "/compact":
      return Command.Compact()
    case "/model":
      return Command.ShowModels()
    case "/help":
      return Command.Help()
  }
  const title = withArgument(line, "/title")
  if (title !== undefined && title !== "") return Command.SetTitle({ text: title })
  const resume = withArgument(line, "/resume")
  if (resume !== undefined) return Command.Resume({ arg: resume })
  const queued = withArgument(line, "/queue")
  if (queued !== undefined) return Command.Queue({ text: queued })
  const model = withArgument(line, "/model")
  if (model !== undefined) return Command.SetModel({ name: model })
  const first = line.split(/\s/, 1)[0]!
  if (/^\/[A-Za-z][\w-]*$/.test(first) && !COMMAND_NAMES.includes(first)) return Command.Unknown({ name: first })
  return Command.Say({ text: line })
}

/** Every command, as `/help` lists them. */
export const COMMANDS: ReadonlyArray<readonly [string, string]> = [
  ["/help", "list the commands"],
  ["/history", "show the turns of this session"],
  ["/title [text]", "show the session title, or set it"],
  ["/model [name]", "list the models, or switch to one"],
  ["/resume [n]", "list recorded sessions, or continue one"],
  ["/compact", "summarize the conversation to free context"],
  ["/queue <text>", "run text after the current work"],
  ["/exit, /quit", "end the session"]
]

const COMMAND_NAMES = ["/help", "/history", "/title", "/model", "/resume", "/compact", "/queue", "/exit", "/quit"]

export const BANNER = [
  "tscodex interactive mode. Type /exit to quit.",
  "Extra commands: /history, /title, /model, /resume, /compact"
] as const

export const BUSY_RESUME = "Cannot resume while work is running or queued."
export const BUSY_COMPACT = "Cannot compact while work is running or queued."
/** Shown when Ctrl-C or Esc stopped a `/compact` before its summary came back. */
export const COMPACT_INTERRUPTED = "■ Compaction interrupted - the conversation was not compacted."
export const BUSY_MODEL = "Cannot change model while work is running or queued in steer mode."
