/** A rate-limited request in one-shot mode is announced like any retry, in both progress styles, on the built CLI. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { FakeTurn } from "../support/FakeResponsesServer.js"
import { setup } from "./support.js"

const rateLimited: FakeTurn = {
  type: "http_error",
  status: 429,
  headers: { "retry-after": "1" },
  body: { error: { message: "Rate limit reached.", type: "tokens", code: "rate_limit_exceeded" } }
}

describe("HTTP 429 in one-shot mode", () => {
  it.scopedLive("is announced as `Reconnecting... 1/5` with its wait, then the answer comes", () =>
    Effect.gen(function* () {
      const h = yield* setup({ turns: [rateLimited], exhausted: { type: "message", text: "DONE" } })
      const plain = yield* h.cli(["say done"])
      expect(plain.exitCode).toBe(0)
      expect(plain.stdout).toBe("DONE\n")
      expect(plain.stderr).toBe("[status] Reconnecting... 1/5 in 1s\n")

      const again = yield* setup({ turns: [rateLimited], exhausted: { type: "message", text: "DONE" } })
      const codexStyle = yield* again.cli(["exec", "--skip-git-repo-check", "--color", "never", "say done"])
      expect(codexStyle.exitCode).toBe(0)
      expect(codexStyle.stdout).toBe("DONE\n")
      expect(codexStyle.stderr.split("\n")).toContain("Reconnecting... 1/5 in 1s")
      expect((yield* again.posts).length).toBe(2)
    }).pipe(Effect.provide(NodeContext.layer)), 60_000)
})
