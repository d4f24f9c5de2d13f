/** The built CLI's entry (dist/tscodex.js): runs the bundled program dist/cli.cjs from a V8 code cache when one is at hand. */
// Plain Node on purpose: this runs before anything else and must stay small; loading Effect here would
// cost the start-up time the cache saves. Node 20 has no compile cache for ES modules, so the program is
// bundled as one classic script (wrapped as a CommonJS function) that `vm.Script` can compile from
// cached data. The cache is an optimisation only: every failure to read or write it is ignored.
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as Vm from "node:vm"

/** Content hash of dist/cli.cjs, filled in by scripts/build.mjs. */
declare const __TSCODEX_BUNDLE_HASH__: string

/** FNV-1a of a string, in hex: enough to tell apart the option sets one machine runs node with. */
const shortHash = (text: string): string => {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193)
  return (hash >>> 0).toString(16)
}

const bundle = fileURLToPath(new URL("./cli.cjs", import.meta.url))
const prefix = "cli-"
const suffix = ".v8cache"
// A cache is only valid for this bundle, this V8 and this machine architecture (V8 also checks itself),
// and V8 refuses one made under other V8 options: each option set gets its own file instead of rewriting one.
const options = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ").trim()
const build = `${prefix}${__TSCODEX_BUNDLE_HASH__}-${process.versions.v8}-${process.arch}-`
const cacheName = `${build}${options === "" ? "0" : shortHash(options)}${suffix}`
const enabled = (process.env.TSCODEX_CODE_CACHE ?? "").trim() !== "0"

/** Folders that may hold the cache, in order: next to the bundle, then `$CODEX_HOME/cache` (only when that home exists). */
const cacheDirs = (): ReadonlyArray<string> => {
  const fromEnv = process.env.CODEX_HOME?.trim()
  const home = fromEnv !== undefined && fromEnv !== "" ? Path.resolve(fromEnv) : Path.join(Os.homedir(), ".codex")
  return [Path.dirname(bundle), Path.join(home, "cache")]
}

const readCache = (): Buffer | undefined => {
  for (const dir of cacheDirs()) {
    try {
      return Fs.readFileSync(Path.join(dir, cacheName))
    } catch {
      // not there: try the next folder
    }
  }
  return undefined
}

/** Writes the cache into the first folder that takes it: a temporary file renamed into place, so a reader never sees half of one. */
const writeCache = (data: Buffer): void => {
  const [beside, homeCache] = cacheDirs() as [string, string]
  for (const dir of [beside, homeCache]) {
    const temp = Path.join(dir, `.${cacheName}.${process.pid}.tmp`)
    try {
      if (dir === homeCache) {
        if (!Fs.existsSync(Path.dirname(homeCache))) return
        Fs.mkdirSync(homeCache, { recursive: true, mode: 0o700 })
      }
      Fs.writeFileSync(temp, data, { mode: 0o600, flag: "wx" })
      Fs.renameSync(temp, Path.join(dir, cacheName))
      // caches of other builds or Node versions are never read again
      for (const name of Fs.readdirSync(dir)) {
        if (!name.startsWith(build) && name.startsWith(prefix) && name.endsWith(suffix)) Fs.rmSync(Path.join(dir, name), { force: true })
      }
      return
    } catch {
      Fs.rmSync(temp, { force: true })
    }
  }
}

const source = Fs.readFileSync(bundle, "latin1") // the bundle is ASCII (esbuild escapes the rest)
const cachedData = enabled ? readCache() : undefined
const script = new Vm.Script(source, { filename: bundle, ...(cachedData !== undefined ? { cachedData } : {}) })
if (enabled && (cachedData === undefined || script.cachedDataRejected === true)) {
  // written at exit, so the functions compiled while this run worked are in the cache too
  process.once("exit", () => {
    try {
      writeCache(script.createCachedData())
    } catch {
      // the cache is optional
    }
  })
}
const main = script.runInThisContext() as (
  exports: object,
  require: NodeJS.Require,
  module: { exports: object },
  filename: string,
  dirname: string
) => void
const module = { exports: {} }
main.call(module.exports, module.exports, createRequire(bundle), module, bundle, Path.dirname(bundle))
