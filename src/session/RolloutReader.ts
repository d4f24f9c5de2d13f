/** RolloutReader: reads rollout files tolerantly and loads a saved session back (history, turns, title). */
import * as FileSystem from "@effect/platform/FileSystem"
import { Data, Effect, Either, Option, Schema } from "effect"
import type { ConversationItem } from "../protocol/Items.js"
import { scanJsonValues } from "./internal/jsonValues.js"
import { decodeEntry, type RolloutEntry, type SessionMetaInfo } from "./RolloutRecord.js"
import { historyToTurns, rebuildHistory, sessionTitle, type Turn } from "./SessionHistory.js"

/** A rollout that cannot be used. `message` is what a person sees. */
export class RolloutReadError extends Data.TaggedError("RolloutReadError")<{
  readonly reason: "Io" | "Parse" | "Empty" | "NoHistory"
  readonly path: string
  readonly detail?: string
}> {
  override get message() {
    switch (this.reason) {
      case "Io":
        return `cannot read rollout file ${this.path}: ${this.detail ?? "unknown error"}`
      case "Parse":
        return `failed to parse rollout file ${this.path}: ${this.detail ?? "invalid JSON"}`
      case "Empty":
        return `no rollout entries found in ${this.path}`
      case "NoHistory":
        return `No resumable history found in ${this.path}`
    }
  }
}

/** The records of one rollout file. */
export interface ParsedRollout {
  readonly path: string
  readonly entries: ReadonlyArray<RolloutEntry>
  /** Damaged stretches skipped (a cut-off last record counts as one). */
  readonly skipped: number
}

/** A saved session loaded back. */
export interface LoadedSession {
  /** The id to continue under: `session_meta`'s id, else the id in the file name. */
  readonly sessionId: string
  readonly threadId: string
  readonly title: string
  readonly history: ReadonlyArray<ConversationItem>
  readonly turns: ReadonlyArray<Turn>
  readonly rolloutPath: string
  readonly meta: SessionMetaInfo | undefined
  readonly skipped: number
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The thread id a rollout file name ends with (`rollout-<time>-<id>.jsonl`), if it has one. */
export const threadIdFromPath = (path: string): string | undefined => {
  const name = path.slice(path.lastIndexOf("/") + 1)
  if (!name.endsWith(".jsonl")) return undefined
  const stem = name.slice(0, -".jsonl".length)
  const id = stem.slice(-36)
  return uuidPattern.test(id) ? id : undefined
}

export const isUuid = (text: string): boolean => uuidPattern.test(text)

const decoder = new TextDecoder("utf-8")

/** Bytes as UTF-8, invalid sequences replaced by U+FFFD (a leading byte-order mark is dropped). */
export const decodeUtf8 = (bytes: Uint8Array): string => decoder.decode(bytes)

/**
 * Visits the records of rollout text in order until `visit` returns false, so a caller looking for one
 * record stops early. Fails on a damaged stretch only when no record came before it (the text is not a
 * rollout); later damage is skipped and counted. JSON values that are not objects are ignored.
 */
export const scanEntries = (
  text: string,
  path: string,
  visit: (entry: RolloutEntry) => boolean
): Either.Either<{ readonly skipped: number }, RolloutReadError> => {
  let sawObject = false
  let skipped = 0
  for (const scanned of scanJsonValues(text)) {
    if (scanned._tag === "Bad") {
      if (!sawObject) return Either.left(new RolloutReadError({ reason: "Parse", path, detail: scanned.message }))
      skipped++
      continue
    }
    const value = scanned.value
    if (value === null || typeof value !== "object" || Array.isArray(value)) continue
    sawObject = true
    const entry = decodeEntry(value)
    if (entry !== undefined && !visit(entry)) break
  }
  return sawObject ? Either.right({ skipped }) : Either.left(new RolloutReadError({ reason: "Empty", path }))
}

/** Every record of rollout text, or why the text is not a rollout. */
export const parseRollout = (text: string, path: string): Either.Either<ParsedRollout, RolloutReadError> => {
  const entries: Array<RolloutEntry> = []
  return Either.map(
    scanEntries(text, path, (entry) => {
      entries.push(entry)
      return true
    }),
    ({ skipped }) => ({ path, entries, skipped })
  )
}

/** Reads a file as UTF-8 text (invalid bytes replaced). */
export const readText = (path: string): Effect.Effect<string, RolloutReadError, FileSystem.FileSystem> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => fs.readFile(path)).pipe(
    Effect.map(decodeUtf8),
    Effect.mapError((error) => new RolloutReadError({ reason: "Io", path, detail: error.message }))
  )

/** Reads every record of a rollout file. */
export const readRollout = (path: string): Effect.Effect<ParsedRollout, RolloutReadError, FileSystem.FileSystem> =>
  Effect.flatMap(readText(path), (text) => parseRollout(text, path))

/** Builds the loaded session from parsed records; fails when they hold no history. */
export const loadParsed = (
  parsed: ParsedRollout,
  threadName?: string
): Either.Either<LoadedSession, RolloutReadError> => {
  const rebuilt = rebuildHistory(parsed.entries)
  if (rebuilt.history.length === 0) return Either.left(new RolloutReadError({ reason: "NoHistory", path: parsed.path }))
  const threadId = threadIdFromPath(parsed.path) ?? rebuilt.sessionId ?? ""
  const turns = historyToTurns(rebuilt.history)
  return Either.right({
    sessionId: rebuilt.sessionId ?? threadId,
    threadId,
    title: sessionTitle(threadName, turns, threadId),
    history: rebuilt.history,
    turns,
    rolloutPath: parsed.path,
    meta: rebuilt.meta,
    skipped: parsed.skipped
  })
}

/** Loads a saved session from its rollout file; `threadName` (from the session index) becomes its title. */
export const loadSession = (
  path: string,
  options: { readonly threadName?: string | undefined } = {}
): Effect.Effect<LoadedSession, RolloutReadError, FileSystem.FileSystem> =>
  Effect.flatMap(readRollout(path), (parsed) => loadParsed(parsed, options.threadName))

// ---------------------------------------------------------------------------
// session index (`$CODEX_HOME/session_index.jsonl`): names given to threads

const IndexLine = Schema.parseJson(Schema.Struct({ id: Schema.String, thread_name: Schema.String }))
const decodeIndexLine = Schema.decodeUnknownOption(IndexLine)

/** Thread names by id; the last line naming an id wins, unreadable lines are skipped. */
export const parseSessionIndex = (text: string): ReadonlyMap<string, string> => {
  const names = new Map<string, string>()
  const lines = text.split(/\r?\n/u)
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim()
    if (line === "") continue
    const decoded = decodeIndexLine(line)
    if (Option.isNone(decoded)) continue
    const key = decoded.value.id.trim()
    const threadName = decoded.value.thread_name.trim()
    if (key !== "" && threadName !== "" && !names.has(key)) names.set(key, threadName)
  }
  return names
}

/** Reads the session index of a Codex home; a missing or unreadable index names nothing. */
export const readSessionIndex = (
  codexHome: string
): Effect.Effect<ReadonlyMap<string, string>, never, FileSystem.FileSystem> =>
  readText(`${codexHome}/session_index.jsonl`).pipe(
    Effect.map(parseSessionIndex),
    Effect.orElseSucceed((): ReadonlyMap<string, string> => new Map())
  )
