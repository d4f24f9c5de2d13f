/** Whether real bubblewrap sandboxes can be made on this machine, for tests that need one (and why not). */
import { spawnSync } from "node:child_process"
import * as NodeFs from "node:fs"
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
