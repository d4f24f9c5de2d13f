/** SessionList: finds the resumable sessions of a Codex home, lists them, and picks one by id, path or index. */
import * as FileSystem from "@effect/platform/FileSystem"
import { Data, Effect, Either, Option } from "effect"
import { decodeUtf8, readSessionIndex, RolloutReadError, scanEntries, threadIdFromPath } from "./RolloutReader.js"
import type { SessionMetaInfo } from "./RolloutRecord.js"
import { realUserText, shortenTitle } from "./SessionHistory.js"

/** One resumable session. */
export interface SessionEntry {
  readonly threadId: string
  /** The session index name, else the preview. */
  readonly title: string
  /** The first thing the user said, shortened to 72 characters. */
  readonly preview: string
  readonly rolloutPath: string
  readonly modifiedAt: Date
  readonly cwd: string | undefined
}

/** A listing, with the files that could not be read (each skipped, never ending the listing). */
export interface SessionListing {
  readonly entries: ReadonlyArray<SessionEntry>
  readonly problems: ReadonlyArray<string>
}

export class SessionLookupError extends Data.TaggedError("SessionLookupError")<{
  readonly reason: "NoMatch" | "Ambiguous" | "NoSessions" | "Usage" | "NotFound"
  readonly message: string
}> {}

/** A rollout file found on disk, before it is read. */
interface Candidate {
  readonly path: string
  readonly threadId: string
  readonly modifiedAt: Date
}

const rolloutName = /^rollout-.*\.jsonl$/u
const maxDepth = 8

const isNotFound = (error: unknown): boolean =>
  typeof error === "object" && error !== null && (error as { reason?: unknown }).reason === "NotFound"

const describeError = (error: unknown): string =>
  error instanceof Error ? error.message : typeof error === "object" && error !== null && "message" in error
    ? String((error as { message: unknown }).message)
    : String(error)

/** Every `rollout-*.jsonl` file under `sessions/` and `archived_sessions/`, newest first, one per thread. */
const discover = (codexHome: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const found: Array<Candidate> = []
    const problems: Array<string> = []

    const walk = (dir: string, depth: number, isRoot: boolean): Effect.Effect<void> =>
      Effect.gen(function* () {
        const names = yield* Effect.either(fs.readDirectory(dir))
        if (Either.isLeft(names)) {
          if (!(isRoot && isNotFound(names.left))) problems.push(`skipped ${dir}: ${describeError(names.left)}`)
          return
        }
        const sorted = [...names.right].sort()
        yield* Effect.forEach(sorted, (name) =>
          Effect.gen(function* () {
            const path = `${dir}/${name}`
            const info = yield* Effect.either(fs.stat(path))
            if (Either.isLeft(info)) {
              problems.push(`skipped ${path}: ${describeError(info.left)}`)
              return
            }
            const looksLikeRollout = rolloutName.test(name)
            if (info.right.type === "Directory") {
              if (looksLikeRollout) problems.push(`skipped ${path}: a directory, not a rollout file`)
              else if (depth < maxDepth) yield* walk(path, depth + 1, false)
              return
            }
            const threadId = threadIdFromPath(name)
            if (!looksLikeRollout || threadId === undefined || info.right.type !== "File") return
            const modifiedAt = Option.getOrElse(info.right.mtime, () => new Date(0))
            found.push({ path, threadId: threadId.toLowerCase(), modifiedAt })
          }), { concurrency: 16, discard: true })
      })

    yield* walk(`${codexHome}/sessions`, 0, true)
    yield* walk(`${codexHome}/archived_sessions`, 0, true)

    const newest = new Map<string, Candidate>()
    for (const candidate of found) {
      const seen = newest.get(candidate.threadId)
      if (seen === undefined || candidate.modifiedAt.getTime() > seen.modifiedAt.getTime()) {
        newest.set(candidate.threadId, candidate)
      }
    }
    const candidates = [...newest.values()].sort((a, b) =>
      b.modifiedAt.getTime() - a.modifiedAt.getTime() || (a.path < b.path ? 1 : a.path > b.path ? -1 : 0)
    )
    return { candidates, problems }
  })

/** What the first records of a rollout tell: its metadata and the first thing the user said. */
const summarize = (path: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const bytes = yield* fs.readFile(path).pipe(
      Effect.mapError((error) => new RolloutReadError({ reason: "Io", path, detail: error.message }))
    )
    let meta: SessionMetaInfo | undefined
    let firstUserText: string | undefined
    yield* scanEntries(decodeUtf8(bytes), path, (entry) => {
      if (entry._tag === "SessionMeta") meta ??= entry.meta
      const text = entry._tag === "UserMessage"
        ? entry.message
        : entry._tag === "ResponseItem"
        ? realUserText(entry.item)
        : undefined
      if (text !== undefined && text.trim() !== "") firstUserText = text
      return firstUserText === undefined
    })
    return { meta, firstUserText }
  })

const toEntry = (
  candidate: Candidate,
  names: ReadonlyMap<string, string>,
  meta: SessionMetaInfo | undefined,
  firstUserText: string
): SessionEntry => {
  const preview = shortenTitle(firstUserText, 72)
  return {
    threadId: candidate.threadId,
    title: names.get(candidate.threadId) ?? preview,
    preview,
    rolloutPath: candidate.path,
    modifiedAt: candidate.modifiedAt,
    cwd: meta?.cwd
  }
}

