/** The built CLI's loader keeps a V8 code cache beside the bundle, else under $CODEX_HOME/cache, and runs the same without one. */
import { afterEach, describe, expect, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import * as NodeFs from "node:fs"
import * as NodeOs from "node:os"
import * as NodePath from "node:path"
import { CLI_PATH } from "../support/Cli.js"

const dist = NodePath.dirname(CLI_PATH)
const temps: Array<string> = []
afterEach(() => {
  for (const dir of temps.splice(0)) NodeFs.rmSync(dir, { recursive: true, force: true })
})

/** A copy of the built CLI (loader and bundle) in a fresh folder, and a home path that does not exist yet. */
const install = () => {
  const root = NodeFs.mkdtempSync(NodePath.join(NodeOs.tmpdir(), "tscodex-cache-"))
  temps.push(root)
  const bin = NodePath.join(root, "pkg", "dist")
  NodeFs.mkdirSync(bin, { recursive: true })
  for (const file of ["tscodex.js", "cli.cjs"]) NodeFs.copyFileSync(NodePath.join(dist, file), NodePath.join(bin, file))
  return { bin, home: NodePath.join(root, "home") }
}

const run = (bin: string, home: string, extra: Record<string, string> = {}, nodeOptions: ReadonlyArray<string> = []) => {
  const result = spawnSync(process.execPath, [...nodeOptions, NodePath.join(bin, "tscodex.js"), "--help"], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, CODEX_HOME: home, ...extra },
    encoding: "utf8"
  })
  expect(result.status, result.stderr).toBe(0)
  return result.stdout
}

const caches = (dir: string) => (NodeFs.existsSync(dir) ? NodeFs.readdirSync(dir).filter((name) => name.endsWith(".v8cache")) : [])

describe("the code cache of the built CLI", () => {
  it("is written beside the bundle on the first run and read, not rewritten, on the next", () => {
    const { bin, home } = install()
    const first = run(bin, home)
    expect(first).toContain("Usage: tscodex")
    const [name] = caches(bin)
    expect(name).toMatch(/^cli-[0-9a-f]{16}-.+\.v8cache$/)
    const written = NodeFs.statSync(NodePath.join(bin, name!)).mtimeMs
    expect(run(bin, home)).toBe(first)
    expect(NodeFs.statSync(NodePath.join(bin, name!)).mtimeMs).toBe(written)
    expect(NodeFs.readdirSync(bin).filter((file) => file.endsWith(".tmp"))).toEqual([])
    expect(NodeFs.existsSync(home)).toBe(false)
  })

  it("keeps one cache per set of node options, so alternating them does not rewrite a cache each run", () => {
    const { bin, home } = install()
    const expected = run(bin, home)
    const [plain] = caches(bin)
    const written = NodeFs.statSync(NodePath.join(bin, plain!)).mtimeMs
    expect(run(bin, home, {}, ["--stack-size=2000"])).toBe(expected)
    expect(caches(bin)).toHaveLength(2)
    expect(run(bin, home)).toBe(expected)
    expect(NodeFs.statSync(NodePath.join(bin, plain!)).mtimeMs).toBe(written)
  })

  it("a damaged cache is ignored and replaced", () => {
    const { bin, home } = install()
    const expected = run(bin, home)
    const [name] = caches(bin)
    NodeFs.writeFileSync(NodePath.join(bin, name!), "not a code cache")
    expect(run(bin, home)).toBe(expected)
    expect(NodeFs.statSync(NodePath.join(bin, name!)).size).toBeGreaterThan("not a code cache".length)
  })

  it("goes to $CODEX_HOME/cache when the bundle's folder does not take it, and nowhere when that home is missing", () => {
    const { bin, home } = install()
    const expected = run(bin, home, { TSCODEX_CODE_CACHE: "0" })
    expect(caches(bin)).toEqual([])
    run(bin, home)
    const [name] = caches(bin)
    NodeFs.rmSync(NodePath.join(bin, name!))
    NodeFs.mkdirSync(NodePath.join(bin, name!)) // a folder in the way: the cache cannot be read or written there
    expect(run(bin, home)).toBe(expected)
    expect(NodeFs.existsSync(home)).toBe(false)
    NodeFs.mkdirSync(home)
    expect(run(bin, home)).toBe(expected)
    expect(caches(NodePath.join(home, "cache"))).toEqual([name])
    expect(run(bin, home)).toBe(expected)
  })
})
