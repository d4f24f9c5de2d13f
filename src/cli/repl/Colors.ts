/** Colors: the ANSI styles of the interactive view and which kind of line gets which. */

export type ColorKind = "assistant" | "plan" | "exec" | "agent" | "web" | "status" | "tool" | "error"

const CODES: Readonly<Record<ColorKind, string>> = {
  assistant: "\x1b[32m",
  plan: "\x1b[36m",
  exec: "\x1b[33m",
  agent: "\x1b[34m",
  web: "\x1b[35m",
  status: "\x1b[36m",
  tool: "\x1b[2m",
  error: "\x1b[31m"
}

/** Bold plus the kind's color around `text`; the text unchanged when colors are off. */
export const colorize = (text: string, kind: ColorKind, enabled: boolean): string =>
  enabled ? `\x1b[1m${CODES[kind]}${text}\x1b[0m` : text

/** The color of a tool line, from its `[prefix]`. */
export const toolLineKind = (line: string): ColorKind => {
  if (line.startsWith("[plan]")) return "plan"
  if (line.startsWith("[exec]")) return "exec"
  if (line.startsWith("[agent]")) return "agent"
  if (line.startsWith("[web]")) return "web"
  if (line.startsWith("[error]")) return "error"
  return "tool"
}

/** Colors are on unless a `NO_COLOR` setting is truthy, and only on a terminal. */
export const colorsEnabled = (noColorSetting: boolean, stdoutIsTTY: boolean): boolean => !noColorSetting && stdoutIsTTY
