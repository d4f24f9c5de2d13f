/** Skills: finds `SKILL.md` files under `$CODEX_HOME/skills` and lists them in the developer message. */
import type * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Option } from "effect"
import * as NodePath from "node:path"
import type { ContextError } from "./ContextManager.js"
import { isRegularFile, readTextIfReadable, realPathOr } from "./internal/files.js"
import { renderTemplate } from "./internal/template.js"
import type { Prompts } from "./Prompts.js"

/** One usable skill. */
export interface Skill {
  readonly name: string
  readonly description: string
  /** Absolute path of the `SKILL.md`, with forward slashes. */
  readonly path: string
  /** 0 for the user's skills, 1 for system skills (listed after). */
  readonly rank: number
}

const SKILL_FILE = "SKILL.md"
const SYSTEM_DIR = ".system"

const unquote = (value: string): string =>
  value.length >= 2 && (value[0] === "\"" || value[0] === "'") && value[value.length - 1] === value[0]
    ? value.slice(1, -1)
    : value

/**
 * The `name` and `description` of a skill's front matter: the file starts with a `---` line and the
 * block ends at the next `---` line; each `key: value` line is read, quotes around a value dropped.
 * `None` when the block is missing or either field is absent or blank.
 */
export const parseFrontMatter = (text: string): Option.Option<{ readonly name: string; readonly description: string }> => {
  const source = text.replace(/\r\n/g, "\n")
  if (!source.startsWith("---\n")) return Option.none()
  const end = source.indexOf("\n---\n", 4)
  if (end < 0) return Option.none()
  const fields = new Map<string, string>()
  for (const line of source.slice(4, end).split("\n")) {
    const colon = line.indexOf(":")
    if (colon < 0) continue
    fields.set(line.slice(0, colon).trim(), unquote(line.slice(colon + 1).trim()))
  }
  const name = fields.get("name") ?? ""
  const description = fields.get("description") ?? ""
  return name === "" || description === "" ? Option.none() : Option.some({ name, description })
}

const toSlashes = (path: string) => path.split(NodePath.sep).join("/")

/** `SKILL.md` files below `root` (hidden folders included), sorted by path; `exclude` is a relative folder to skip. */
const skillFiles = (fs: FileSystem.FileSystem, root: string, exclude?: string): Effect.Effect<ReadonlyArray<string>> =>
  Effect.gen(function* () {
    const entries = yield* fs.readDirectory(root, { recursive: true }).pipe(Effect.orElseSucceed(() => [] as Array<string>))
    const candidates = entries
      .filter((relative) => NodePath.basename(relative) === SKILL_FILE)
      .filter((relative) => exclude === undefined || !(relative === exclude || relative.startsWith(exclude + NodePath.sep)))
      .map((relative) => NodePath.join(root, relative))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    return yield* Effect.filter(candidates, (path) => isRegularFile(fs, path))
  })

/** Every usable skill under `<codexHome>/skills` (user) and `<codexHome>/skills/.system` (system). */
export const discover = (fs: FileSystem.FileSystem, codexHome: string): Effect.Effect<ReadonlyArray<Skill>> =>
  Effect.gen(function* () {
    const userRoot = NodePath.resolve(codexHome, "skills")
    const roots = [
      { root: userRoot, rank: 0, exclude: SYSTEM_DIR },
      { root: NodePath.join(userRoot, SYSTEM_DIR), rank: 1, exclude: undefined }
    ]
    const seen = new Set<string>()
    const skills: Array<Skill> = []
    for (const { exclude, rank, root } of roots) {
      for (const path of yield* skillFiles(fs, root, exclude)) {
        const resolved = yield* realPathOr(fs, path)
        if (seen.has(resolved)) continue
        seen.add(resolved)
        const text = yield* readTextIfReadable(fs, path)
        const front = Option.flatMap(text, parseFrontMatter)
        if (Option.isNone(front)) {
          yield* Effect.logDebug(`skipping skill without usable front matter: ${path}`)
          continue
        }
        skills.push({ ...front.value, path: toSlashes(path), rank })
      }
    }
    const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
    return skills.sort((a, b) => a.rank - b.rank || compare(a.name, b.name) || compare(a.path, b.path))
  })

/** One line of the skills list. */
export const skillLine = (skill: Skill): string => `- ${skill.name}: ${skill.description} (file: ${skill.path})`

/** The `<skills_instructions>` section; `undefined` when there are no skills. */
export const section = (prompts: Prompts, skills: ReadonlyArray<Skill>): Effect.Effect<string | undefined, ContextError> =>
  skills.length === 0
    ? Effect.succeed(undefined)
    : Effect.map(prompts.text("skills_instructions.md"), (template) =>
      renderTemplate(template, { skills: skills.map(skillLine).join("\n") }))
