/** Dotenv: the `.env` file beside config.toml, parsed and copied into the Environment once per home. */
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, GlobalValue, Option } from "effect"
import * as NodePath from "node:path"
import { ConfigError } from "./CodexConfig.js"
import { Environment } from "./Environment.js"

/** What loading one `.env` did. */
export interface DotenvResult {
  /** The file looked at. */
  readonly path: string
  /** Whether it existed as a regular file. */
  readonly found: boolean
  /** Variables set from the file. */
  readonly applied: ReadonlyArray<string>
  /** Variables in the file that were already set (the environment wins). */
  readonly kept: ReadonlyArray<string>
  /** `CODEX_*` variables, never taken from the file. */
  readonly ignored: ReadonlyArray<string>
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\",
  "'": "'",
  "\"": "\"",
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v"
}

const HEX_ESCAPES: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 }

/** Interprets backslash escapes of a double-quoted value; other characters (any script) are kept as they are. */
export const decodeEscapes = (text: string): string => {
  let out = ""
  let i = 0
  while (i < text.length) {
    const char = text[i]!
    if (char !== "\\" || i + 1 >= text.length) {
      out += char
      i += 1
      continue
    }
    const next = text[i + 1]!
    const simple = SIMPLE_ESCAPES[next]
    if (simple !== undefined) {
      out += simple
      i += 2
      continue
    }
    if (next === "\n") {
      i += 2
      continue
    }
    const width = HEX_ESCAPES[next]
    if (width !== undefined) {
      const digits = text.slice(i + 2, i + 2 + width)
      const code = /^[0-9a-fA-F]+$/.test(digits) && digits.length === width ? Number.parseInt(digits, 16) : Number.NaN
      if (!Number.isNaN(code) && code <= 0x10ffff) {
        out += String.fromCodePoint(code)
        i += 2 + width
        continue
      }
    }
    const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1))
    if (octal !== null) {
      out += String.fromCodePoint(Number.parseInt(octal[0], 8))
      i += 1 + octal[0].length
      continue
    }
    // An unknown escape stays as written.
    out += char + next
    i += 2
  }
  return out
}

/** Removes quotes: double quotes interpret escapes, single quotes are literal, an unclosed quote runs to the end. */
const unquote = (value: string): string => {
  if (value === "") return ""
  const quote = value[0]
  if (quote === "\"" || quote === "'") {
    const inner = value.length >= 2 && value.endsWith(quote) ? value.slice(1, -1) : value.slice(1)
    return quote === "\"" ? decodeEscapes(inner) : inner
  }
  const comment = value.indexOf(" #")
  return comment === -1 ? value : value.slice(0, comment).trimEnd()
}

/** Parses `.env` text into `[name, value]` pairs in file order (a later duplicate wins when applied). */
export const parse = (text: string): ReadonlyArray<readonly [string, string]> => {
  const pairs: Array<readonly [string, string]> = []
  for (const raw of text.split(/\r\n|\r|\n/)) {
    let line = raw.trim()
    if (line === "" || line.startsWith("#")) continue
    if (line.startsWith("export ")) line = line.slice("export ".length).trimStart()
    const equals = line.indexOf("=")
    if (equals === -1) continue
    const name = line.slice(0, equals).trim()
    if (name === "") continue
    pairs.push([name, unquote(line.slice(equals + 1).trim())])
  }
  return pairs
}

/** Variables reserved for Codex itself; a `.env` cannot set them. */
export const isReserved = (name: string): boolean => name.toUpperCase().startsWith("CODEX_")

/** Homes already loaded, per environment: a `.env` is read once per home for the life of the process. */
const loadedHomes = GlobalValue.globalValue(
  Symbol.for("tscodex/config/Dotenv/loadedHomes"),
  () => new WeakMap<Environment, Map<string, DotenvResult>>()
)

const readIfFile = (path: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const info = yield* fs.stat(path).pipe(Effect.option)
    if (Option.isNone(info) || info.value.type !== "File") return Option.none<string>()
    return Option.some(
      yield* fs.readFileString(path, "utf-8").pipe(
        Effect.mapError((error) => new ConfigError({ reason: "Io", path, detail: `cannot read the file: ${error.message}` }))
      )
    )
  })

/**
 * Loads `<codexHome>/.env` into the Environment. Variables that already have a non-empty value keep it;
 * `CODEX_*` names are ignored. A home is processed once per environment, later calls return the first result.
 */
export const load = (codexHome: string): Effect.Effect<DotenvResult, ConfigError, Environment | FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const env = yield* Environment
    let homes = loadedHomes.get(env)
    if (homes === undefined) {
      homes = new Map()
      loadedHomes.set(env, homes)
    }
    const previous = homes.get(codexHome)
    if (previous !== undefined) return previous

    const path = NodePath.join(codexHome, ".env")
    const text = yield* readIfFile(path)
    const applied = new Set<string>()
    const kept = new Set<string>()
    const ignored = new Set<string>()
    if (Option.isSome(text)) {
      for (const [name, value] of parse(text.value)) {
        if (isReserved(name)) {
          ignored.add(name)
          continue
        }
        const current = env.get(name)
        if (!applied.has(name) && current !== undefined && current !== "") {
          kept.add(name)
          continue
        }
        yield* env.set(name, value)
        applied.add(name)
      }
    }
    const result: DotenvResult = { path, found: Option.isSome(text), applied: [...applied], kept: [...kept], ignored: [...ignored] }
    homes.set(codexHome, result)
    return result
  })
