/** The built CLI keeps batch code (SQL, libsql, the cluster engine) out of what a one-shot start evaluates. */
import { describe, expect, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import * as NodeFs from "node:fs"
import * as NodeOs from "node:os"
import * as NodePath from "node:path"
import { CLI_PATH } from "../support/Cli.js"

const hook = NodePath.resolve(import.meta.dirname, "../support/recordRequires.cjs")

/** The modules the built CLI required while running with `args`. */
const requiredBy = (args: ReadonlyArray<string>): ReadonlyArray<string> => {
  const dir = NodeFs.mkdtempSync(NodePath.join(NodeOs.tmpdir(), "tscodex-bundle-"))
  try {
    const out = NodePath.join(dir, "requires")
    const result = spawnSync(process.execPath, ["--require", hook, CLI_PATH, ...args], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, CODEX_HOME: dir, TSCODEX_TEST_REQUIRES_OUT: out },
      stdio: ["ignore", "pipe", "pipe"]
    })
    expect(result.status, String(result.stderr)).toBe(0)
    return NodeFs.readFileSync(out, "utf8").split("\n")
  } finally {
    NodeFs.rmSync(dir, { recursive: true, force: true })
  }
}

describe("the bundle", () => {
  it("a one-shot start evaluates no batch code; the batch command does", () => {
    const atStart = requiredBy(["--help"])
    expect(atStart).toContain("node:http")
    expect(atStart.filter((name) => name.includes("libsql"))).toEqual([])
    expect(requiredBy(["batch", "--help"])).toContain("@libsql/client")
  })
})
