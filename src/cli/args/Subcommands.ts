/** Subcommands: the words `tscodex` routes on, with one line each, and the near-miss check for a mistyped one. */

export interface SubcommandInfo {
  readonly name: string
  readonly about: string
  readonly aliases?: ReadonlyArray<string>
}

export const SUBCOMMANDS: ReadonlyArray<SubcommandInfo> = [
  { name: "exec", about: "Run one turn non-interactively, as `codex exec` does", aliases: ["e"] },
  { name: "resume", about: "Continue a recorded session (a picker when neither id nor --last is given on a terminal)" },
  { name: "sessions", about: "List resumable sessions (id, date, working directory, first prompt)" },
  { name: "doctor", about: "Check the configuration, the provider and this machine" },
  { name: "responses-server", about: "Serve the Responses API in front of a chat-completions or Messages backend" },
  { name: "storage-server", about: "Store portable Codex homes for --put / --call" },
  { name: "batch", about: "Run every task of a JSONL file as an agent turn" },
  { name: "runner", about: "Join a batch cluster as a runner" },
  { name: "completion", about: "Print a shell completion script (bash, zsh or fish)" },
  { name: "help", about: "Print this message or the help of the given subcommand" }
]

/** Every word that names a subcommand, aliases included. */
export const names = (): ReadonlyArray<string> => SUBCOMMANDS.flatMap((s) => [s.name, ...(s.aliases ?? [])])

/** Edit distance (insert, delete, substitute, swap of neighbours). */
export const distance = (a: string, b: string): number => {
  const d: Array<Array<number>> = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1)
    }
  }
  return d[a.length]![b.length]!
}

/** The subcommand a lone word probably meant (`doctr` → `doctor`, `session` → `sessions`), if any. */
export const nearMiss = (word: string): string | undefined => {
  const lower = word.toLowerCase()
  if (lower.length < 3 || names().includes(word)) return undefined
  const scored = SUBCOMMANDS.map((s) => ({ name: s.name, score: distance(lower, s.name) }))
    .filter(({ name, score }) => score <= (name.length > 5 ? 2 : 1))
    .sort((a, b) => a.score - b.score)
  return scored[0]?.name
}
