/** The built CLI keeps batch code (SQL, libsql, the cluster engine) out of what a one-shot turn loads. */
import { describe, expect, it } from "@effect/vitest"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { CLI_PATH } from "../support/Cli.js"

/** Files loaded at start-up: the entry and the chunks it imports statically, transitively. */
const staticallyLoaded = (entry: string): ReadonlyArray<string> => {
  const seen = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    const text = NodeFs.readFileSync(file, "utf8")
    for (const match of text.matchAll(/(?:from|import)\s*"(\.[^"]+)"/g)) visit(NodePath.resolve(NodePath.dirname(file), match[1]!))
  }
  visit(entry)
  return [...seen]
}

/** Text only batch code carries, minified or not. */
const MARKERS = ["tscodex_batch_tasks", "@libsql/client", "@effect/sql/SqlClient", "@effect/cluster/", "@effect/workflow/"]

describe("the bundle", () => {
  it("a one-shot start loads no batch code; the batch chunk has it", () => {
    const loaded = staticallyLoaded(CLI_PATH)
    expect(loaded.length).toBeGreaterThan(1)
    for (const file of loaded) {
      const text = NodeFs.readFileSync(file, "utf8")
      for (const marker of MARKERS) expect(text.includes(marker), `${marker} in ${file}`).toBe(false)
    }
    const chunks = NodePath.join(NodePath.dirname(CLI_PATH), "chunks")
    const lazy = NodeFs.readdirSync(chunks).filter((name) => name.endsWith(".js")).map((name) => NodeFs.readFileSync(NodePath.join(chunks, name), "utf8"))
    expect(lazy.some((text) => text.includes("tscodex_batch_tasks"))).toBe(true)
    expect(lazy.some((text) => text.includes("@effect/sql/SqlClient"))).toBe(true)
  })
})
