/** The library's entry points: each `exports` sub-path has its source entry, and `tscodex` itself offers every namespace they do. */
import { describe, expect, it } from "@effect/vitest"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"

const root = NodePath.resolve(import.meta.dirname, "..")
const pkg = JSON.parse(NodeFs.readFileSync(NodePath.join(root, "package.json"), "utf8")) as {
  readonly exports: Record<string, string | { readonly types: string; readonly default: string }>
  readonly types: string
}
/** `./dist/lib/x/index.js` (or `.d.ts`) -> `src/x/index.ts`. */
const sourceOf = (built: string) => NodePath.join(root, built.replace(/^\.\/dist\/lib\//, "src/").replace(/\.(d\.ts|js)$/, ".ts"))

describe("package exports", () => {
  const entries = Object.entries(pkg.exports).filter(([subpath]) => subpath !== "./package.json")

  it("map each sub-path to a built entry whose types sit beside it", () => {
    expect(entries.length).toBeGreaterThan(1)
    for (const [subpath, target] of entries) {
      if (typeof target === "string") throw new Error(`${subpath} has no types condition`)
      expect(target.types, subpath).toBe(target.default.replace(/\.js$/, ".d.ts"))
      expect(NodeFs.existsSync(sourceOf(target.default)), `${subpath} -> ${sourceOf(target.default)}`).toBe(true)
    }
    expect(pkg.types).toBe((pkg.exports["."] as { readonly types: string }).types)
  })

  it("the root entry re-exports every namespace of the sub-paths", async () => {
    const index = (await import(sourceOf((pkg.exports["."] as { readonly default: string }).default))) as Record<string, unknown>
    for (const [subpath, target] of entries) {
      if (subpath === "." || typeof target === "string") continue
      const entry = (await import(sourceOf(target.default))) as Record<string, unknown>
      expect(Object.keys(entry).length, subpath).toBeGreaterThan(0)
      for (const name of Object.keys(entry)) expect(index[name], `${name} of ${subpath}`).toBe(entry[name])
    }
  })
})
