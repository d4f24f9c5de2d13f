/** RolloutStore: starts or continues a session's append-only JSONL rollout under `$CODEX_HOME/sessions/`. */
import * as FileSystem from "@effect/platform/FileSystem"
import { Clock, Context, Data, Deferred, Effect, Layer, Option, Queue, Ref, type Scope } from "effect"
import { CodexConfig } from "../config/CodexConfig.js"
import { uuid7 } from "../protocol/Ids.js"
import { isTurnAbortedText } from "../protocol/AbortedCalls.js"
import * as Items from "../protocol/Items.js"
import type { ConversationItem } from "../protocol/Items.js"
import { isUuid, threadIdFromPath } from "./RolloutReader.js"
import {
  compactedLine,
  formatTimestamp,
  responseItemLine,
  sessionMetaLine,
  userMessageEventLine
} from "./RolloutRecord.js"
import type { SessionRecorder } from "./SessionRecorder.js"

// ---------------------------------------------------------------------------
// models

/** What `session_meta` says about a new session. */
export interface CreateOptions {
  /** A UUID; a fresh UUIDv7 when absent. */
  readonly sessionId?: string
  readonly cwd: string
  /** The client originator (the CLI sends `codex-tui`). */
  readonly originator: string
  readonly cliVersion: string
  /** The model provider's name, or null. */
  readonly provider: string | null
  readonly baseInstructions: string | null
  /** `session_meta.source`; `cli` when absent. */
  readonly source?: string
  /** Called once, with a readable message, when the rollout stops being written. */
  readonly onWarning?: (message: string) => Effect.Effect<void>
}

export interface AttachOptions {
  readonly onWarning?: (message: string) => Effect.Effect<void>
}

/** A rollout being written. Its writer lives in the Scope that opened it; closing the Scope drains it. */
export interface RolloutSession {
  readonly sessionId: string
  readonly path: string
  /** Where the agent loop sends history; appends return at once, the writer puts them on disk in order. */
  readonly recorder: SessionRecorder
  /** Waits until every record appended so far is on disk (or writing was given up). */
  readonly flush: Effect.Effect<void>
  /** The warning reported when writing failed, if it did. */
  readonly warning: Effect.Effect<Option.Option<string>>
}

// ---------------------------------------------------------------------------
// errors

export class RolloutError extends Data.TaggedError("RolloutError")<{
  readonly reason: "InvalidId"
  readonly detail: string
}> {
  override get message() {
    return this.detail
  }
}

// ---------------------------------------------------------------------------
// service

export interface RolloutStore {
  readonly codexHome: string
  /** Starts a new rollout: writes `session_meta` at once and returns the session's recorder. */
  readonly create: (options: CreateOptions) => Effect.Effect<RolloutSession, RolloutError, Scope.Scope>
  /** Continues an existing rollout (to resume a session); nothing is written until something is recorded. */
  readonly attach: (path: string, options?: AttachOptions) => Effect.Effect<RolloutSession, never, Scope.Scope>
}
export const RolloutStore = Context.GenericTag<RolloutStore>("tscodex/RolloutStore")

