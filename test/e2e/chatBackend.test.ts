/** A provider that needs the chat-completions bridge is refused clearly, before anything is sent. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { defaultConfig, setup } from "./support.js"

describe("chat-completions providers", () => {
  it.scopedLive("use_chat_completion is refused with a clear message and no request", () =>
    Effect.gen(function* () {
      const h = yield* setup([{ type: "message", text: "never" }], (url) => defaultConfig(url) + "use_chat_completion = true\n")
      const run = yield* h.cli(["hello"])
      expect(run.exitCode).toBe(1)
      expect(run.stderr).toBe(
        'Error: provider "fake" sets use_chat_completion, but this tscodex cannot reach chat-completions backends yet ' +
          "(the Responses compatibility server is not included); use a Responses endpoint\n"
      )
      expect(yield* h.posts).toEqual([])
    }).pipe(Effect.provide(NodeContext.layer)))
})
