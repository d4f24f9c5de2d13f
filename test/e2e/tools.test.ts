/** The file-editing and planning tools through the built CLI: apply_patch edits the workspace, update_plan answers. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { inputOf, setup } from "./support.js"

const PATCH = ["*** Begin Patch", "*** Add File: notes/hello.txt", "+hello from a patch", "*** End Patch"].join("\n")

describe("exec-mode tools through the CLI", () => {
  it.scopedLive("apply_patch (a custom tool call) creates a file in the workspace and reports it to the model", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const h = yield* setup([
        { type: "custom_tool_call", name: "apply_patch", call_id: "call_patch_1", input: PATCH },
        {
          type: "function_calls",
          calls: [{ name: "update_plan", call_id: "call_plan_1", arguments: { plan: [{ step: "write the note", status: "completed" }] } }]
        },
        { type: "message", text: "patched" }
      ])
      const run = yield* h.cli(["add a note"])
      expect(run.stdout).toBe("patched\n")
      expect(run.exitCode).toBe(0)
      expect(yield* fs.readFileString(`${h.workspace}/notes/hello.txt`)).toBe("hello from a patch\n")

      const [, second, third] = yield* h.posts
      const patchOutput = inputOf(second).find((item) => item.type === "custom_tool_call_output")
      expect(patchOutput).toMatchObject({ call_id: "call_patch_1", name: "apply_patch" })
      expect(String(patchOutput!.output)).toContain("A notes/hello.txt")
      const planOutput = inputOf(third).find((item) => item.type === "function_call_output")
      expect(planOutput).toEqual({ type: "function_call_output", call_id: "call_plan_1", output: "Plan updated" })
    }).pipe(Effect.provide(NodeContext.layer)))
})
