/** The session store: zero-padded ids counting from 1 per store, records kept with their session and model. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as SessionStore from "../../../src/server/SessionStore.js"

describe("SessionStore", () => {
  it.effect("allocates resp_00000001, resp_00000002 and remembers them", () =>
    Effect.gen(function* () {
      const store = yield* SessionStore.make
      const first = yield* store.allocate("s-1", "gpt-5.4")
      const second = yield* store.allocate(null, "m")
      expect([first.responseId, second.responseId]).toEqual(["resp_00000001", "resp_00000002"])
      expect(yield* store.lookup("resp_00000001")).toEqual(first)
      expect(first).toMatchObject({ sessionId: "s-1", model: "gpt-5.4" })
      expect(yield* store.lookup("resp_00000003")).toBeUndefined()
      const other = yield* SessionStore.make
      expect((yield* other.allocate(null, "m")).responseId).toBe("resp_00000001")
    }))
})
