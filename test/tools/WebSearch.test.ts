/** web_search: the provider-native declaration, and the answer to a call that reaches this program anyway. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { toolCall, toResponsesInputUnsafe } from "../../src/protocol/Items.js"
import { serializeToolSpec } from "../../src/protocol/Prompt.js"
import * as Tool from "../../src/tools/Tool.js"
import * as ToolRegistry from "../../src/tools/ToolRegistry.js"
import * as WebSearch from "../../src/tools/WebSearch.js"
import * as ExecTools from "../support/ExecTools.js"

const context: Tool.ToolContext = { turnId: "turn-1", history: [], collaborationMode: "default" }

describe("web_search", () => {
  it("serializes to the provider-native declaration from its own fields", () => {
    const spec = Tool.spec(WebSearch.make())
    expect(spec.toolType).toBe("web_search")
    expect(spec.rawPayload).toBeUndefined()
    const json = Either.getOrThrow(serializeToolSpec(spec))
    expect(json).toEqual({ type: "web_search", external_web_access: true })
    expect(JSON.stringify(json)).toBe('{"type":"web_search","external_web_access":true}')
  })

  it.effect("is declared exactly as in exec_tools.json and does not run in parallel", () =>
    Effect.gen(function*() {
      const registry = ToolRegistry.make([WebSearch.make()])
      expect(registry.specs.map((s) => Either.getOrThrow(serializeToolSpec(s)))).toEqual([ExecTools.declarations[5]])
      expect(ExecTools.declarations[5]).toEqual({ type: "web_search", external_web_access: true })
      expect(registry.names).toEqual(["web_search"])
      expect(registry.supportsParallel("web_search")).toBe(false)
    }).pipe(Effect.provide(NodeContext.layer)))

  it.effect("a local call answers that searches are the provider's job", () =>
    Effect.gen(function*() {
      const registry = ToolRegistry.make([WebSearch.make()])
      const result = yield* registry.execute(toolCall("call-ws", "web_search", { query: "effect ts" }), context)
      expect(result.isError).toBe(false)
      expect(result.output).toBe("Error: web_search is provider-native and should not be executed locally.")
      expect(toResponsesInputUnsafe(result)).toEqual({
        type: "function_call_output",
        call_id: "call-ws",
        output: "Error: web_search is provider-native and should not be executed locally."
      })
    }))
})
