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

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09

/** Rollout text taken in pieces of any size; `end` gives every record or why the text is not a rollout. */
export interface RolloutScanner {
  readonly push: (piece: string) => void
  readonly end: () => Either.Either<ParsedRollout, RolloutReadError>
}

/**
 * Reads records as whole lines arrive, so a file need not be held whole: each line holding exactly one
 * value is parsed on its own (how rollouts are written). From the first line that is not, the rest of
 * the text is kept and given to the general scanner at the end, which reads it exactly as `scanEntries`
 * would from that point (pretty-printed records, damaged stretches, a cut-off last record).
 */
export const makeRolloutScanner = (path: string): RolloutScanner => {
  const entries: Array<RolloutEntry> = []
  let sawObject = false
  let carry = "" // the unfinished last line
  let rest: Array<string> | undefined // everything from the first line that is not one value
  const take = (value: unknown) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return
    sawObject = true
    const entry = decodeEntry(value)
    if (entry !== undefined) entries.push(entry)
  }
  /** Parses the lines of `text` up to `stop` (a line break or the end); false once a line is not one value. */
  const lines = (text: string, stop: number): boolean => {
    let pos = 0
    while (pos < stop) {
      while (pos < stop && isSpace(text.charCodeAt(pos))) pos++
      if (pos >= stop) break
      let lineEnd = text.indexOf("\n", pos)
      if (lineEnd < 0 || lineEnd > stop) lineEnd = stop
      let value: unknown
      try {
        value = JSON.parse(text.slice(pos, lineEnd))
      } catch {
        rest = [text.slice(pos)]
        return false
      }
      take(value)
      pos = lineEnd + 1
    }
    return true
  }
  return {
    push: (piece) => {
      if (rest !== undefined) return void rest.push(piece)
      const text = carry + piece
      const cut = text.lastIndexOf("\n")
      if (cut < 0) return void (carry = text)
      carry = ""
      if (lines(text, cut)) carry = text.slice(cut + 1)
    },
    end: () => {
      if (rest === undefined && carry !== "") lines(carry, carry.length)
      carry = ""
      let skipped = 0
      if (rest !== undefined) {
        for (const scanned of scanJsonValues(rest.join(""))) {
          if (scanned._tag === "Bad") {
            if (!sawObject) return Either.left(new RolloutReadError({ reason: "Parse", path, detail: scanned.message }))
            skipped++
          } else take(scanned.value)
        }
      }
      return sawObject ? Either.right({ path, entries, skipped }) : Either.left(new RolloutReadError({ reason: "Empty", path }))
    }
  }
}

/** Every record of rollout text, or why the text is not a rollout. */
export const parseRollout = (text: string, path: string): Either.Either<ParsedRollout, RolloutReadError> => {
  const scanner = makeRolloutScanner(path)
  scanner.push(text)
  return scanner.end()
}

/** Reads a file as UTF-8 text (invalid bytes replaced). */
export const readText = (path: string): Effect.Effect<string, RolloutReadError, FileSystem.FileSystem> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => fs.readFile(path)).pipe(
    Effect.map(decodeUtf8),
    Effect.mapError((error) => new RolloutReadError({ reason: "Io", path, detail: error.message }))
  )

/** Bytes read from a rollout file at a time (a longer line grows the buffer). */
const PIECE_BYTES = 1 << 20
const NEWLINE = 0x0a
/** Later pieces keep a U+FEFF at their start: only the file's first bytes may be a byte-order mark. */
const laterPieces = new TextDecoder("utf-8", { ignoreBOM: true })

/**
 * Reads every record of a rollout file a piece at a time, so the file's bytes and text are never held
 * whole. Pieces end at a line break, which is never part of a multi-byte character, so each decodes on
 * its own exactly as the whole file would (streaming decoding is several times slower).
 */
export const readRollout = (path: string): Effect.Effect<ParsedRollout, RolloutReadError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const scanner = makeRolloutScanner(path)
    let first = true
    const push = (bytes: Uint8Array) => {
      scanner.push(first ? decodeUtf8(bytes) : laterPieces.decode(bytes))
      first = false
    }
    yield* Effect.scoped(
      Effect.gen(function* () {
        const file = yield* fs.open(path, { flag: "r" })
        let buffer = new Uint8Array(PIECE_BYTES)
        let held = 0 // bytes of an unfinished line kept at the buffer's start
        for (;;) {
          if (held === buffer.length) {
            const larger = new Uint8Array(buffer.length * 2)
            larger.set(buffer)
            buffer = larger
          }
          const read = Number(yield* file.read(buffer.subarray(held)))
          const filled = held + read
          if (read === 0) {
            if (filled > 0) push(buffer.subarray(0, filled))
            return
          }
          const cut = buffer.lastIndexOf(NEWLINE, filled - 1)
          if (cut < 0) {
            held = filled
            continue
          }
          push(buffer.subarray(0, cut + 1))
          buffer.copyWithin(0, cut + 1, filled)
          held = filled - cut - 1
        }
      })
    ).pipe(Effect.mapError((error) => new RolloutReadError({ reason: "Io", path, detail: error.message })))
    return yield* scanner.end()
  })

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
