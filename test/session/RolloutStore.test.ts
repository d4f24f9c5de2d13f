/** Tests of RolloutStore: RolloutStore.create. */
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Option, Ref, TestClock } from "effect"
import * as Items from "../../src/protocol/Items.js"
import * as RolloutReader from "../../src/session/RolloutReader.js"
import * as RolloutStore from "../../src/session/RolloutStore.js"

const SESSION = "11111111-2222-3333-4444-555555555555"
const T0 = Date.UTC(2026, 3, 7, 0, 0, 0, 987)
const STAMP = "2026-04-07T00:00:00.987Z"

const meta = {
  sessionId: SESSION,
  cwd: "/home/dev/project",
  originator: "codex-tui",
  cliVersion: "0.1.12",
  provider: "demo",
  baseInstructions: "BASE"
}

const withHome = <A, E>(f: (home: string, fs: FileSystem.FileSystem) => Effect.Effect<A, E, any>) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const home = yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-rollout-" })
    yield* TestClock.setTime(T0)
    return yield* f(home, fs)
  }).pipe(Effect.provide(NodeFileSystem.layer))

const turnItems: ReadonlyArray<Items.ConversationItem> = [
  Items.reasoningItem({ type: "reasoning", id: "rs_1", summary: [] }),
  Items.assistantMessage("checking"),
  Items.toolCall("c1", "echo", { text: "héllo" }),
  Items.toolResult({ callId: "c1", name: "echo", output: "héllo" })
]

const event = (text: string) =>
  `{"timestamp":"${STAMP}","type":"event_msg","payload":{"type":"user_message","message":"${text}","images":[],"local_images":[],"text_elements":[]}}`
const item = (payload: string) => `{"timestamp":"${STAMP}","type":"response_item","payload":${payload}}`
const user = (text: string) => item(`{"type":"message","role":"user","content":[{"type":"input_text","text":"${text}"}]}`)

