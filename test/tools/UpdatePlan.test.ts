/** update_plan through the registry: its declaration, each refusal text, and what reaches the plan store. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { toolCall, toResponsesInputUnsafe } from "../../src/protocol/Items.js"
import { serializeToolSpec } from "../../src/protocol/Prompt.js"
import * as PlanStore from "../../src/tools/PlanStore.js"
import type * as Tool from "../../src/tools/Tool.js"
import * as ToolRegistry from "../../src/tools/ToolRegistry.js"
import * as UpdatePlan from "../../src/tools/UpdatePlan.js"
import * as ExecTools from "../support/ExecTools.js"

const context: Tool.ToolContext = { turnId: "turn-1", history: [], collaborationMode: "default" }

/** A registry holding update_plan over a fresh store. */
const setup = Effect.gen(function*() {
  const store = yield* PlanStore.make()
  return { store, registry: ToolRegistry.make([UpdatePlan.make(store)]) }
})
const run = (registry: ToolRegistry.ToolRegistry, args: unknown) =>
  registry.execute(toolCall("call-plan", "update_plan", args), context)

describe("update_plan", () => {
  it.effect("is declared exactly as in exec_tools.json and does not run in parallel", () =>
    Effect.gen(function*() {
      const store = yield* PlanStore.make()
      const tool = UpdatePlan.make(store)
      const registry = ToolRegistry.make([tool])
      expect(registry.specs.map((s) => Either.getOrThrow(serializeToolSpec(s)))).toEqual([ExecTools.declarations[2]])
      expect(ExecTools.declarations[2]?.name).toBe("update_plan")
      expect(registry.supportsParallel("update_plan")).toBe(false)
    }).pipe(Effect.provide(NodeContext.layer)))

  it.effect("stores the plan and answers exactly `Plan updated`", () =>
    Effect.gen(function*() {
      const { registry, store } = yield* setup
      const result = yield* run(registry, {
        explanation: "Start with discovery.",
        plan: [{ step: "Inspect repo", status: "completed" }, { step: "Implement tools", status: "in_progress" }]
      })
      expect(result.isError).toBe(false)
      expect(result.output).toBe("Plan updated")
      expect(result.success).toBeUndefined()
      expect(toResponsesInputUnsafe(result)).toEqual({ type: "function_call_output", call_id: "call-plan", output: "Plan updated" })
      expect(yield* store.snapshot).toEqual({
        explanation: "Start with discovery.",
        plan: [{ step: "Inspect repo", status: "completed" }, { step: "Implement tools", status: "in_progress" }]
      })
    }))

  it.effect("two steps in progress is an error result and leaves the stored plan alone", () =>
    Effect.gen(function*() {
      const { registry, store } = yield* setup
      yield* run(registry, { plan: [{ step: "keep", status: "pending" }] })
      const result = yield* run(registry, {
        plan: [{ step: "a", status: "in_progress" }, { step: "b", status: "in_progress" }]
      })
      expect(result.isError).toBe(true)
      expect(result.output).toEqual({ error: "ValueError: at most one plan step can be in_progress" })
      expect(toResponsesInputUnsafe(result).output).toBe('{"error":"ValueError: at most one plan step can be in_progress"}')
      expect(yield* store.snapshot).toEqual({ explanation: null, plan: [{ step: "keep", status: "pending" }] })
    }))

  it.effect("answers each malformed plan with its own message, not an error, and stores nothing", () =>
    Effect.gen(function*() {
      const { registry, store } = yield* setup
      const cases: ReadonlyArray<readonly [unknown, string]> = [
        [{}, "Error: `plan` must be a list."],
        [{ plan: "step one" }, "Error: `plan` must be a list."],
        [{ plan: { step: "a", status: "pending" } }, "Error: `plan` must be a list."],
        [{ plan: null }, "Error: `plan` must be a list."],
        [{ plan: ["a"] }, "Error: each `plan` item must be an object."],
        [{ plan: [{ step: "a", status: "pending" }, [1]] }, "Error: each `plan` item must be an object."],
        [{ plan: [{ step: "   ", status: "pending" }] }, "Error: each `plan` item must include a non-empty `step`."],
        [{ plan: [{ status: "pending" }] }, "Error: each `plan` item must include a non-empty `step`."],
        [{ plan: [{ step: null, status: "pending" }] }, "Error: each `plan` item must include a non-empty `step`."],
        [{ plan: [{ step: "a", status: "done" }] }, "Error: invalid plan status `done`."],
        [{ plan: [{ step: "a", status: "In_Progress" }] }, "Error: invalid plan status `In_Progress`."],
        [{ plan: [{ step: "a" }] }, "Error: invalid plan status ``."],
        [{ plan: [{ step: "a", status: 3 }] }, "Error: invalid plan status `3`."],
        // the first problem wins, in item order
        [{ plan: [{ step: "a", status: "bad" }, "x"] }, "Error: invalid plan status `bad`."]
      ]
      for (const [args, message] of cases) {
        const result = yield* run(registry, args)
        expect(result.isError, JSON.stringify(args)).toBe(false)
        expect(result.output, JSON.stringify(args)).toBe(message)
      }
      expect(yield* store.snapshot).toEqual(PlanStore.emptySnapshot)
    }))

  it.effect("trims steps and statuses, writes numbers as text, and reads a blank explanation as none", () =>
    Effect.gen(function*() {
      const { registry, store } = yield* setup
      expect((yield* run(registry, { explanation: "", plan: [{ step: " 42 ", status: " completed\n" }, { step: 7, status: "pending" }] })).output)
        .toBe("Plan updated")
      expect(yield* store.snapshot).toEqual({
        explanation: null,
        plan: [{ step: "42", status: "completed" }, { step: "7", status: "pending" }]
      })
      yield* run(registry, { explanation: null, plan: [] })
      expect(yield* store.snapshot).toEqual({ explanation: null, plan: [] })
      yield* run(registry, { explanation: 12, plan: [] })
      expect((yield* store.snapshot).explanation).toBe("12")
      yield* run(registry, { explanation: "  spaced  ", plan: [] })
      expect((yield* store.snapshot).explanation).toBe("  spaced  ")
    }))

  it.effect("accepts an empty plan and ignores unknown item keys", () =>
    Effect.gen(function*() {
      const { registry, store } = yield* setup
      expect((yield* run(registry, { plan: [] })).output).toBe("Plan updated")
      expect((yield* run(registry, { plan: [{ step: "a", status: "pending", note: "x" }] })).output).toBe("Plan updated")
      expect(yield* store.snapshot).toEqual({ explanation: null, plan: [{ step: "a", status: "pending" }] })
    }))

  it.effect("arguments that are not an object are an error result", () =>
    Effect.gen(function*() {
      const { registry } = yield* setup
      const result = yield* run(registry, ["plan"])
      expect(result.isError).toBe(true)
      expect((result.output as { error: string }).error).toMatch(/^InvalidArguments: /)
    }))
})
