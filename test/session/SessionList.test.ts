/** Tests of SessionList: listSessions. */
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, TestClock } from "effect"
import * as Items from "../../src/protocol/Items.js"
import * as RolloutReader from "../../src/session/RolloutReader.js"
import * as RolloutStore from "../../src/session/RolloutStore.js"
import * as SessionList from "../../src/session/SessionList.js"

const NAMED = "11111111-2222-3333-4444-555555555555"
const UNNAMED = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
const OTHER = "aaaaaaaa-0000-4000-8000-000000000000"

const userEvent = (text: string) =>
  JSON.stringify({
    timestamp: "2026-04-07T00:00:00.000Z",
    type: "event_msg",
    payload: { type: "user_message", message: text, images: [], local_images: [], text_elements: [] }
  })
const meta = (id: string, cwd = "/project") =>
  JSON.stringify({ timestamp: "2026-04-07T00:00:00.000Z", type: "session_meta", payload: { id, cwd } })

/** Writes a rollout under `<home>/<folder>/2026/04/07/` with the given lines and modification time (seconds). */
const writeRollout = (home: string, id: string, lines: ReadonlyArray<string>, mtime: number, folder = "sessions") =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const dir = `${home}/${folder}/2026/04/07`
    yield* fs.makeDirectory(dir, { recursive: true })
    const path = `${dir}/rollout-2026-04-07T00-00-00-${id}.jsonl`
    yield* fs.writeFileString(path, lines.join("\n") + "\n")
    yield* fs.utimes(path, mtime, mtime)
    return path
  })

const withHome = <A, E>(f: (home: string, fs: FileSystem.FileSystem) => Effect.Effect<A, E, FileSystem.FileSystem>) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const home = yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-sessions-" })
    return yield* f(home, fs)
  }).pipe(Effect.provide(NodeFileSystem.layer))

/** Two sessions: the unnamed one changed later (mtime 200) than the named one (mtime 100). */
const twoSessions = (home: string, fs: FileSystem.FileSystem) =>
  Effect.gen(function* () {
    const named = yield* writeRollout(home, NAMED, [meta(NAMED, "/named"), userEvent("named prompt")], 100)
    const unnamed = yield* writeRollout(home, UNNAMED, [meta(UNNAMED), userEvent("unnamed prompt")], 200)
    yield* fs.writeFileString(`${home}/session_index.jsonl`, JSON.stringify({ id: NAMED, thread_name: "saved thread" }) + "\n")
    return { named, unnamed }
  })

