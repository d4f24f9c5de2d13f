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

describe("sub-agents through the CLI", () => {
  it.scopedLive("spawn_agent starts a sub-agent on its own session, wait_agent brings its answer back as a notification", () =>
    Effect.gen(function* () {
      let mainRequests = 0
      const h = yield* setup({
        turns: (request) => {
          if (request.headers["x-openai-subagent"] === "collab_spawn") return { type: "message", text: "sub-agent says hi" }
          mainRequests += 1
          if (mainRequests === 1) {
            return { type: "function_calls", calls: [{ name: "spawn_agent", call_id: "call_spawn", arguments: { message: "say hi" } }] }
          }
          if (mainRequests === 2) {
            const spawned = inputOf(request).find((item) => item.type === "function_call_output")
            const agentId = (JSON.parse(String(spawned?.output)) as { agent_id: string }).agent_id
            return {
              type: "function_calls",
              calls: [{ name: "wait_agent", call_id: "call_wait", arguments: { ids: [agentId], timeout_ms: 10000 } }]
            }
          }
          return { type: "message", text: "all done" }
        }
      })
      const run = yield* h.cli(["delegate a greeting"])
      expect(run.stdout).toBe("all done\n")
      expect(run.exitCode).toBe(0)

      const posts = yield* h.posts
      const sub = posts.filter((r) => r.headers["x-openai-subagent"] === "collab_spawn")
      const main = posts.filter((r) => r.headers["x-openai-subagent"] === undefined)
      expect(sub.length).toBe(1)
      expect(main.length).toBe(3)
      const subBody = sub[0]!.body as { tools: ReadonlyArray<{ name?: string; type: string }>; prompt_cache_key: string }
      expect(subBody.tools.map((t) => t.name ?? t.type)).toEqual([
        "exec_command", "write_stdin", "update_plan", "apply_patch", "web_search", "view_image"
      ])
      const agentId = (JSON.parse(String(inputOf(main[1]).find((i) => i.type === "function_call_output")?.output)) as { agent_id: string }).agent_id
      expect(subBody.prompt_cache_key).toBe(agentId)
      expect(sub[0]!.headers["session_id"]).toBe(agentId)
      const notification = inputOf(main[2]).find((item) =>
        item.role === "user" && String(item.content?.[0]?.text).startsWith("<subagent_notification>")
      )
      expect(notification?.content?.[0]?.text).toBe(
        `<subagent_notification>\n{"agent_id":"${agentId}","status":{"completed":"sub-agent says hi"}}\n</subagent_notification>`
      )
    }).pipe(Effect.provide(NodeContext.layer)))
})
