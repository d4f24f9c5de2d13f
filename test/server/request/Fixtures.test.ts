/** Tests of Fixtures: fixture comparison. */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { translateRequest } from "../../../src/server/request/ChatRequest.js"

const FIXTURES = NodePath.resolve(import.meta.dirname, "../../fixtures/recorded-runs")

const jsonl = (path: string): Array<Record<string, unknown>> =>
  NodeFs.readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>)

const inboundBodies = (run: string) =>
  jsonl(NodePath.join(FIXTURES, run, "proxy.jsonl"))
    .filter((record) => record.method === "POST" && record.path === "/v1/responses")
    .map((record) => record.body)

const DESCRIPTION = /^<description: (\d+) chars>$/

/**
 * Compare what we would send with what the reference sent: same keys in the same
 * order, same values. Recorded prose was replaced by placeholders: a redacted
 * description is either passed through from the (equally redacted) inbound
 * request or, when we wrote it, must match in length (except the apply_patch
 * text, which is our own); text holding redacted prose must hold it here too.
 */
const compare = (actual: unknown, expected: unknown, path: string): Array<string> => {
  if (typeof expected === "string") {
    const described = DESCRIPTION.exec(expected)
    if (described) {
      if (typeof actual !== "string") return [`${path}: expected text`]
      if (actual === expected || path.includes("apply_patch")) return []
      return actual.length === Number(described[1]) ? [] : [`${path}: length ${actual.length}, recorded ${described[1]}`]
    }
    if (expected.includes("<prose:")) {
      return typeof actual === "string" && actual.includes("<prose:") ? [] : [`${path}: expected redacted prose`]
    }
    return actual === expected ? [] : [`${path}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`]
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [`${path}: array length differs`]
    return expected.flatMap((item, i) => compare(actual[i], item, `${path}[${i}]`))
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return [`${path}: expected object`]
    const keys = Object.keys(expected)
    const actualKeys = Object.keys(actual)
    if (keys.join(",") !== actualKeys.join(",")) return [`${path}: keys ${actualKeys.join(",")} != ${keys.join(",")}`]
    const named = (expected as Record<string, unknown>).name
    return keys.flatMap((key) =>
      compare(
        (actual as Record<string, unknown>)[key],
        (expected as Record<string, unknown>)[key],
        `${path}.${key}${typeof named === "string" ? `(${named})` : ""}`
      )
    )
  }
  return Object.is(actual, expected) ? [] : [`${path}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`]
}

const translated = (body: unknown) => {
  const result = translateRequest(body)
  if (Either.isLeft(result)) throw new Error(result.left.message)
  return result.right
}

describe("fixture comparison", () => {
  it("notices reordered keys, changed values and wrong description lengths", () => {
    expect(compare({ b: 1, a: 2 }, { a: 2, b: 1 }, "x")).toEqual(["x: keys b,a != a,b"])
    expect(compare({ a: [1, 2] }, { a: [1, 3] }, "x")).toEqual(["x.a[1]: 2 != 3"])
    expect(compare({ description: "abc" }, { description: "<description: 4 chars>" }, "x")).toHaveLength(1)
    expect(compare({ description: "abcd" }, { description: "<description: 4 chars>" }, "x")).toEqual([])
  })
})

describe("recorded compatibility-server traffic", () => {
  for (const run of [
    "pycodex-0.1.12/via-own-responses_server",
    "codex-0.169.0/via-pycodex-responses_server-disable-multi_agent"
  ]) {
    it(`${run}: each inbound request gives the recorded downstream chat request`, () => {
      const inbound = inboundBodies(run)
      const downstream = jsonl(NodePath.join(FIXTURES, run, "chat-requests.jsonl")).map((record) => record.body)
      expect(inbound.length).toBe(2)
      expect(downstream.length).toBe(inbound.length)
      inbound.forEach((body, i) => {
        const request = translated(body).request
        expect(compare(request, downstream[i], `request ${i}`)).toEqual([])
      })
      expect([...translated(inbound[0]).customToolNames]).toEqual(["apply_patch"])
    })
  }

  it("accepts today's Codex tool_search tool, which the reference answered with 501", () => {
    const run = "codex-0.169.0/via-pycodex-responses_server-stock"
    const responses = jsonl(NodePath.join(FIXTURES, run, "proxy.jsonl"))
    expect(JSON.stringify(responses[0]?.response)).toContain("unsupported incomming tool type")
    const result = translated(inboundBodies(run)[0])
    expect(result.toolSearch).toBe(true)
    const names = result.request.tools?.map((tool) => tool.name) ?? []
    expect(names).toContain("tool_search")
    expect(names).toContain("web_search")
    expect(names).toContain("apply_patch")
    expect(result.request.messages.length).toBeGreaterThan(0)
  })

  it("accepts today's Codex namespace tool and flattens it", () => {
    const request = JSON.parse(
      NodeFs.readFileSync(NodePath.join(FIXTURES, "codex-0.169.0/unknown-model-fallback/request-2.json"), "utf8")
    ) as { body: { tools: Array<{ type: string; name?: string; tools?: Array<{ name: string }> }> } }
    const namespace = request.body.tools.find((tool) => tool.type === "namespace")!
    const result = translated(request.body)
    const names = result.request.tools?.map((tool) => tool.name) ?? []
    for (const inner of namespace.tools ?? []) {
      expect(names).toContain(inner.name)
      expect(result.namespacedTools.get(inner.name)).toBe(namespace.name)
    }
    expect(result.request.messages.some((message) => message.role === "tool")).toBe(true)
  })
})
