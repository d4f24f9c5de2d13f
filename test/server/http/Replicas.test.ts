/** Scale-out: two server processes sharing one real Redis; a follow-up to a response of replica A is served by replica B. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { CLI_PATH } from "../../support/Cli.js"
import * as FakeChatServer from "../../support/FakeChatServer.js"
import { freePort, startProcess } from "../../support/Processes.js"
import { chatReply, textChunks } from "../../support/FakeChatServer.js"
import { events, eventTypes, inbound, userMessage } from "./support.js"

const redisBinary = (() => {
  try {
    return execFileSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).trim() || undefined
  } catch {
    return undefined
  }
})()


const post = (url: string, body: string) =>
  Effect.promise(async () => {
    const response = await fetch(`${url}/v1/responses`, { method: "POST", headers: { "content-type": "application/json" }, body })
    return { status: response.status, text: await response.text() }
  })

describe("replicas sharing Redis", () => {
  it.skipIf(redisBinary === undefined || !fs.existsSync(CLI_PATH))(
    "a follow-up whose previous_response_id came from replica A is served by replica B (needs redis-server on PATH and a built dist/, skipped without them)",
    () =>
      Effect.gen(function* () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tscodex-redis-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
        const redisPort = yield* freePort
        yield* startProcess(redisBinary!, ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], /Ready to accept connections/)
        const fake = yield* FakeChatServer.make({ chat: [chatReply(textChunks("Hello from A")), chatReply(textChunks("Hello from B"))] })
        const replica = (name: string) =>
          startProcess(process.execPath, [
            CLI_PATH, "responses-server", "--port", "0", "--outcomming-base-url", fake.url,
            "--session-store", `redis://127.0.0.1:${redisPort}`, "--no-access-log"
          ], /listening on http:\/\/127\.0\.0\.1:(\d+)/).pipe(Effect.map(({ match }) => ({ name, url: `http://127.0.0.1:${match[1]}` })))
        const a = yield* replica("a")
        const b = yield* replica("b")
        const first = yield* post(a.url, inbound("", [userMessage("hi")]))
        const firstId = (events(first.text)[0]!.response as { id: string }).id
        const second = yield* post(b.url, inbound("", [userMessage("and now?")], { previous_response_id: firstId }))
        expect(second.status).toBe(200)
        expect(eventTypes(second.text).at(-1)).toBe("response.completed")
        const secondId = (events(second.text)[0]!.response as { id: string }).id
        expect(secondId.split("_")[1]).not.toBe(firstId.split("_")[1]) // different instances
        expect((fake.posts()[1]!.body as { messages: unknown }).messages).toEqual([
          { role: "user", content: "hi" },
          { role: "assistant", content: "Hello from A" },
          { role: "user", content: "and now?" }
        ])
        const unknown = yield* post(b.url, inbound("", [], { previous_response_id: "resp_000000000000_00000009" }))
        expect(unknown.status).toBe(400)
      }).pipe(Effect.scoped, Effect.runPromise),
    120_000
  )
})
