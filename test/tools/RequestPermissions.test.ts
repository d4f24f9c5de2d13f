/** request_permissions: argument checks, the answer passed through unchanged, and cancellation with nobody to ask. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { toolCall, toResponsesInputUnsafe } from "../../src/protocol/Items.js"
import * as PermissionRequests from "../../src/tools/PermissionRequests.js"
import * as RequestPermissions from "../../src/tools/RequestPermissions.js"
import type * as Tool from "../../src/tools/Tool.js"
import * as ToolRegistry from "../../src/tools/ToolRegistry.js"

const context: Tool.ToolContext = { turnId: "turn-1", history: [], collaborationMode: "default" }

const registryWith = (handler?: PermissionRequests.PermissionHandler) =>
  Effect.map(PermissionRequests.make(handler), (requests) => ToolRegistry.make([RequestPermissions.make(requests)]))

describe("request_permissions", () => {
  it.effect("passes the reason to the handler and returns its answer unchanged", () =>
    Effect.gen(function*() {
      const seen: Array<PermissionRequests.PermissionRequest> = []
      const registry = yield* registryWith((request) => {
        seen.push(request)
        return Effect.succeed(Option.some({ permissions: request.permissions, scope: "turn" }))
      })
      const result = yield* registry.execute(
        toolCall("c1", "request_permissions", { reason: "Need network", permissions: { network: { enabled: true } } }),
        context
      )
      expect(seen).toEqual([{ reason: "Need network", permissions: { network: { enabled: true } } }])
      expect(result.isError).toBe(false)
      expect(result.output).toEqual({ permissions: { network: { enabled: true } }, scope: "turn" })
      expect(toResponsesInputUnsafe(result)).toEqual({
        type: "function_call_output",
        call_id: "c1",
        output: "{\"permissions\":{\"network\":{\"enabled\":true}},\"scope\":\"turn\"}"
      })
    }))

  it.effect("answers as cancelled when nobody can be asked, and checks its arguments", () =>
    Effect.gen(function*() {
      const registry = yield* registryWith()
      const run = (args: Record<string, unknown>) => Effect.map(registry.execute(toolCall("c", "request_permissions", args), context), (r) => r.output)
      expect(yield* run({ permissions: { file_system: { write: ["/tmp/x"] } } })).toBe(RequestPermissions.CANCELLED)
      expect(yield* run({ permissions: "all" })).toBe("Error: `permissions` must be an object.")
      expect(yield* run({})).toBe("Error: `permissions` must be an object.")
      expect(yield* run({ permissions: {} })).toBe("Error: request_permissions requires at least one permission.")
      const declined = yield* registryWith(() => Effect.succeed(Option.none()))
      expect((yield* declined.execute(toolCall("c", "request_permissions", { permissions: { network: { enabled: true } } }), context)).output)
        .toBe(RequestPermissions.CANCELLED)
    }))
})
