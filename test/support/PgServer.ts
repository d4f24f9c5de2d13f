/**
 * PgServer: a throwaway PostgreSQL server on a temporary data folder and a free loopback port, for
 * tests; as root it runs as the `postgres` user (initdb refuses root). Stopped and removed with its Scope.
 */
import { Effect } from "effect"
import { execFileSync } from "node:child_process"
import * as NodeFs from "node:fs"
import * as NodeOs from "node:os"
import * as NodePath from "node:path"
import { freePort } from "./Processes.js"

/** `runuser`, which root needs to start the server as `postgres`: on PATH or in the sbin folders a short PATH leaves out. */
const findRunuser = (): string | undefined =>
  [...(process.env.PATH ?? "").split(":").filter((dir) => dir !== ""), "/usr/sbin", "/sbin"]
    .map((dir) => NodePath.join(dir, "runuser"))
    .find((candidate) => NodeFs.existsSync(candidate))

/** The folder holding initdb and pg_ctl (and, as root, the runuser program), or why there is none. */
export const findBinaries = (): { readonly bin: string; readonly runuser?: string } | { readonly missing: string } => {
  const root = "/usr/lib/postgresql"
  const versions = NodeFs.existsSync(root) ? NodeFs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : []
  for (const version of versions) {
    const bin = NodePath.join(root, version, "bin")
    if (!NodeFs.existsSync(NodePath.join(bin, "initdb")) || !NodeFs.existsSync(NodePath.join(bin, "pg_ctl"))) continue
    if (process.getuid?.() !== 0) return { bin }
    const runuser = findRunuser()
    return runuser === undefined ? { missing: "running as root needs runuser (util-linux) to start PostgreSQL as postgres; none found" } : { bin, runuser }
  }
  return { missing: "PostgreSQL server binaries not found under /usr/lib/postgresql (install the Debian postgresql package)" }
}


/** Starts a server; its URL connects as the superuser `tscodex` to the `postgres` database. */
export const start = ({ bin, runuser }: { readonly bin: string; readonly runuser?: string }) =>
  Effect.gen(function* () {
    const dir = NodeFs.mkdtempSync(NodePath.join(NodeOs.tmpdir(), "tscodex-pg-"))
    NodeFs.chmodSync(dir, 0o777)
    const run = (program: string, args: ReadonlyArray<string>) =>
      runuser !== undefined
        ? execFileSync(runuser, ["-u", "postgres", "--", NodePath.join(bin, program), ...args], { stdio: "pipe", cwd: dir })
        : execFileSync(NodePath.join(bin, program), args, { stdio: "pipe", cwd: dir })
    const data = NodePath.join(dir, "data")
    const port = yield* freePort
    yield* Effect.acquireRelease(
      Effect.sync(() => {
        run("initdb", ["-D", data, "-A", "trust", "-U", "tscodex", "--no-sync", "-E", "UTF8"])
        const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`
        run("pg_ctl", ["-D", data, "-o", options, "-l", NodePath.join(dir, "log"), "-w", "-t", "60", "start"])
      }),
      () =>
        Effect.sync(() => {
          try {
            run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"])
          } catch {
            // already gone
          }
          NodeFs.rmSync(dir, { recursive: true, force: true })
        })
    )
    return { url: `postgres://tscodex@127.0.0.1:${port}/postgres`, port }
  })
