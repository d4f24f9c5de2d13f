/** Bundle: which files of a Codex home travel in a portable bundle, and packing them into a zip. */
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Either } from "effect"
import * as NodePath from "node:path"
import * as ConfigFile from "../config/ConfigFile.js"
import { PortableError } from "./Specs.js"
import * as Zip from "./Zip.js"

export const ENTRY_FILE = "config.toml"
const TOP_FILES = [ENTRY_FILE, ".env", "AGENTS.md", "AGENTS.override.md"]

const io = (what: string) => (cause: unknown) =>
  new PortableError({ message: `${what}: ${cause instanceof Error ? cause.message : String(cause)}`, cause })

const isFile = (fs: FileSystem.FileSystem, path: string) =>
  fs.stat(path).pipe(
    Effect.map((info) => info.type === "File"),
    Effect.orElseSucceed(() => false)
  )

const toPosix = (path: string) => path.split(NodePath.sep).join("/")

/** `model_instructions_file` values of the top level and of every profile. */
const instructionFiles = (table: ConfigFile.TomlTable): ReadonlyArray<unknown> => {
  const values: Array<unknown> = [table.model_instructions_file]
  const profiles = table.profiles
  if (typeof profiles === "object" && profiles !== null) {
    for (const profile of Object.values(profiles as Record<string, unknown>)) {
      if (typeof profile === "object" && profile !== null) values.push((profile as Record<string, unknown>).model_instructions_file)
    }
  }
  return values
}

/** A relative instructions path as a whitelist entry, or undefined when it is not a file in the home. */
const instructionEntry = (fs: FileSystem.FileSystem, home: string, value: unknown) =>
  Effect.gen(function* () {
    if (typeof value !== "string" || value.trim() === "" || NodePath.isAbsolute(value)) return undefined
    const resolved = NodePath.resolve(home, value)
    const relative = NodePath.relative(home, resolved)
    if (relative === "" || relative.startsWith("..") || NodePath.isAbsolute(relative)) {
      return yield* new PortableError({ message: `config path points outside Codex home: ${value}` })
    }
    if (value.split(/[\\/]/).includes("..")) {
      return yield* new PortableError({ message: "config path contains invalid path segments" })
    }
    return (yield* isFile(fs, resolved)) ? toPosix(relative) : undefined
  })

/** The relative POSIX paths to pack, sorted and without duplicates. `home` must hold config.toml. */
export const whitelist = (home: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const names = new Set<string>()
    for (const name of TOP_FILES) if (yield* isFile(fs, NodePath.join(home, name))) names.add(name)
    const skills = NodePath.join(home, "skills")
    const skillsIsDir = yield* fs.stat(skills).pipe(
      Effect.map((info) => info.type === "Directory"),
      Effect.orElseSucceed(() => false)
    )
    if (skillsIsDir) {
      const found = yield* fs.readDirectory(skills, { recursive: true }).pipe(Effect.mapError(io("cannot list skills")))
      for (const entry of found) {
        if (yield* isFile(fs, NodePath.join(skills, entry))) names.add(toPosix(NodePath.join("skills", entry)))
      }
    }
    const text = yield* fs.readFileString(NodePath.join(home, ENTRY_FILE)).pipe(Effect.mapError(io("cannot read config.toml")))
    const table = yield* Either.match(ConfigFile.parse(text, NodePath.join(home, ENTRY_FILE)), {
      onLeft: (error) => Effect.fail(new PortableError({ message: error.message, cause: error })),
      onRight: Effect.succeed
    })
    for (const value of instructionFiles(table)) {
      const entry = yield* instructionEntry(fs, home, value)
      if (entry !== undefined) names.add(entry)
    }
    return [...names].sort()
  })

/** Zips the listed files (relative POSIX paths under `home`). */
export const pack = (home: string, files: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const entries = yield* Effect.forEach(files, (name) =>
      fs.readFile(NodePath.join(home, ...name.split("/"))).pipe(
        Effect.map((data): Zip.Entry => ({ name, data })),
        Effect.mapError(io(`cannot read ${name}`))
      )
    )
    return yield* Zip.write(entries)
  })
