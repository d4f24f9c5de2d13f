/** Tests of Skills: Skills front matter. */
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as Prompts from "../../src/context/Prompts.js"
import * as Skills from "../../src/context/Skills.js"
import { tempDir, writeTree } from "./support.js"

const skill = (name: string, description: string) => `---\nname: ${name}\ndescription: ${description}\n---\n\nBody.\n`

describe("Skills front matter", () => {
  it("reads name and description, unwrapping matching quotes", () => {
    expect(Skills.parseFrontMatter("---\nname: \"alpha\"\ndescription: 'Alpha: the first.'\nextra\n---\nbody")).toEqual(
      Option.some({ name: "alpha", description: "Alpha: the first." })
    )
    expect(Skills.parseFrontMatter("---\r\nname: win\r\ndescription: crlf\r\n---\r\n")).toEqual(
      Option.some({ name: "win", description: "crlf" })
    )
    expect(Skills.parseFrontMatter("---\nname: \"odd'\ndescription: x\n---\n")).toEqual(
      Option.some({ name: "\"odd'", description: "x" })
    )
  })

  it("rejects files without a usable block", () => {
    for (const text of [
      "name: a\ndescription: b\n",
      "---\nname: a\ndescription: b\n",
      "---\nname: a\n---\n",
      "---\nname: \"\"\ndescription: b\n---\n",
      "---\ndescription: b\n---\n",
      ""
    ]) expect(Skills.parseFrontMatter(text)).toEqual(Option.none())
  })
})

describe("Skills discovery", () => {
  it.scoped("lists user skills before system skills, by name, and skips broken ones", () =>
    Effect.gen(function* () {
      const home = yield* tempDir
      yield* writeTree(home, {
        "skills/zeta/SKILL.md": skill("zeta", "Zeta skill."),
        "skills/nested/deep/alpha/SKILL.md": skill("alpha", "Alpha skill."),
        "skills/.hidden/beta/SKILL.md": skill("beta", "Beta skill."),
        "skills/broken/SKILL.md": "---\nname: broken\n",
        "skills/nodesc/SKILL.md": "---\nname: nodesc\n---\n",
        "skills/binary/SKILL.md": new Uint8Array([0xff, 0xfe, 0x00]),
        "skills/notes/README.md": skill("readme", "Not a skill file."),
        "skills/.system/omega/SKILL.md": skill("omega", "Omega skill."),
        "skills/.system/aardvark/SKILL.md": skill("aardvark", "System aardvark.")
      })
      const fs = yield* FileSystem.FileSystem
      yield* fs.makeDirectory(`${home}/skills/dir-named/SKILL.md`, { recursive: true })
      const found = yield* Skills.discover(fs, home)
      expect(found.map((s) => [s.name, s.rank])).toEqual([
        ["alpha", 0], ["beta", 0], ["zeta", 0], ["aardvark", 1], ["omega", 1]
      ])
      expect(found[0]!.path).toBe(`${home}/skills/nested/deep/alpha/SKILL.md`)
      const prompts = yield* Prompts.make()
      const section = yield* Skills.section(prompts, found)
      const lines = section!.split("\n")
      expect(lines.slice(0, 2)).toEqual(["<skills_instructions>", "## Skills"])
      expect(lines[3]).toBe("### Available skills")
      expect(lines[4]).toBe(`- alpha: Alpha skill. (file: ${home}/skills/nested/deep/alpha/SKILL.md)`)
      expect(lines[8]).toBe(`- omega: Omega skill. (file: ${home}/skills/.system/omega/SKILL.md)`)
      expect(lines[9]).toBe("### How to use skills")
      expect(lines[lines.length - 1]).toBe("</skills_instructions>")
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("a home without skills gives no section", () =>
    Effect.gen(function* () {
      const home = yield* tempDir
      const fs = yield* FileSystem.FileSystem
      const found = yield* Skills.discover(fs, home)
      expect(found).toEqual([])
      expect(yield* Skills.section(yield* Prompts.make(), found)).toBeUndefined()
      expect(yield* Skills.discover(fs, `${home}/missing`)).toEqual([])
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("a skill reached twice through a link is listed once", () =>
    Effect.gen(function* () {
      const home = yield* tempDir
      yield* writeTree(home, { "skills/real/SKILL.md": skill("real", "Real skill.") })
      const fs = yield* FileSystem.FileSystem
      yield* fs.symlink(`${home}/skills/real/SKILL.md`, `${home}/skills/.system/SKILL.md`).pipe(
        Effect.catchAll(() =>
          fs.makeDirectory(`${home}/skills/.system`).pipe(
            Effect.zipRight(fs.symlink(`${home}/skills/real/SKILL.md`, `${home}/skills/.system/SKILL.md`))
          )
        )
      )
      const found = yield* Skills.discover(fs, home)
      expect(found.map((s) => s.name)).toEqual(["real"])
    }).pipe(Effect.provide(NodeContext.layer)))
})
