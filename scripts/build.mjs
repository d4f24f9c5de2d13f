// Bundles the CLI into dist/ with esbuild. The CLI is one classic script (dist/cli.cjs) started by a
// small loader (dist/tscodex.js) that compiles it from a V8 code cache, since Node 20 cannot cache the
// compilation of ES modules; code only some commands need is evaluated when those run. The library
// (dist/lib/) is built by tsc instead: `npm run build:lib`.
import { createHash } from "node:crypto"
import { readFileSync, rmSync } from "node:fs"
import { build } from "esbuild"

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  sourcemap: true,
  external: ["@lydell/node-pty", "@libsql/client", "libsql"],
  banner: { js: "import { createRequire as __tscodexCreateRequire } from 'node:module'; const require = __tscodexCreateRequire(import.meta.url);" },
  minify: true,
  logLevel: "warning"
}

// left by earlier builds that split the CLI into ES module chunks
for (const old of ["dist/chunks", "dist/tscodex.js.map", "dist/index.js", "dist/index.js.map"]) rmSync(old, { recursive: true, force: true })
// The program, wrapped as a CommonJS module function (strict, as the ES module sources are) for the loader.
await build({
  ...common,
  format: "cjs",
  entryPoints: ["src/bin/tscodex.ts"],
  outfile: "dist/cli.cjs",
  define: { "import.meta.url": "__tscodexModuleUrl" },
  supported: { "dynamic-import": false }, // import() of an external package becomes require(): vm.Script has no module loader
  banner: {
    js: "(function (exports, require, module, __filename, __dirname) {\"use strict\"; const __tscodexModuleUrl = require(\"node:url\").pathToFileURL(__filename).href;"
  },
  footer: { js: "})" }
})
const bundleHash = createHash("sha256").update(readFileSync("dist/cli.cjs")).digest("hex").slice(0, 16)
await build({
  ...common,
  entryPoints: ["src/bin/launch.ts"],
  outfile: "dist/tscodex.js",
  sourcemap: false,
  define: { __TSCODEX_BUNDLE_HASH__: JSON.stringify(bundleHash) },
  banner: { js: "#!/usr/bin/env node" }
})
