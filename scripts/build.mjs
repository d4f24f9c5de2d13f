// Bundles the CLI and the library into dist/ with esbuild, so start-up loads one file plus shared
// chunks; code only some commands need (the compatibility server, doctor, the interactive session)
// sits in chunks loaded when those run.
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

await build({
  ...common,
  entryPoints: { tscodex: "src/bin/tscodex.ts" },
  outdir: "dist",
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  banner: { js: "#!/usr/bin/env node\n" + common.banner.js }
})
await build({ ...common, entryPoints: ["src/index.ts"], outfile: "dist/index.js" })
