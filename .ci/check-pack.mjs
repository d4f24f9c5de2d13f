// CI check of an `npm pack --json` listing (stdin): what the bin and library load is packed; tests, benches, bundle maps and caches are not.
import { readFileSync } from "node:fs"

const [pack] = JSON.parse(readFileSync(0, "utf8"))
const files = new Set(pack.files.map((file) => file.path))
const pkg = JSON.parse(readFileSync("package.json", "utf8"))
const problems = []
const need = (path, why) => { if (!files.has(path)) problems.push(`missing ${path} (${why})`) }

need(pkg.bin.tscodex, "the bin's loader")
need("dist/cli.cjs", "the bundled CLI the loader runs")
for (const prompt of ["prompts/models.json", "prompts/base_instructions.md", "prompts/compact_prompt.md", "prompts/summary_prefix.md"]) need(prompt, "read at run time")
need(pkg.types.replace(/^\.\//, ""), "types")
for (const [subpath, target] of Object.entries(pkg.exports)) {
  for (const path of typeof target === "string" ? [target] : Object.values(target)) need(path.replace(/^\.\//, ""), `exports["${subpath}"]`)
}
for (const path of files) {
  if (/^(test|bench|examples|scripts|\.ci)\//.test(path)) problems.push(`${path} should not be packed`)
  if (/^dist\/[^/]+\.(map|v8cache)$/.test(path)) problems.push(`${path}: the bundle's source maps and code caches are not packed`)
}
console.log(`check-pack: ${pack.filename}, ${files.size} files, ${(pack.size / 1024 / 1024).toFixed(1)} MiB packed, ${(pack.unpackedSize / 1024 / 1024).toFixed(1)} MiB unpacked`)
for (const problem of problems) console.log(`check-pack: ${problem}`)
process.exit(problems.length === 0 ? 0 : 1)
