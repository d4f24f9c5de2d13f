/** `response.incomplete` on the built CLI: no retry, finished items kept and their calls run, the reason named. */
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as NodeFs from "node:fs"
import { inputOf, jsonLines, setup } from "./support.js"

const incompleteTurn = (marker: string, reason: string) => ({
  type: "events" as const,
  events: [
    { type: "response.created", response: { id: "resp_1", object: "response", status: "in_progress", output: [] } },
    {
      type: "response.output_item.done",
      output_index: 0,
      item: { type: "message", id: "msg_1", role: "assistant", status: "completed", content: [{ type: "output_text", text: "partial answer", annotations: [] }] }
    },
    {
      type: "response.output_item.done",
      output_index: 1,
      item: { type: "function_call", id: "fc_1", call_id: "call_inc", name: "exec_command", arguments: JSON.stringify({ cmd: `touch '${marker}'` }), status: "completed" }
    },
    { type: "response.incomplete", response: { id: "resp_1", object: "response", status: "incomplete", incomplete_details: { reason }, output: [] } }
  ]
})

describe("response.incomplete", () => {
  it.scopedLive("fails the turn with the reason, without retrying, after running the finished call", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const dir = NodeFs.realpathSync(yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-incomplete-" }))
      const marker = `${dir}/ran`
      const h = yield* setup([incompleteTurn(marker, "max_output_tokens"), { type: "message", text: "after resume" }])
      const run = yield* h.cli(["do it"])
      expect(run.exitCode).toBe(1)
      expect(run.stderr.split("\n").filter((l) => l !== "").at(-1)).toBe("Error: Incomplete response returned, reason: max_output_tokens")
      expect(run.stderr).not.toContain("Reconnecting")
      expect((yield* h.posts).length).toBe(1)
      expect(NodeFs.existsSync(marker)).toBe(true)
      const [rollout] = yield* h.rollouts
      const items = jsonLines(NodeFs.readFileSync(rollout!, "utf8"))
        .filter((r) => r.type === "response_item")
        .map((r) => r.payload as Record<string, unknown>)
      expect(items.map((i) => String(i.type))).toEqual(["message", "message", "function_call", "function_call_output"])

      const resumed = yield* h.cli(["resume", "--last", "go on"])
      expect(resumed.stdout).toBe("after resume\n")
      const sent = inputOf((yield* h.posts)[1]).slice(-4)
      expect(sent.map((i) => String(i.type))).toEqual(["message", "function_call", "function_call_output", "message"])
      expect(sent[0]).toMatchObject({ role: "assistant", content: [{ type: "output_text", text: "partial answer" }] })
    }).pipe(Effect.provide(NodeContext.layer)), 60_000)

  it.scopedLive("a content filter stop names its reason and blames no server", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const dir = NodeFs.realpathSync(yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-incomplete-" }))
      const h = yield* setup([incompleteTurn(`${dir}/ran`, "content_filter")])
      const run = yield* h.cli(["do it"])
      expect(run.exitCode).toBe(1)
      expect(run.stderr).toContain("Error: Incomplete response returned, reason: content_filter")
      expect(run.stderr).not.toContain("hint")
      expect((yield* h.posts).length).toBe(1)
    }).pipe(Effect.provide(NodeContext.layer)), 60_000)
})
