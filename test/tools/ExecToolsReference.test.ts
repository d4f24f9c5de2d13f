/** The reference exec_tools.json the built-in tools are checked against has the structure of the recorded Codex declarations. */
import { describe, expect, it } from "@effect/vitest"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import * as ExecTools from "../support/ExecTools.js"

/** Recorded declarations of the reference, descriptions replaced by placeholders. */
const FIXTURE = NodePath.resolve(import.meta.dirname, "fixtures", "exec_tools.recorded.json")
const OURS = ExecTools.FILE

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
const { keyOrder } = ExecTools

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

