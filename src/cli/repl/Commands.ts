/** Commands: what a submitted line of the interactive session asks for. */
import { Data } from "effect"

export type Command = Data.TaggedEnum<{
  Exit: {}
  History: {}
  Title: {}
  ListSessions: {}
  Resume: { readonly arg: string }
  Compact: {}
  Queue: { readonly text: string }
  ShowModels: {}
  SetModel: { readonly name: string }
  /** Anything else, unknown `/words` included, goes to the model (steering a running turn). */
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
  }
  const resume = withArgument(line, "/resume")
  if (resume !== undefined) return Command.Resume({ arg: resume })
  const queued = withArgument(line, "/queue")
  if (queued !== undefined) return Command.Queue({ text: queued })
  const model = withArgument(line, "/model")
  if (model !== undefined) return Command.SetModel({ name: model })
  return Command.Say({ text: line })
}

export const BANNER = [
  "tscodex interactive mode. Type /exit to quit.",
  "Extra commands: /history, /title, /model, /resume, /compact"
] as const

export const BUSY_RESUME = "Cannot resume while work is running or queued."
export const BUSY_COMPACT = "Cannot compact while work is running or queued."
export const BUSY_MODEL = "Cannot change model while work is running or queued in steer mode."
