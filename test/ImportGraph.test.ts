// The source import graph has no cycles: between files, and between folders (folder entry files excepted).
import * as Fs from "node:fs"
import * as Path from "node:path"
import { describe, expect, it } from "vitest"

const root = Path.join(import.meta.dirname, "..", "src")

const sourceFiles = (dir: string): Array<string> =>
  Fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = Path.join(dir, entry.name)
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith(".ts") ? [path] : []
  })

const specifiers = /(?:import|export)\s+(?:type\s+)?[^'"]*?from\s+["'](\.[^"']+)["']|import\(\s*["'](\.[^"']+)["']\s*\)/g

/** Each source file with the source files it imports (static, type-only and dynamic imports alike). */
const importGraph = (): Map<string, Set<string>> => {
  const graph = new Map<string, Set<string>>()
  for (const file of sourceFiles(root)) {
    const targets = new Set<string>()
    for (const match of Fs.readFileSync(file, "utf8").matchAll(specifiers)) {
      const target = Path.join(Path.dirname(file), match[1] ?? match[2] ?? "").replace(/\.js$/, ".ts")
      targets.add(Fs.existsSync(target) ? target : Path.join(target.replace(/\.ts$/, ""), "index.ts"))
    }
    graph.set(Path.relative(root, file), new Set([...targets].map((target) => Path.relative(root, target))))
  }
  return graph
}

/** The strongly connected components with more than one node (Tarjan). */
const cycles = (graph: Map<string, Set<string>>): Array<Array<string>> => {
  let counter = 0
  const index = new Map<string, number>(), low = new Map<string, number>(), stack: Array<string> = [], onStack = new Set<string>()
  const found: Array<Array<string>> = []
  const visit = (node: string): void => {
    index.set(node, counter), low.set(node, counter), counter++
    stack.push(node), onStack.add(node)
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next)
        low.set(node, Math.min(low.get(node)!, low.get(next)!))
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!))
    }
    if (low.get(node) !== index.get(node)) return
    const component: Array<string> = []
    let member: string | undefined
    do {
      member = stack.pop()!
      onStack.delete(member)
      component.push(member)
    } while (member !== node)
    if (component.length > 1) found.push(component.sort())
  }
  for (const node of graph.keys()) if (!index.has(node)) visit(node)
  return found
}

describe("import graph", () => {
  const graph = importGraph()

  it("reads the whole source tree", () => {
    expect(graph.size).toBeGreaterThan(100)
    expect(graph.get("stack/AgentStack.ts")?.size ?? 0).toBeGreaterThan(0)
  })

  it("has no cycle between files", () => {
    expect(cycles(graph)).toEqual([])
  })

  it("has no cycle between folders, a folder's index.ts (its public entry) aside", () => {
    const folders = new Map<string, Set<string>>()
    for (const [file, targets] of graph) {
      if (Path.basename(file) === "index.ts") continue
      for (const target of targets) {
        const from = Path.dirname(file), to = Path.dirname(target)
        if (from === to) continue
        folders.set(from, (folders.get(from) ?? new Set()).add(to))
      }
    }
    expect(cycles(folders)).toEqual([])
  })

  it("finds a cycle when there is one", () => {
    const tangled = new Map([["a/x.ts", new Set(["b/y.ts"])], ["b/y.ts", new Set(["a/x.ts"])]])
    expect(cycles(tangled)).toEqual([["a/x.ts", "b/y.ts"]])
  })
})
