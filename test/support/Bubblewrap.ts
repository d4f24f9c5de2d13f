/** Whether real bubblewrap sandboxes can be made on this machine, for tests that need one (and why not), and what sandbox tests share. */
import { Effect } from "effect"
import { spawnSync } from "node:child_process"
import * as NodeFs from "node:fs"
import * as NodeNet from "node:net"
import * as NodeOs from "node:os"
import * as NodePath from "node:path"

const find = (): string | undefined => {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const candidate = NodePath.join(dir, "bwrap")
    if (dir !== "" && NodeFs.existsSync(candidate)) return candidate
  }
  return undefined
}

const check = (): { readonly bwrap: string } | { readonly skip: string } => {
  if (process.platform !== "linux") return { skip: `sandbox tests need Linux (this is ${process.platform})` }
  const bwrap = find()
  if (bwrap === undefined) return { skip: "bubblewrap (bwrap) is not installed; install the Debian package bubblewrap" }
  const run = spawnSync(bwrap, ["--ro-bind", "/", "/", "--dev", "/dev", "--unshare-pid", "--unshare-net", "--proc", "/proc", "--", "/bin/true"], {
    encoding: "utf8",
    timeout: 10_000
  })
  if (run.status !== 0) return { skip: `bwrap cannot create a sandbox here: ${(run.stderr ?? String(run.error)).trim()}` }
  return { bwrap }
}

/** The bwrap path when sandboxes work, else the reason the sandbox tests are skipped. */
export const bubblewrap = check()

/** Host pids of processes whose command line contains `marker`. */
export const pidsWith = (marker: string): ReadonlyArray<number> => {
  const pids: Array<number> = []
  for (const entry of NodeFs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const cmdline = NodeFs.readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ")
      if (cmdline.includes(marker)) pids.push(Number(entry))
    } catch {
      // gone meanwhile
    }
  }
  return pids
}

/**
 * Scratch folders for one test, removed afterwards: `work` is the session cwd and `home` a folder
 * outside the writable roots; `gitIn` names the one that holds a `.git` folder.
 */
export const scratchFolders = (gitIn: "work" | "home") =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const base = NodeFs.realpathSync(NodeFs.mkdtempSync(NodePath.join(NodeOs.tmpdir(), "tscodex-sandbox-")))
      const work = NodePath.join(base, "work")
      const home = NodePath.join(base, "home")
      NodeFs.mkdirSync(work)
      NodeFs.mkdirSync(home)
      NodeFs.mkdirSync(NodePath.join(gitIn === "work" ? work : home, ".git"))
      return { base, work, home }
    }),
    ({ base }) => Effect.sync(() => NodeFs.rmSync(base, { recursive: true, force: true }))
  )

/** The line the loopback greeter sends. */
export const GREETING = "hello from outside"

/** A TCP server on loopback, outside any sandbox, that sends GREETING to whoever connects; and the shell command that reads it. */
export const loopbackGreeter = Effect.map(
  Effect.acquireRelease(
    Effect.async<NodeNet.Server>((resume) => {
      const s = NodeNet.createServer((socket) => socket.end(`${GREETING}\n`))
      s.listen(0, "127.0.0.1", () => resume(Effect.succeed(s)))
    }),
    (s) => Effect.async<void>((resume) => void s.close(() => resume(Effect.void)))
  ),
  (server) => ({ connect: `exec 3<>/dev/tcp/127.0.0.1/${(server.address() as NodeNet.AddressInfo).port} && head -n1 <&3` })
)