/** The one primitive a store needs: appending text to a file (creating its folders when missing). */
export interface RolloutIo {
  readonly append: (path: string, text: string) => Effect.Effect<void, { readonly message: string }>
  /** Whether the file is missing, empty, or ends with a newline (so appended lines start on their own line). */
  readonly endsCleanly: (path: string) => Effect.Effect<boolean>
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0")

/** `sessions/YYYY/MM/DD/rollout-YYYY-MM-DDTHH-mm-SS-<id>.jsonl` under `codexHome`, from a UTC time. */
export const rolloutPath = (codexHome: string, unixMillis: number, sessionId: string): string => {
  const d = new Date(unixMillis)
  const [y, mo, da] = [pad(d.getUTCFullYear(), 4), pad(d.getUTCMonth() + 1), pad(d.getUTCDate())]
  const time = `${pad(d.getUTCHours())}-${pad(d.getUTCMinutes())}-${pad(d.getUTCSeconds())}`
  return `${codexHome}/sessions/${y}/${mo}/${da}/rollout-${y}-${mo}-${da}T${time}-${sessionId}.jsonl`
}

type Command =
  | { readonly _tag: "Write"; readonly text: string }
  | { readonly _tag: "Flush"; readonly done: Deferred.Deferred<void> }

/**
 * Starts the writer of one rollout file: a queue drained by one fiber in the current Scope. Batches are
 * appended in order; the first failure stops writing, is reported once, and never fails the caller.
 */
const openWriter = (
  io: RolloutIo,
  path: string,
  startOnNewLine: boolean,
  onWarning: ((message: string) => Effect.Effect<void>) | undefined
) =>
  Effect.gen(function* () {
    const queue = yield* Queue.unbounded<Command>()
    const warning = yield* Ref.make(Option.none<string>())
    let prefix = startOnNewLine ? "\n" : ""

    const write = (text: string) =>
      Effect.gen(function* () {
        if (text === "" || Option.isSome(yield* Ref.get(warning))) return
        const failed = yield* io.append(path, prefix + text).pipe(
          Effect.as(Option.none<string>()),
          Effect.catchAll((error) => Effect.succeed(Option.some(error.message)))
        )
        if (Option.isNone(failed)) {
          prefix = ""
          return
        }
        const message = `warning: cannot write session rollout ${path}: ${failed.value}; ` +
          "the session goes on but is no longer saved"
        yield* Ref.set(warning, Option.some(message))
        if (onWarning !== undefined) yield* onWarning(message)
      })

    const drainOnce = Effect.gen(function* () {
      const commands = yield* Queue.takeBetween(queue, 1, 4096)
      let pending = ""
      for (const command of commands) {
        if (command._tag === "Write") {
          pending += command.text
        } else {
          yield* write(pending)
          pending = ""
          yield* Deferred.succeed(command.done, undefined)
        }
      }
      yield* write(pending)
    })
    yield* Effect.forkScoped(Effect.forever(drainOnce))

    const flush = Effect.gen(function* () {
      const done = yield* Deferred.make<void>()
      yield* Queue.offer(queue, { _tag: "Flush", done })
      yield* Deferred.await(done)
    })
    // runs before the writer fiber is interrupted (finalizers run in reverse order)
    yield* Effect.addFinalizer(() => flush)

    const offer = (text: string) => Queue.offer(queue, { _tag: "Write", text }).pipe(Effect.asVoid)
    return { offer, flush, warning: Ref.get(warning) }
  })

/** The recorder writing `response_item` (+ `event_msg` after user messages) and `compacted` records. */
const makeRecorder = (offer: (text: string) => Effect.Effect<void>): SessionRecorder => {
  const now = Effect.map(Clock.currentTimeMillis, formatTimestamp)
  const encoded = (items: ReadonlyArray<ConversationItem>) =>
    items.flatMap((item) => {
      const entry = Items.toResponsesInput(item)
      return entry._tag === "Right" ? [{ item, entry: entry.right }] : []
    })
  return {
    appendHistoryItems: (items) =>
      Effect.flatMap(now, (timestamp) =>
        offer(
          encoded(items)
            .map(({ item, entry }) =>
              responseItemLine(timestamp, entry) +
              (item._tag === "UserMessage" && !isTurnAbortedText(item.text) ? userMessageEventLine(timestamp, item.text) : "")
            )
            .join("")
        )
      ),
    appendCompacted: (items) =>
      Effect.flatMap(now, (timestamp) => offer(compactedLine(timestamp, encoded(items).map(({ entry }) => entry))))
  }
}

/** Where a new rollout goes, from its start time and session id. */
export type RolloutPathFor = (unixMillis: number, sessionId: string) => string

/** A store over any append primitive; `pathFor` replaces the dated layout under `codexHome`. */
export const makeWith = (io: RolloutIo, codexHome: string, pathFor?: RolloutPathFor): RolloutStore =>
  RolloutStore.of({
    codexHome,
    create: (options) =>
      Effect.gen(function* () {
        const sessionId = options.sessionId ?? (yield* uuid7)
        if (!isUuid(sessionId)) {
          return yield* new RolloutError({
            reason: "InvalidId",
            detail: `invalid session id "${sessionId}": expected a UUID`
          })
        }
        const millis = yield* Clock.currentTimeMillis
        const path = pathFor !== undefined ? pathFor(millis, sessionId) : rolloutPath(codexHome, millis, sessionId)
        const writer = yield* openWriter(io, path, false, options.onWarning)
        const timestamp = formatTimestamp(millis)
        yield* writer.offer(sessionMetaLine(timestamp, {
          id: sessionId,
          timestamp,
          cwd: options.cwd,
          originator: options.originator,
          cli_version: options.cliVersion,
          source: options.source ?? "cli",
          model_provider: options.provider,
          base_instructions: options.baseInstructions === null ? null : { text: options.baseInstructions }
        }))
        return { sessionId, path, recorder: makeRecorder(writer.offer), flush: writer.flush, warning: writer.warning }
      }),
    attach: (path, options = {}) =>
      Effect.gen(function* () {
        const clean = yield* io.endsCleanly(path)
        const writer = yield* openWriter(io, path, !clean, options.onWarning)
        return {
          sessionId: threadIdFromPath(path) ?? "",
          path,
          recorder: makeRecorder(writer.offer),
          flush: writer.flush,
          warning: writer.warning
        }
      })
  })

// ---------------------------------------------------------------------------
// file and memory primitives

const dirname = (path: string): string => path.slice(0, Math.max(0, path.lastIndexOf("/"))) || "/"

/** Rollouts hold the whole conversation: only their owner may read them. */
const ROLLOUT_MODE = 0o600

/** Appends with `FileSystem`, opening and closing the file each time so every batch is visible at once. */
export const fileIo = (fs: FileSystem.FileSystem): RolloutIo => ({
  append: (path, text) =>
    fs.writeFileString(path, text, { flag: "a", mode: ROLLOUT_MODE }).pipe(
      Effect.catchTag("SystemError", (error) =>
        error.reason === "NotFound"
          ? Effect.zipRight(
            fs.makeDirectory(dirname(path), { recursive: true }),
            fs.writeFileString(path, text, { flag: "a", mode: ROLLOUT_MODE })
          )
          : Effect.fail(error)
      )
    ),
  endsCleanly: (path) =>
    Effect.scoped(
      Effect.gen(function* () {
        const size = Number((yield* fs.stat(path)).size)
        if (size === 0) return true
        const file = yield* fs.open(path, { flag: "r" })
        yield* file.seek(size - 1, "start")
        const last = yield* file.readAlloc(1)
        return Option.match(last, { onNone: () => true, onSome: (bytes) => bytes[0] === 0x0a })
      })
    ).pipe(Effect.orElseSucceed(() => true))
})

/** The live store writing under `codexHome`. */
export const make = (codexHome: string, pathFor?: RolloutPathFor): Effect.Effect<RolloutStore, never, FileSystem.FileSystem> =>
  Effect.map(FileSystem.FileSystem, (fs) => makeWith(fileIo(fs), codexHome, pathFor))

export const layer = (codexHome: string, pathFor?: RolloutPathFor): Layer.Layer<RolloutStore, never, FileSystem.FileSystem> =>
  Layer.effect(RolloutStore, make(codexHome, pathFor))

/** The live store under the configured `$CODEX_HOME`. */
export const layerConfig: Layer.Layer<RolloutStore, never, FileSystem.FileSystem | CodexConfig> = Layer.effect(
  RolloutStore,
  Effect.flatMap(CodexConfig, (config) => make(config.codexHome))
)

/** A store keeping files in memory; `files` shows what was written. */
export const makeMemory = (codexHome = "/codex-home") =>
  Effect.gen(function* () {
    const files = yield* Ref.make<ReadonlyMap<string, string>>(new Map())
    const io: RolloutIo = {
      append: (path, text) => Ref.update(files, (all) => new Map(all).set(path, (all.get(path) ?? "") + text)),
      endsCleanly: (path) =>
        Effect.map(Ref.get(files), (all) => {
          const text = all.get(path)
          return text === undefined || text === "" || text.endsWith("\n")
        })
    }
    return { store: makeWith(io, codexHome), files: Ref.get(files) }
  })

export const layerMemory: Layer.Layer<RolloutStore> = Layer.effect(
  RolloutStore,
  Effect.map(makeMemory(), (memory) => memory.store)
)
