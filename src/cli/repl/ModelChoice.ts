/** ModelChoice: what `/model <name>` says about a name the model catalog does not know. */
import { distance } from "../args/Subcommands.js"

/** Up to three catalog models close to `name` (small edit distance, or one name inside the other), closest first. */
export const closeMatches = (name: string, known: ReadonlyArray<string>): ReadonlyArray<string> => {
  const wanted = name.toLowerCase()
  const limit = Math.max(2, Math.floor(wanted.length / 4))
  return known
    .map((slug) => ({ slug, score: distance(wanted, slug.toLowerCase()) }))
    .filter(({ score, slug }) => score <= limit || (wanted.length >= 3 && slug.toLowerCase().includes(wanted)))
    .sort((a, b) => a.score - b.score)
    .slice(0, 3)
    .map(({ slug }) => slug)
}

/** The message shown instead of switching; typing the same command again confirms. */
export const notInCatalog = (name: string, close: ReadonlyArray<string>): string =>
  [
    `model ${name} is not in the catalog${close.length > 0 ? `; did you mean ${close.join(", ")}?` : "."}`,
    `Type /model ${name} again to use it anyway.`
  ].join("\n")
