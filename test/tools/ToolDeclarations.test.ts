/** ToolDeclarations: exec_tools.json matches the recorded structure and is found and attached at run time. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Schema } from "effect"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { serializeToolSpec } from "../../src/protocol/Prompt.js"
import * as Tool from "../../src/tools/Tool.js"
import * as ToolDeclarations from "../../src/tools/ToolDeclarations.js"

/** Recorded declarations of the reference, descriptions replaced by placeholders. */
const FIXTURE = NodePath.resolve(import.meta.dirname, "fixtures", "exec_tools.recorded.json")
const OURS = NodePath.resolve(import.meta.dirname, "..", "..", "prompts", "exec_tools.json")

/** The declaration with every description text replaced by a marker, keys kept in place. */
const shape = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(shape)
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === "description" || k === "definition" ? "<text>" : shape(v)])
    )
  }
  return value
}
/** Key order of every object, depth first. */
const keyOrder = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(keyOrder)
    : value !== null && typeof value === "object"
    ? Object.entries(value).map(([k, v]) => [k, keyOrder(v)])
    : null

describe("exec_tools.json", () => {
  const ours = JSON.parse(NodeFs.readFileSync(OURS, "utf8")) as Array<Record<string, unknown>>

  it("has the structure of the recorded declarations (names, types, properties, order)", () => {
    const fixture = JSON.parse(NodeFs.readFileSync(FIXTURE, "utf8")) as Array<Record<string, unknown>>
    expect(shape(ours)).toEqual(shape(fixture))
    expect(keyOrder(ours)).toEqual(keyOrder(fixture))
  })

  it("declares the 12 exec-mode tools in order, with real descriptions", () => {
    expect(ours.map((t) => t.name ?? t.type)).toEqual([
      "exec_command", "write_stdin", "update_plan", "request_user_input", "apply_patch", "web_search",
      "view_image", "spawn_agent", "send_input", "resume_agent", "wait_agent", "close_agent"
    ])
    const texts: Array<string> = []
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect)
      else if (value !== null && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) {
          if ((k === "description" || k === "definition") && typeof v === "string") texts.push(v)
          else collect(v)
        }
      }
    }
    collect(ours)
    expect(texts.length).toBeGreaterThan(50)
    for (const text of texts) {
      expect(text.trim().length).toBeGreaterThan(5)
      expect(text).not.toMatch(/^<(description|prose)/)
    }
    expect(ours[5]).toEqual({ type: "web_search", external_web_access: true })
  })
})

describe("ToolDeclarations", () => {
  it.effect("finds the package's file and indexes it by name (web_search by type)", () =>
    Effect.gen(function*() {
      const declarations = yield* ToolDeclarations.load()
      expect(declarations.path).toBe(OURS)
      expect(declarations.entries.length).toBe(12)
      expect([...declarations.byName.keys()]).toContain("web_search")
      expect(declarations.byName.get("write_stdin")?.type).toBe("function")
    }).pipe(Effect.provide(NodeContext.layer)))

  it("looks in prompts/ two levels above src/tools and one level above dist", () => {
    expect(ToolDeclarations.candidateDirs("file:///pkg/src/tools/ToolDeclarations.ts")).toEqual(["/pkg/prompts", "/pkg/src/prompts"])
    expect(ToolDeclarations.candidateDirs("file:///pkg/dist/index.js")[1]).toBe("/pkg/prompts")
  })

  it.effect("reports a missing folder and a malformed file clearly", () =>
    Effect.gen(function*() {
      const missing = yield* Effect.flip(ToolDeclarations.load("/nonexistent-dir"))
      expect(missing._tag).toBe("ToolDeclarationError")
      expect(missing.message).toContain("/nonexistent-dir/exec_tools.json")
      const bad = yield* Effect.flip(ToolDeclarations.parse("x.json", "{not json"))
      expect(bad.reason).toBe("Decode")
      expect(bad.message).toContain("x.json")
    }).pipe(Effect.provide(NodeContext.layer)))

  it.effect("attaches the declaration so it is what the model sees", () =>
    Effect.gen(function*() {
      const declarations = yield* ToolDeclarations.parse("t.json", JSON.stringify([{ type: "function", name: "demo", description: "fixed" }]))
      const tool = Tool.make({ name: "demo", description: "own", parameters: Schema.Struct({}), handler: () => Effect.succeed("ok") })
      const other = Tool.make({ name: "other", description: "own", parameters: Schema.Struct({}), handler: () => Effect.succeed("ok") })
      const attached = ToolDeclarations.attach(declarations, tool)
      expect(Either.getOrThrow(serializeToolSpec(Tool.spec(attached)))).toEqual({ type: "function", name: "demo", description: "fixed" })
      expect(ToolDeclarations.attach(declarations, other).rawPayload).toBeUndefined()
    }))
})
