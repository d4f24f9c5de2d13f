/** ModelChoice: what `/model <name>` says about a name the model catalog does not know. */
import { distance } from "../args/Subcommands.js"

/** How far apart two names are at their first difference (`gpt-5.6` is nearer `gpt-5.5` than `gpt-5.1`). */
const nearness = (a: string, b: string): number => {
  const lower = b.toLowerCase()
  let i = 0
  while (i < a.length && i < lower.length && a[i] === lower[i]) i++
  return Math.abs((a.charCodeAt(i) || 0) - (lower.charCodeAt(i) || 0))
}

/** Up to three catalog models close to `name` (small edit distance, or one name inside the other), closest first. */
export const closeMatches = (name: string, known: ReadonlyArray<string>): ReadonlyArray<string> => {
  const wanted = name.toLowerCase()
  const limit = Math.max(2, Math.floor(wanted.length / 4))
  return known
    .map((slug) => ({ slug, score: distance(wanted, slug.toLowerCase()) }))
    .filter(({ score, slug }) => score <= limit || (wanted.length >= 3 && slug.toLowerCase().includes(wanted)))
    .sort((a, b) => a.score - b.score || nearness(wanted, a.slug) - nearness(wanted, b.slug))
    .slice(0, 3)
    .map(({ slug }) => slug)
}

/** The message shown instead of switching; typing the same command again confirms. */
export const notInCatalog = (name: string, close: ReadonlyArray<string>): string =>
  [
    `model ${name} is not in the catalog${close.length > 0 ? `; did you mean ${close.join(", ")}?` : "."}`,
    `Type /model ${name} again to use it anyway.`
  ].join("\n")
