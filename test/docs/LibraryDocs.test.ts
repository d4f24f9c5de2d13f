/** The README's library section: its example is examples/echo-tool/main.ts (the program CI packs and runs), and its table names every entry point. */
import { describe, expect, it } from "@effect/vitest"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"

const root = NodePath.resolve(import.meta.dirname, "../..")
const read = (path: string) => NodeFs.readFileSync(NodePath.join(root, path), "utf8")
const section = () => {
  const readme = read("README.md")
  const start = readme.indexOf("## Use as a library")
  expect(start).toBeGreaterThan(0)
  return readme.slice(start, readme.indexOf("\n## ", start + 1))
}

describe("README, Use as a library", () => {
  it("shows examples/echo-tool/main.ts as it is", () => {
    const block = /```ts\n([\s\S]*?)```/.exec(section())?.[1]
    expect(block).toBe(read("examples/echo-tool/main.ts"))
  })

  it("lists every sub-path of the exports map", () => {
    const exportsMap = JSON.parse(read("package.json")).exports as Record<string, unknown>
    const listed = [...section().matchAll(/^\| `(tscodex[^`]*)` \|/gm)].map((match) => match[1]!.replace(/^tscodex/, "."))
    const subpaths = Object.keys(exportsMap).filter((subpath) => subpath !== "./package.json")
    expect(listed.sort()).toEqual(subpaths.sort())
  })
})