/** Reads candidates in order, keeping those with a real user message, until `limit` are found. */
const describeAll = (
  codexHome: string,
  candidates: ReadonlyArray<Candidate>,
  problems: Array<string>,
  limit: number
) =>
  Effect.gen(function* () {
    const names = yield* readSessionIndex(codexHome)
    const entries: Array<SessionEntry> = []
    for (const candidate of candidates) {
      if (entries.length >= limit) break
      const summary = yield* Effect.either(summarize(candidate.path))
      if (Either.isLeft(summary)) {
        problems.push(`skipped ${candidate.path}: ${summary.left.message}`)
        continue
      }
      const { meta, firstUserText } = summary.right
      if (firstUserText !== undefined) entries.push(toEntry(candidate, names, meta, firstUserText))
    }
    return entries
  })

/**
 * The resumable sessions of a Codex home (those where the user said something), newest first by
 * modification time, at most `limit` of them. Unreadable files are listed in `problems` and skipped.
 */
export const listSessions = (
  codexHome: string,
  options: { readonly limit?: number } = {}
): Effect.Effect<SessionListing, never, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const { candidates, problems } = yield* discover(codexHome)
    const entries = yield* describeAll(codexHome, candidates, problems, options.limit ?? 20)
    return { entries, problems }
  })

const looksLikePath = (text: string): boolean => text.includes("/") || text.endsWith(".jsonl")

/**
 * Finds one session: `{ last: true }` for the newest; otherwise a rollout path, a full thread id, or a
 * prefix of one that matches a single resumable session.
 */
export const findSession = (
  codexHome: string,
  target: string | { readonly last: true }
): Effect.Effect<SessionEntry, SessionLookupError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    if (typeof target !== "string") {
      const { entries } = yield* listSessions(codexHome, { limit: 1 })
      const newest = entries[0]
      if (newest === undefined) {
        return yield* new SessionLookupError({ reason: "NoSessions", message: "no resumable sessions found" })
      }
      return newest
    }
    const wanted = target.trim()
    const noMatch = new SessionLookupError({ reason: "NoMatch", message: `no session matches "${target}"` })
    if (wanted === "") return yield* noMatch
    if (looksLikePath(wanted)) return yield* entryForPath(codexHome, wanted, noMatch)
    const key = wanted.toLowerCase()
    const { candidates } = yield* discover(codexHome)
    const exact = candidates.filter((c) => c.threadId === key)
    const matching = exact.length > 0 ? exact : candidates.filter((c) => c.threadId.startsWith(key))
    const entries = yield* describeAll(codexHome, matching, [], Number.POSITIVE_INFINITY)
    if (entries.length === 1) return entries[0]!
    if (entries.length === 0) return yield* noMatch
    return yield* new SessionLookupError({
      reason: "Ambiguous",
      message: [`several sessions match "${target}":`, ...formatSessionList(entries).map((l) => `  ${l}`)].join("\n")
    })
  })

/** A session named by its rollout path (inside the Codex home or not). */
const entryForPath = (codexHome: string, path: string, noMatch: SessionLookupError) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const info = yield* fs.stat(path).pipe(Effect.mapError(() => noMatch))
    if (info.type !== "File") return yield* noMatch
    const summary = yield* summarize(path).pipe(Effect.mapError(
      (error) => new SessionLookupError({ reason: "NotFound", message: error.message })
    ))
    const names = yield* readSessionIndex(codexHome)
    const threadId = threadIdFromPath(path)?.toLowerCase() ?? summary.meta?.id ?? ""
    const candidate = { path, threadId, modifiedAt: Option.getOrElse(info.mtime, () => new Date(0)) }
    return toEntry(candidate, names, summary.meta, summary.firstUserText ?? "")
  })

/** Picks a session by its 1-based number in a listing (`/resume <number>`). */
export const selectByIndex = (
  entries: ReadonlyArray<SessionEntry>,
  text: string
): Either.Either<SessionEntry, SessionLookupError> => {
  const wanted = text.trim()
  if (!/^[0-9]+$/u.test(wanted)) {
    return Either.left(new SessionLookupError({ reason: "Usage", message: "Usage: /resume <number>" }))
  }
  const entry = entries[Number(wanted) - 1]
  return entry === undefined
    ? Either.left(new SessionLookupError({ reason: "NotFound", message: `Session not found: ${wanted}` }))
    : Either.right(entry)
}

// ---------------------------------------------------------------------------
// views

const formatDate = (date: Date): string => date.toISOString().slice(0, 16).replace("T", " ")

/** One line per session: id, last change (UTC), working directory, preview. */
export const formatSessionList = (entries: ReadonlyArray<SessionEntry>): ReadonlyArray<string> =>
  entries.map((e) => `${e.threadId}  ${formatDate(e.modifiedAt)}  ${e.cwd ?? "-"}  ${e.preview}`)

/** The numbered list `/resume` shows. */
export const formatResumeChoices = (entries: ReadonlyArray<SessionEntry>): ReadonlyArray<string> =>
  entries.length === 0
    ? ["No resumable sessions found."]
    : ["Available sessions:", ...entries.map((e, i) => `[${i + 1}] ${e.preview}`)]

/** The JSON shape of one session for `sessions --json`. */
export const sessionJson = (entry: SessionEntry) => ({
  thread_id: entry.threadId,
  title: entry.title,
  preview: entry.preview,
  rollout_path: entry.rolloutPath,
  cwd: entry.cwd ?? null,
  updated_at: entry.modifiedAt.toISOString()
})