describe("listSessions", () => {
  it.scoped("orders by modification time, newest first, previewing the first user message", () =>
    withHome((home, fs) =>
      Effect.gen(function* () {
        const { named, unnamed } = yield* twoSessions(home, fs)
        const { entries, problems } = yield* SessionList.listSessions(home)
        expect(problems).toEqual([])
        expect(entries.map((e) => [e.threadId, e.preview, e.title, e.rolloutPath])).toEqual([
          [UNNAMED, "unnamed prompt", "unnamed prompt", unnamed],
          [NAMED, "named prompt", "saved thread", named]
        ])
        expect(SessionList.formatResumeChoices(entries)).toEqual([
          "Available sessions:",
          "[1] unnamed prompt",
          "[2] named prompt"
        ])
        expect(SessionList.formatSessionList(entries)).toEqual([
          `${UNNAMED}  1970-01-01 00:03  /project  unnamed prompt`,
          `${NAMED}  1970-01-01 00:01  /named  named prompt`
        ])
        expect(SessionList.sessionJson(entries[1]!)).toEqual({
          thread_id: NAMED,
          title: "saved thread",
          preview: "named prompt",
          rollout_path: named,
          cwd: "/named",
          updated_at: "1970-01-01T00:01:40.000Z"
        })
      })
    ))

  it.scoped("hides sessions where nothing was typed, and applies the limit to resumable ones", () =>
    withHome((home) =>
      Effect.gen(function* () {
        yield* TestClock.setTime(Date.UTC(2026, 3, 7))
        const store = yield* RolloutStore.make(home)
        yield* Effect.scoped(Effect.flatMap(
          store.create({ cwd: "/w", originator: "codex-tui", cliVersion: "0.1.0", provider: null, baseInstructions: null }),
          (session) => session.flush
        ))
        expect(SessionList.formatResumeChoices((yield* SessionList.listSessions(home)).entries)).toEqual([
          "No resumable sessions found."
        ])
        yield* writeRollout(home, NAMED, [userEvent("older")], 100)
        yield* writeRollout(home, UNNAMED, [userEvent("newer")], 200)
        const limited = yield* SessionList.listSessions(home, { limit: 1 })
        expect(limited.entries.map((e) => e.preview)).toEqual(["newer"])
      })
    ))

  it.scoped("includes archived sessions and keeps the newest file of a thread", () =>
    withHome((home) =>
      Effect.gen(function* () {
        yield* writeRollout(home, NAMED, [userEvent("archived copy")], 300, "archived_sessions")
        yield* writeRollout(home, NAMED, [userEvent("live copy")], 100)
        yield* writeRollout(home, UNNAMED, [userEvent("other")], 200)
        const { entries } = yield* SessionList.listSessions(home)
        expect(entries.map((e) => e.preview)).toEqual(["archived copy", "other"])
      })
    ))

  it.scoped("reports and skips unreadable files and rollout-named folders, listing the rest", () =>
    withHome((home, fs) =>
      Effect.gen(function* () {
        yield* writeRollout(home, NAMED, ["{broken"], 300)
        yield* writeRollout(home, UNNAMED, [userEvent("still listed")], 100)
        yield* fs.makeDirectory(`${home}/sessions/2026/04/07/rollout-2026-04-07T00-00-00-${OTHER}.jsonl`)
        yield* fs.writeFileString(`${home}/sessions/notes.txt`, "not a rollout")
        const { entries, problems } = yield* SessionList.listSessions(home)
        expect(entries.map((e) => e.preview)).toEqual(["still listed"])
        expect(problems).toHaveLength(2)
        expect(problems.find((p) => p.includes(OTHER))).toMatch(/: a directory, not a rollout file$/)
        expect(problems.find((p) => p.includes(NAMED))).toMatch(/: failed to parse rollout file /)
      })
    ))

  it.scoped("lists today's Codex rollouts by their first real prompt", () =>
    withHome((home, fs) =>
      Effect.gen(function* () {
        const source = NodePath.join(import.meta.dirname, "..", "fixtures", "recorded-rollouts", "codex-0.169.0", "message-only")
        const name = (yield* fs.readDirectory(source)).find((n) => n.startsWith("rollout-"))!
        yield* fs.makeDirectory(`${home}/sessions/2026/11/23`, { recursive: true })
        yield* fs.copyFile(`${source}/${name}`, `${home}/sessions/2026/11/23/${name}`)
        const { entries } = yield* SessionList.listSessions(home)
        expect(entries.map((e) => [e.preview, e.cwd])).toEqual([["Reply with OK", "/home/dev/discover/workspace"]])
      })
    ))

  it.scoped("is empty, without problems, when the Codex home has no sessions folder", () =>
    withHome((home) =>
      Effect.gen(function* () {
        expect(yield* SessionList.listSessions(`${home}/nothing-here`)).toEqual({ entries: [], problems: [] })
      })
    ))
})

