/** Trajectory dumps: token ids of every downstream call appended to `dump.jsonl` when TSCODEX_DUMP (or PYCODEX_DUMP) is set. */
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as TrajectoryDump from "../../../src/server/TrajectoryDump.js"
import * as FakeChatServer from "../../support/FakeChatServer.js"
import { chatReply, chunk } from "../../support/FakeChatServer.js"
import { inbound, start, userMessage } from "./support.js"

const lines = (text: string) => text.split("\n").filter((l) => l !== "")

describe("TrajectoryDump", () => {
  it("formats a record as one spaced-JSON line with a float timestamp", () => {
    expect(TrajectoryDump.formatRecord({ prefill: [1, 2], decode: [], sendTimestamp: 1700000000 })).toBe(
      "{\"tokens\": {\"prefill\": [1, 2], \"decode\": []}, \"send_timestamp\": 1700000000.0}\n"
    )
  })

  it.scopedLive("asks for token ids and appends one record per downstream call", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const tmp = yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-dump-" })
      const dir = `${tmp}/dump`
      const fake = yield* FakeChatServer.make({
        chat: [chatReply([
          chunk({ role: "assistant", content: "Hello" }, null, { prompt_token_ids: [101, 102, 103] }),
          { ...chunk({}, "stop"), choices: [{ index: 0, delta: {}, finish_reason: "stop", token_ids: [201, 202] }] }
        ])]
      })
      expect(yield* fs.exists(dir)).toBe(false)
      const server = yield* start({ outcommingBaseUrl: fake.url }, { env: { TSCODEX_DUMP: dir } })
      expect(yield* fs.exists(dir)).toBe(true)
      const reply = yield* server.post("/v1/responses", inbound("Be concise.", [userMessage("hi")]))
      expect(reply.text).toContain("event: response.completed")
      expect((fake.posts()[0]!.body as Record<string, unknown>).return_token_ids).toBe(true)
      const records = lines(yield* fs.readFileString(`${dir}/dump.jsonl`)).map((l) => JSON.parse(l) as Record<string, unknown>)
      expect(records).toHaveLength(1)
      expect(records[0]!.tokens).toEqual({ prefill: [101, 102, 103], decode: [201, 202] })
      expect(typeof records[0]!.send_timestamp).toBe("number")
      expect(lines(yield* fs.readFileString(`${dir}/dump.jsonl`))[0]).toMatch(/"send_timestamp": \d+\.\d+\}$/)
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("an unreachable downstream still gets an empty record; PYCODEX_DUMP is read too", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const dir = yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-dump-" })
      const server = yield* start({ outcommingBaseUrl: "http://127.0.0.1:1/v1" }, { env: { PYCODEX_DUMP: ` ${dir} ` } })
      const reply = yield* server.post("/v1/responses", inbound("", [userMessage("hi")]))
      expect(reply.text).toContain("event: response.failed")
      const records = lines(yield* fs.readFileString(`${dir}/dump.jsonl`)).map((l) => JSON.parse(l) as Record<string, unknown>)
      expect(records.map((r) => r.tokens)).toEqual([{ prefill: [], decode: [] }])
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("creates dump.jsonl readable and writable by its owner only (0600), even with a umask of 0", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const dir = yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-dump-" })
      // with umask 0 a file created without an explicit mode would be 0666
      yield* Effect.acquireRelease(Effect.sync(() => process.umask(0)), (old) => Effect.sync(() => process.umask(old)))
      const dump = yield* TrajectoryDump.make(dir)
      yield* dump.append({ prefill: [1], decode: [2], sendTimestamp: 1 })
      expect((yield* fs.stat(`${dir}/${TrajectoryDump.FILE_NAME}`)).mode & 0o777).toBe(0o600)
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("without the variable nothing is asked for", () =>
    Effect.gen(function* () {
      const fake = yield* FakeChatServer.make({ chat: [chatReply(FakeChatServer.textChunks("x"))] })
      const server = yield* start({ outcommingBaseUrl: fake.url })
      yield* server.post("/v1/responses", inbound("", [userMessage("hi")]))
      expect(fake.posts()[0]!.body).not.toHaveProperty("return_token_ids")
    }))
})
