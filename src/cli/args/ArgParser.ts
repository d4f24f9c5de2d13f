/** ArgParser: a table-driven GNU-style parser for the prompt-taking commands, whose table also feeds help and completions. */
import { Data, Either } from "effect"

/** One option: `--long`, maybe `-s`, with a value when `value` names it, else a switch. */
export interface OptionSpec {
  readonly long: string
  readonly short?: string
  /** The value's name in help (`MODEL`); absent for a switch. */
  readonly value?: string
  /** May be given many times; every value is kept. */
  readonly repeat?: boolean
  readonly choices?: ReadonlyArray<string>
  readonly help: string
  /** Accepted but left out of help and completions. */
  readonly hidden?: boolean
}

/** One positional argument (in help only: every word that is not an option is collected in order). */
export interface PositionalSpec {
  readonly name: string
  readonly help: string
}

export interface CommandSpec {
  /** The words that run it: `tscodex exec resume`. */
  readonly path: string
  readonly about: string
  readonly options: ReadonlyArray<OptionSpec>
  readonly positionals: ReadonlyArray<PositionalSpec>
  readonly subcommands?: ReadonlyArray<{ readonly name: string; readonly about: string }>
  /** Accept unique prefixes of long options (`--jso`), as Python's argparse does. */
  readonly prefixes?: boolean
}

/** What went wrong, for the command to word in its own style. */
export class ArgError extends Data.TaggedError("ArgError")<{
  readonly reason: "Unknown" | "MissingValue" | "BadChoice" | "UnexpectedValue" | "Ambiguous"
  /** The words or option at fault. */
  readonly words: ReadonlyArray<string>
  readonly value?: string
  readonly choices?: ReadonlyArray<string>
}> {
  override get message() {
    const word = this.words[0] ?? ""
    switch (this.reason) {
      case "Unknown":
        return `unrecognized arguments: ${this.words.join(" ")}`
      case "MissingValue":
        return `argument ${word}: expected one argument`
      case "BadChoice":
        return `argument ${word}: invalid choice: '${this.value}' (choose from ${(this.choices ?? []).map((c) => `'${c}'`).join(", ")})`
      case "UnexpectedValue":
        return `argument ${word}: ignored explicit argument '${this.value}'`
      case "Ambiguous":
        return `ambiguous option: ${word} could match ${(this.choices ?? []).join(", ")}`
    }
  }
}

export interface Parsed {
  /** Values per long name, in the order given (a switch holds no values but is present). */
  readonly values: ReadonlyMap<string, ReadonlyArray<string>>
  /** Every non-option word, in order (`-` included). */
  readonly positionals: ReadonlyArray<string>
  /** `-h` or `--help` was given. */
  readonly help: boolean
  /** `--` was given; the index in `positionals` of the first word after it. */
  readonly dashDashAt?: number
}

/** The last value of an option, if given. */
export const one = (parsed: Parsed, long: string): string | undefined => parsed.values.get(long)?.at(-1)
/** Every value of an option. */
export const all = (parsed: Parsed, long: string): ReadonlyArray<string> => parsed.values.get(long) ?? []
/** Whether a switch (or any option) was given. */
export const has = (parsed: Parsed, long: string): boolean => parsed.values.has(long)

const findLong = (spec: CommandSpec, name: string): Either.Either<OptionSpec | undefined, ArgError> => {
  const exact = spec.options.find((o) => o.long === name)
  if (exact !== undefined || spec.prefixes !== true || name === "") return Either.right(exact)
  const matches = spec.options.filter((o) => o.long.startsWith(name))
  if (matches.length > 1) {
    return Either.left(new ArgError({ reason: "Ambiguous", words: [`--${name}`], choices: matches.map((o) => `--${o.long}`) }))
  }
  return Either.right(matches[0])
}

/** Parses the words after the command name. Options and words may be interleaved; `--` ends options. */
export const parse = (spec: CommandSpec, words: ReadonlyArray<string>): Either.Either<Parsed, ArgError> => {
  const values = new Map<string, Array<string>>()
  const positionals: Array<string> = []
  const unknown: Array<string> = []
  let help = false
  let dashDashAt: number | undefined
  const put = (option: OptionSpec, value: string | undefined): ArgError | undefined => {
    if (value !== undefined && option.choices !== undefined && !option.choices.includes(value)) {
      return new ArgError({ reason: "BadChoice", words: [`--${option.long}`], value, choices: option.choices })
    }
    const list = option.repeat === true ? values.get(option.long) ?? [] : []
    if (value !== undefined) list.push(value)
    values.set(option.long, list)
    return undefined
  }
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!
    if (dashDashAt !== undefined || word === "-" || !word.startsWith("-") || /^-\d/.test(word)) {
      positionals.push(word)
      continue
    }
    if (word === "--") {
      dashDashAt = positionals.length
      continue
    }
    if (word === "-h" || word === "--help") {
      help = true
      continue
    }
    let option: OptionSpec | undefined
    let inline: string | undefined
    if (word.startsWith("--")) {
      const eq = word.indexOf("=")
      const name = eq === -1 ? word.slice(2) : word.slice(2, eq)
      inline = eq === -1 ? undefined : word.slice(eq + 1)
      const found = findLong(spec, name)
      if (Either.isLeft(found)) return Either.left(found.left)
      option = found.right
    } else {
      option = spec.options.find((o) => o.short === word[1])
      const rest = word.slice(2)
      inline = rest === "" ? undefined : rest.startsWith("=") ? rest.slice(1) : rest
      if (option !== undefined && option.value === undefined && inline !== undefined) option = undefined
    }
    if (option === undefined) {
      unknown.push(word)
      continue
    }
    if (option.value === undefined) {
      if (inline !== undefined) return Either.left(new ArgError({ reason: "UnexpectedValue", words: [`--${option.long}`], value: inline }))
      put(option, undefined)
      continue
    }
    let value = inline
    if (value === undefined) {
      const next = words[i + 1]
      if (next === undefined || (next.startsWith("-") && next !== "-" && !/^-\d/.test(next))) {
        return Either.left(new ArgError({ reason: "MissingValue", words: [word] }))
      }
      value = next
      i++
    }
    const problem = put(option, value)
    if (problem !== undefined) return Either.left(problem)
  }
  if (unknown.length > 0) return Either.left(new ArgError({ reason: "Unknown", words: unknown }))
  return Either.right({ values, positionals, help, ...(dashDashAt !== undefined ? { dashDashAt } : {}) })
}
