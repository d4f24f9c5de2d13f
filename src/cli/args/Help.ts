/** Help: the `--help` text and usage lines of a command table, laid out as Codex's command line does. */
import type { CommandSpec, OptionSpec } from "./ArgParser.js"

const WIDTH = 100

/** Bold headings only when asked (a terminal without NO_COLOR). */
export interface HelpStyle {
  readonly color: boolean
}

const bold = (text: string, style: HelpStyle) => (style.color ? `\x1b[1m${text}\x1b[0m` : text)

/** Words wrapped to `width`, every line after the first indented by `indent`. */
const wrap = (text: string, indent: number, width = WIDTH): string => {
  const lines: Array<string> = []
  let line = ""
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    if (line !== "" && indent + line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else {
      line = line === "" ? word : `${line} ${word}`
    }
  }
  lines.push(line)
  return lines.join("\n" + " ".repeat(indent))
}

/** `-m, --model <MODEL>` or `    --json`. */
export const optionLabel = (option: OptionSpec): string => {
  const head = option.short !== undefined ? `-${option.short}, --${option.long}` : `    --${option.long}`
  return option.value === undefined ? head : `${head} <${option.value}>`
}

const table = (rows: ReadonlyArray<readonly [string, string]>): ReadonlyArray<string> => {
  const column = Math.min(Math.max(...rows.map(([label]) => label.length)), 40) + 4
  return rows.map(([label, text]) => {
    const pad = label.length + 2 >= column ? `\n${" ".repeat(column)}` : " ".repeat(column - label.length - 2)
    return `  ${label}${pad}${wrap(text, column)}`
  })
}

const optionHelp = (option: OptionSpec): string =>
  option.choices === undefined ? option.help : `${option.help} [possible values: ${option.choices.join(", ")}]`

/** `Usage: tscodex exec [OPTIONS] [PROMPT]` (plus the subcommand form when there are subcommands). */
export const usageLines = (spec: CommandSpec): ReadonlyArray<string> => {
  const args = spec.positionals.map((p) => `[${p.name}]`).join(" ")
  const first = `${spec.path} [OPTIONS]${args === "" ? "" : ` ${args}`}`
  return spec.subcommands === undefined || spec.subcommands.length === 0 ? [first] : [first, `${spec.path} [OPTIONS] <COMMAND> [ARGS]`]
}

/** The whole `--help` text. */
export const formatHelp = (spec: CommandSpec, style: HelpStyle): string => {
  const [first, ...rest] = usageLines(spec)
  const out: Array<string> = [spec.about, "", `${bold("Usage:", style)} ${first}`, ...rest.map((line) => `       ${line}`)]
  if (spec.subcommands !== undefined && spec.subcommands.length > 0) {
    out.push("", bold("Commands:", style), ...table(spec.subcommands.map((s) => [s.name, s.about] as const)))
  }
  if (spec.positionals.length > 0) {
    out.push("", bold("Arguments:", style), ...table(spec.positionals.map((p) => [`[${p.name}]`, p.help] as const)))
  }
  const options = spec.options.filter((o) => o.hidden !== true)
  out.push(
    "",
    bold("Options:", style),
    ...table([...options.map((o) => [optionLabel(o), optionHelp(o)] as const), ["-h, --help", "Print help"]])
  )
  return out.join("\n") + "\n"
}

/** argparse's one-line usage: `usage: tscodex [-h] [--config CONFIG] ... <prompt>...`. */
export const argparseUsage = (spec: CommandSpec): string => {
  const options = spec.options
    .filter((o) => o.hidden !== true)
    .map((o) => (o.value === undefined ? `[--${o.long}]` : `[--${o.long} ${o.value}]`))
  return `usage: ${spec.path} [-h] ${options.join(" ")} <prompt>...`
}

/** clap's usage error: `error: <message>`, the usage and where to find more. */
export const clapError = (spec: CommandSpec, message: string): string =>
  `error: ${message}\n\nUsage: ${usageLines(spec)[0]}\n\nFor more information, try '--help'.`
