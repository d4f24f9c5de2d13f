/** SafeCommands: the known-safe read-only commands that `untrusted` runs without asking (Codex's list and rules). */
import * as NodePath from "node:path"

/** Programs that only read, whatever their arguments. */
const ALWAYS_SAFE = new Set([
  "cat", "cd", "cut", "echo", "expr", "false", "grep", "head", "id", "ls", "nl", "paste", "pwd", "rev", "seq",
  "stat", "tail", "tr", "true", "uname", "uniq", "wc", "which", "whoami"
])
/** Safe on Linux only (they are not there, or differ, elsewhere). */
const LINUX_SAFE = new Set(["numfmt", "tac"])

const FIND_UNSAFE = new Set(["-exec", "-execdir", "-ok", "-okdir", "-delete", "-fls", "-fprint", "-fprint0", "-fprintf"])
const RG_UNSAFE_WITH_VALUE = ["--pre", "--hostname-bin"]
const RG_UNSAFE = new Set(["--search-zip", "-z"])

const isSedPrint = (arg: string | undefined): boolean => arg !== undefined && /^(\d+,)?\d+p$/.test(arg)

/** Whether one plain command (program and arguments) is known to only read. */
export const isSafeWords = (words: ReadonlyArray<string>): boolean => {
  const [first, ...args] = words
  if (first === undefined) return false
  const program = NodePath.basename(first)
  if (ALWAYS_SAFE.has(program)) return true
  if (LINUX_SAFE.has(program)) return process.platform === "linux"
  switch (program) {
    case "base64":
      return !args.some((arg) => arg === "-o" || arg === "--output" || arg.startsWith("--output=") || (arg.startsWith("-o") && arg !== "-o"))
    case "find":
      return !args.some((arg) => FIND_UNSAFE.has(arg))
    case "rg":
      return !args.some((arg) =>
        RG_UNSAFE.has(arg) || RG_UNSAFE_WITH_VALUE.some((option) => arg === option || arg.startsWith(`${option}=`))
      )
    case "sed":
      return words.length <= 4 && args[0] === "-n" && isSedPrint(args[1])
    default:
      return false
  }
}

/** Shell operators allowed between plain commands: they add no effect of their own. */
const OPERATORS = new Set(["&&", "||", ";", "|"])

/**
 * Splits a shell script into plain commands joined by `&&`, `||`, `;` or `|`. Only bare words and
 * quoted strings without expansions are accepted; anything else (redirections, subshells,
 * variables, command substitution, globs, background jobs) gives undefined.
 */
export const plainCommands = (script: string): ReadonlyArray<ReadonlyArray<string>> | undefined => {
  const commands: Array<Array<string>> = [[]]
  let word: string | undefined
  let i = 0
  const finishWord = () => {
    if (word !== undefined) commands[commands.length - 1]!.push(word)
    word = undefined
  }
  while (i < script.length) {
    const char = script[i]!
    if (char === " " || char === "\t") {
      finishWord()
      i++
    } else if (char === "'") {
      const end = script.indexOf("'", i + 1)
      if (end === -1) return undefined
      word = (word ?? "") + script.slice(i + 1, end)
      i = end + 1
    } else if (char === "\"") {
      const end = script.indexOf("\"", i + 1)
      if (end === -1) return undefined
      const inner = script.slice(i + 1, end)
      if (/[$`\\!]/.test(inner)) return undefined
      word = (word ?? "") + inner
      i = end + 1
    } else if (char === "&" || char === "|" || char === ";") {
      finishWord()
      const two = script.slice(i, i + 2)
      const op = two === "&&" || two === "||" ? two : char
      if (!OPERATORS.has(op)) return undefined
      if (commands[commands.length - 1]!.length === 0) return undefined
      commands.push([])
      i += op.length
    } else if (/[A-Za-z0-9_\-.,/:=+@%^]/.test(char)) {
      word = (word ?? "") + char
      i++
    } else {
      return undefined
    }
  }
  finishWord()
  if (commands[commands.length - 1]!.length === 0) return undefined
  return commands
}

/** Shells whose `-c`/`-lc` script is looked into. */
const SHELLS = new Set(["bash", "sh", "zsh", "dash"])

/**
 * Whether the argv is known to only read: a safe command run directly, or a shell `-c`/`-lc`
 * script made only of safe plain commands.
 */
export const isKnownSafe = (argv: ReadonlyArray<string>): boolean => {
  if (isSafeWords(argv)) return true
  const [shell, flag, script, ...rest] = argv
  if (shell === undefined || !SHELLS.has(NodePath.basename(shell)) || rest.length > 0) return false
  if (flag !== "-c" && flag !== "-lc" || script === undefined) return false
  const commands = plainCommands(script)
  return commands !== undefined && commands.length > 0 && commands.every(isSafeWords)
}
