/** ExecTools: the reference wire declarations of the 12 exec-mode tools (test/fixtures/tools/exec_tools.json), for comparing what tools derive. */
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"

export const FILE = NodePath.resolve(import.meta.dirname, "..", "fixtures", "tools", "exec_tools.json")

/** The declarations in Codex's exec-mode order. */
export const declarations: ReadonlyArray<Record<string, unknown>> = JSON.parse(NodeFs.readFileSync(FILE, "utf8"))

/** The declaration of one tool (`web_search` by its type); throws when the file has none. */
export const declarationOf = (name: string): Record<string, unknown> => {
  const found = declarations.find((entry) => (entry.name ?? entry.type) === name)
  if (found === undefined) throw new Error(`no declaration of ${name} in ${FILE}`)
  return found
}

/** Every object's keys in order, depth first, so that a reordering shows up in a comparison. */
export const keyOrder = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(keyOrder)
    : value !== null && typeof value === "object"
    ? Object.entries(value).map(([k, v]) => [k, keyOrder(v)])
    : null