describe("findSession", () => {
  it.scoped("finds by full id, unique prefix, path, or the newest", () =>
    withHome((home, fs) =>
      Effect.gen(function* () {
        const { named, unnamed } = yield* twoSessions(home, fs)
        expect((yield* SessionList.findSession(home, NAMED)).rolloutPath).toBe(named)
        expect((yield* SessionList.findSession(home, NAMED.toUpperCase())).rolloutPath).toBe(named)
        expect((yield* SessionList.findSession(home, "1111")).rolloutPath).toBe(named)
        expect((yield* SessionList.findSession(home, unnamed)).threadId).toBe(UNNAMED)
        expect((yield* SessionList.findSession(home, { last: true })).threadId).toBe(UNNAMED)
      })
    ))

  it.scoped("explains a missing or ambiguous match", () =>
    withHome((home, fs) =>
      Effect.gen(function* () {
        yield* twoSessions(home, fs)
        yield* writeRollout(home, OTHER, [userEvent("third prompt")], 50)
        const none = yield* Effect.flip(SessionList.findSession(home, "ffff"))
        expect(none.message).toBe(`no session matches "ffff"`)
        const missingPath = yield* Effect.flip(SessionList.findSession(home, `${home}/missing.jsonl`))
        expect(missingPath.message).toBe(`no session matches "${home}/missing.jsonl"`)
        const several = yield* Effect.flip(SessionList.findSession(home, "aaaaaaaa"))
        expect(several.reason).toBe("Ambiguous")
        expect(several.message.split("\n")).toEqual([
          `several sessions match "aaaaaaaa":`,
          `  ${UNNAMED}  1970-01-01 00:03  /project  unnamed prompt`,
          `  ${OTHER}  1970-01-01 00:00  -  third prompt`
        ])
      })
    ))

  it.scoped("says so when there is nothing to resume", () =>
    withHome((home) =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(SessionList.findSession(home, { last: true }))
        expect(error.message).toBe("no resumable sessions found")
      })
    ))
})

describe("selectByIndex", () => {
  const entry = (preview: string): SessionList.SessionEntry => ({
    threadId: NAMED,
    title: preview,
    preview,
    rolloutPath: "/r.jsonl",
    modifiedAt: new Date(0),
    cwd: undefined
  })

  it("picks by 1-based number and explains bad input", () => {
    const entries = [entry("first"), entry("second")]
    expect(Either.map(SessionList.selectByIndex(entries, " 2 "), (e) => e.preview)).toEqual(Either.right("second"))
    const message = (text: string) => Either.match(SessionList.selectByIndex(entries, text), {
      onLeft: (e) => e.message,
      onRight: () => "selected"
    })
    expect(message("foo")).toBe("Usage: /resume <number>")
    expect(message("")).toBe("Usage: /resume <number>")
    expect(message("0")).toBe("Session not found: 0")
    expect(message("3")).toBe("Session not found: 3")
  })
})

describe("restart then resume", () => {
  it.scoped("a recorded session is listed, loads back its turns, and keeps its id", () =>
    withHome((home) =>
      Effect.gen(function* () {
        yield* TestClock.setTime(Date.UTC(2026, 3, 7, 12))
        const store = yield* RolloutStore.make(home)
        const sessionId = yield* Effect.scoped(Effect.gen(function* () {
          const session = yield* store.create({
            cwd: "/w",
            originator: "codex-tui",
            cliVersion: "0.1.0",
            provider: "demo",
            baseInstructions: "BASE"
          })
          yield* session.recorder.appendHistoryItems([Items.userMessage("hello")])
          yield* session.recorder.appendHistoryItems([Items.assistantMessage("first answer")])
          yield* session.recorder.appendHistoryItems([Items.userMessage("what next")])
          yield* session.recorder.appendHistoryItems([Items.assistantMessage("second answer")])
          return session.sessionId
        }))
        const { entries } = yield* SessionList.listSessions(home)
        expect(SessionList.formatResumeChoices(entries)).toEqual(["Available sessions:", "[1] hello"])
        const chosen = Either.getOrThrow(SessionList.selectByIndex(entries, "1"))
        const loaded = yield* RolloutReader.loadSession(chosen.rolloutPath)
        expect(loaded.sessionId).toBe(sessionId)
        expect(loaded.title).toBe("hello")
        expect(loaded.turns).toEqual([
          { user: "hello", assistant: "first answer" },
          { user: "what next", assistant: "second answer" }
        ])
      })
    ))
})