describe("RolloutStore.create", () => {
  it.scoped("writes the spec's records, in order and exact key order, under sessions/YYYY/MM/DD", () =>
    withHome((home, fs) =>
      Effect.gen(function* () {
        const store = yield* RolloutStore.make(home)
        const session = yield* store.create(meta)
        expect(session.path).toBe(`${home}/sessions/2026/04/07/rollout-2026-04-07T00-00-00-${SESSION}.jsonl`)
        yield* session.recorder.appendHistoryItems([Items.userMessage("hi"), Items.userMessage("there")])
        yield* session.recorder.appendHistoryItems(turnItems)
        yield* session.recorder.appendHistoryItems([Items.assistantMessage("final")])
        yield* session.flush
        const lines = (yield* fs.readFileString(session.path)).split("\n")
        expect(lines).toEqual([
          `{"timestamp":"${STAMP}","type":"session_meta","payload":{"id":"${SESSION}","timestamp":"${STAMP}",` +
          `"cwd":"/home/dev/project","originator":"codex-tui","cli_version":"0.1.12","source":"cli",` +
          `"model_provider":"demo","base_instructions":{"text":"BASE"}}}`,
          user("hi"),
          event("hi"),
          user("there"),
          event("there"),
          item(`{"type":"reasoning","id":"rs_1","summary":[]}`),
          item(`{"type":"message","role":"assistant","content":[{"type":"output_text","text":"checking"}]}`),
          item(`{"type":"function_call","name":"echo","arguments":"{\\"text\\":\\"héllo\\"}","call_id":"c1"}`),
          item(`{"type":"function_call_output","call_id":"c1","output":"héllo"}`),
          item(`{"type":"message","role":"assistant","content":[{"type":"output_text","text":"final"}]}`),
          ""
        ])
      })
    ))

  it.scoped("puts every record on disk while the session is still open, compacted records included", () =>
    withHome((home, fs) =>
      Effect.gen(function* () {
        const store = yield* RolloutStore.make(home)
        const session = yield* store.create({ ...meta, provider: null })
        yield* session.flush
        const first = yield* fs.readFileString(session.path)
        expect(first.split("\n")).toHaveLength(2)
        expect(first).toContain(`"model_provider":null`)

        yield* session.recorder.appendHistoryItems([Items.userMessage("hello")])
        yield* session.flush
        expect((yield* fs.readFileString(session.path)).split("\n")).toHaveLength(4)

        yield* session.recorder.appendCompacted([Items.userMessage("kept"), Items.userMessage("summary")])
        yield* session.flush
        const last = (yield* fs.readFileString(session.path)).trimEnd().split("\n").at(-1)
        expect(last).toBe(
          `{"timestamp":"${STAMP}","type":"compacted","payload":{"replacement_history":[` +
            `{"type":"message","role":"user","content":[{"type":"input_text","text":"kept"}]},` +
            `{"type":"message","role":"user","content":[{"type":"input_text","text":"summary"}]}]}}`
        )
      })
    ))

  it.scoped("creates the rollout readable and writable by its owner only (0600), even with a umask of 0", () =>
    withHome((home, fs) =>
      Effect.gen(function* () {
        // with umask 0 a file created without an explicit mode would be 0666
        yield* Effect.acquireRelease(Effect.sync(() => process.umask(0)), (old) => Effect.sync(() => process.umask(old)))
        const store = yield* RolloutStore.make(home)
        const session = yield* store.create(meta)
        yield* session.recorder.appendHistoryItems([Items.userMessage("secret")])
        yield* session.flush
        expect((yield* fs.stat(session.path)).mode & 0o777).toBe(0o600)
      })
    ))

  it.scoped("drains queued records when its scope closes, without an explicit flush", () =>
    withHome((home) =>
      Effect.gen(function* () {
        const store = yield* RolloutStore.make(home)
        const path = yield* Effect.scoped(
          Effect.gen(function* () {
            const session = yield* store.create(meta)
            for (let i = 0; i < 50; i++) yield* session.recorder.appendHistoryItems([Items.userMessage(`m${i}`)])
            return session.path
          })
        )
        const loaded = yield* RolloutReader.loadSession(path)
        expect(loaded.history).toHaveLength(50)
        expect(loaded.history.at(-1)).toEqual(Items.userMessage("m49"))
      })
    ))

  it.scoped("uses a fresh UUIDv7 when no id is given, and rejects ids that are not UUIDs", () =>
    withHome((home) =>
      Effect.gen(function* () {
        const store = yield* RolloutStore.make(home)
        const { sessionId, ...rest } = meta
        void sessionId
        const session = yield* store.create(rest)
        expect(session.sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
        expect(session.path.endsWith(`-${session.sessionId}.jsonl`)).toBe(true)
        const error = yield* Effect.flip(store.create({ ...meta, sessionId: "../../etc/passwd" }))
        expect(error.message).toBe(`invalid session id "../../etc/passwd": expected a UUID`)
      })
    ))
})

describe("RolloutStore with an unwritable sessions folder", () => {
  it.scoped("keeps recording calls succeeding and reports one warning", () =>
    withHome((home, fs) =>
      Effect.gen(function* () {
        yield* fs.writeFileString(`${home}/sessions`, "a file where the folder should be")
        const warnings = yield* Ref.make<ReadonlyArray<string>>([])
        const store = yield* RolloutStore.make(home)
        const session = yield* store.create({
          ...meta,
          onWarning: (message) => Ref.update(warnings, (all) => [...all, message])
        })
        yield* session.recorder.appendHistoryItems([Items.userMessage("hello")])
        yield* session.recorder.appendHistoryItems(turnItems)
        yield* session.recorder.appendCompacted([Items.userMessage("hello")])
        yield* session.flush
        const seen = yield* Ref.get(warnings)
        expect(seen).toHaveLength(1)
        expect(seen[0]).toMatch(/^warning: cannot write session rollout .*rollout-2026-04-07T00-00-00-.*\.jsonl: /)
        expect(seen[0]).toContain("no longer saved")
        expect(yield* session.warning).toEqual(Option.some(seen[0]))
        expect(yield* fs.readFileString(`${home}/sessions`)).toBe("a file where the folder should be")
      })
    ))
})

describe("RolloutStore.attach", () => {
  it.scoped("writes nothing on attach and appends later records to the same file", () =>
    withHome((home, fs) =>
      Effect.gen(function* () {
        const store = yield* RolloutStore.make(home)
        const path = yield* Effect.scoped(Effect.gen(function* () {
          const session = yield* store.create(meta)
          yield* session.recorder.appendHistoryItems([Items.userMessage("hello"), Items.assistantMessage("first")])
          return session.path
        }))
        const before = yield* fs.readFileString(path)
        const session = yield* store.attach(path)
        expect(session.sessionId).toBe(SESSION)
        yield* session.flush
        expect(yield* fs.readFileString(path)).toBe(before)
        yield* session.recorder.appendHistoryItems([Items.userMessage("continue")])
        yield* session.flush
        const after = yield* fs.readFileString(path)
        expect(after.startsWith(before)).toBe(true)
        expect(after.slice(before.length)).toBe(user("continue") + "\n" + event("continue") + "\n")
      })
    ))

  it.scoped("starts on a new line after a record cut off by a crash, so both stay readable", () =>
    withHome((home, fs) =>
      Effect.gen(function* () {
        const path = `${home}/sessions/2026/04/07/rollout-2026-04-07T00-00-00-${SESSION}.jsonl`
        yield* fs.makeDirectory(`${home}/sessions/2026/04/07`, { recursive: true })
        yield* fs.writeFileString(path, user("hello") + "\n" + event("hello") + "\n" + `{"timestamp": "trunc`)
        const store = yield* RolloutStore.make(home)
        const session = yield* store.attach(path)
        yield* session.recorder.appendHistoryItems([Items.userMessage("again")])
        yield* session.flush
        const loaded = yield* RolloutReader.loadSession(path)
        expect(loaded.history).toEqual([Items.userMessage("hello"), Items.userMessage("again")])
        expect(loaded.skipped).toBe(1)
      })
    ))
})

describe("RolloutStore.layerMemory", () => {
  it.scoped("records the same lines in memory", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(T0)
      const memory = yield* RolloutStore.makeMemory("/home")
      const session = yield* memory.store.create(meta)
      yield* session.recorder.appendHistoryItems([Items.userMessage("hi")])
      yield* session.flush
      const files = yield* memory.files
      expect([...files.keys()]).toEqual([`/home/sessions/2026/04/07/rollout-2026-04-07T00-00-00-${SESSION}.jsonl`])
      expect(files.get(session.path)?.split("\n").slice(1)).toEqual([user("hi"), event("hi"), ""])
    }))

  it.scoped("is a layer providing the store", () =>
    Effect.gen(function* () {
      const store = yield* RolloutStore.RolloutStore
      const session = yield* store.create(meta)
      expect(session.path.startsWith(`${store.codexHome}/sessions/`)).toBe(true)
    }).pipe(Effect.provide(RolloutStore.layerMemory)))
})
