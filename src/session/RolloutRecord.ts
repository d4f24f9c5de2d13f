/** RolloutRecord: the JSONL records of a session rollout, written exactly and read back tolerantly. */
import { Either, Schema } from "effect"
import { compactJson } from "../protocol/Items.js"

// ---------------------------------------------------------------------------
// written shapes (field order is the order on disk)

/** One line of a rollout: `{"timestamp","type","payload"}`. */
export const RolloutLine = Schema.Struct({
  timestamp: Schema.String,
  type: Schema.String,
  payload: Schema.Unknown
})
export type RolloutLine = typeof RolloutLine.Type

export const BaseInstructions = Schema.Struct({ text: Schema.String })

/** `session_meta`: written once when a session starts. */
export const SessionMeta = Schema.Struct({
  id: Schema.String,
  timestamp: Schema.String,
  cwd: Schema.String,
  originator: Schema.String,
  cli_version: Schema.String,
  source: Schema.String,
  model_provider: Schema.NullOr(Schema.String),
  base_instructions: Schema.NullOr(BaseInstructions)
})
export type SessionMeta = typeof SessionMeta.Type

/** `response_item`: one conversation item as Responses API JSON; the `type` decides the rest. */
export const ResponseItemPayload = Schema.Struct(
  { type: Schema.String },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
)
export type ResponseItemPayload = typeof ResponseItemPayload.Type

/** `event_msg` of type `user_message`: the text a person typed, written right after its `response_item`. */
export const UserMessageEvent = Schema.Struct({
  type: Schema.Literal("user_message"),
  message: Schema.String,
  images: Schema.Array(Schema.Unknown),
  local_images: Schema.Array(Schema.Unknown),
  text_elements: Schema.Array(Schema.Unknown)
})
export type UserMessageEvent = typeof UserMessageEvent.Type

/** `compacted`: the history that replaces everything recorded before it. */
export const CompactedPayload = Schema.Struct({
  replacement_history: Schema.Array(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
})
export type CompactedPayload = typeof CompactedPayload.Type

// ---------------------------------------------------------------------------
// line builders

/** `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC, milliseconds truncated). */
export const formatTimestamp = (unixMillis: number): string => new Date(Math.floor(unixMillis)).toISOString()

const line = (timestamp: string, type: string, payload: unknown): string =>
  compactJson({ timestamp, type, payload } satisfies RolloutLine) + "\n"

export const sessionMetaLine = (timestamp: string, meta: SessionMeta): string =>
  line(timestamp, "session_meta", {
    id: meta.id,
    timestamp: meta.timestamp,
    cwd: meta.cwd,
    originator: meta.originator,
    cli_version: meta.cli_version,
    source: meta.source,
    model_provider: meta.model_provider,
    base_instructions: meta.base_instructions === null ? null : { text: meta.base_instructions.text }
  } satisfies SessionMeta)

export const responseItemLine = (timestamp: string, item: Readonly<Record<string, unknown>>): string =>
  line(timestamp, "response_item", item)

export const userMessageEventLine = (timestamp: string, message: string): string =>
  line(timestamp, "event_msg", {
    type: "user_message",
    message,
    images: [],
    local_images: [],
    text_elements: []
  } satisfies UserMessageEvent)

export const compactedLine = (
  timestamp: string,
  replacementHistory: ReadonlyArray<Readonly<Record<string, unknown>>>
): string => line(timestamp, "compacted", { replacement_history: replacementHistory } satisfies CompactedPayload)

// ---------------------------------------------------------------------------
// reading: every record Codex or pycodex writes becomes one entry; unknown ones are kept as `Other`

type JsonObject = Readonly<Record<string, unknown>>

/** What a `session_meta` record says, as far as it can be read (older and newer writers differ). */
export interface SessionMetaInfo {
  readonly id?: string
  readonly timestamp?: string
  readonly cwd?: string
  readonly originator?: string
  readonly cliVersion?: string
  readonly source?: string
  readonly modelProvider?: string | null
}

/** A `turn_context` record (written by Codex, never by us): the settings a turn ran with. */
export interface TurnContextInfo {
  readonly turnId?: string
  readonly cwd?: string
  readonly model?: string
}

export type RolloutEntry =
  | { readonly _tag: "SessionMeta"; readonly timestamp: string; readonly meta: SessionMetaInfo }
  | { readonly _tag: "ResponseItem"; readonly timestamp: string; readonly item: ResponseItemPayload }
  | { readonly _tag: "UserMessage"; readonly timestamp: string; readonly message: string }
  | { readonly _tag: "Event"; readonly timestamp: string; readonly eventType: string; readonly payload: JsonObject }
  | {
    readonly _tag: "Compacted"
    readonly timestamp: string
    /** `undefined` when the record carries no list (older Codex wrote only a summary `message`). */
    readonly replacementHistory: ReadonlyArray<JsonObject> | undefined
    readonly message?: string
  }
  | { readonly _tag: "TurnContext"; readonly timestamp: string; readonly context: TurnContextInfo }
  | { readonly _tag: "Other"; readonly timestamp: string; readonly type: string; readonly payload: unknown }

/** The envelope as read: extra keys (Codex adds `ordinal`) are ignored, a missing timestamp is tolerated. */
export const Envelope = Schema.Struct({
  timestamp: Schema.optionalWith(Schema.String, { default: () => "" }),
  type: Schema.String,
  payload: Schema.optionalWith(Schema.Unknown, { default: () => null })
})

const optionalString = Schema.optional(Schema.String)

const SessionMetaRead = Schema.Struct({
  id: optionalString,
  timestamp: optionalString,
  cwd: optionalString,
  originator: optionalString,
  cli_version: optionalString,
  source: optionalString,
  model_provider: Schema.optional(Schema.NullOr(Schema.String))
})

/** An `event_msg` payload as read (checked by `isTypedObject`). */
export const EventRead = Schema.Struct(
  { type: Schema.String },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
)

const CompactedRead = Schema.Struct({
  replacement_history: Schema.optional(Schema.Unknown),
  message: optionalString
})

const TurnContextRead = Schema.Struct({ turn_id: optionalString, cwd: optionalString, model: optionalString })

/**
 * The envelope of one record, checked by hand: the same verdict as decoding it with `Envelope`,
 * without the Schema machinery on every line of a long rollout.
 */
export const readEnvelope = (value: unknown): typeof Envelope.Type | undefined => {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined
  const { timestamp, type, payload } = value as Record<string, unknown>
  if (typeof type !== "string" || (timestamp !== undefined && typeof timestamp !== "string")) return undefined
  return { timestamp: timestamp ?? "", type, payload: payload === undefined ? null : payload }
}
const decodeSessionMeta = Schema.decodeUnknownEither(SessionMetaRead)

/**
 * An object with a string `type`, checked by hand and in place: the verdict of `ResponseItemPayload` and
 * `EventRead` on parsed JSON, without Schema's allocations on the records that make up most of a rollout.
 */
export const isTypedObject = (value: unknown): value is ResponseItemPayload =>
  value !== null && typeof value === "object" && !Array.isArray(value) && typeof (value as { type?: unknown }).type === "string"
const decodeCompacted = Schema.decodeUnknownEither(CompactedRead)
const decodeTurnContext = Schema.decodeUnknownEither(TurnContextRead)

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === "object" && !Array.isArray(value)

/** A user message event's text: strings as they are, anything else as JSON (null and absent as ""). */
const messageText = (value: unknown): string =>
  typeof value === "string" ? value : value === null || value === undefined ? "" : compactJson(value)

/**
 * Reads one parsed JSON value as a rollout entry. `undefined` when it is not a record at all (no string
 * `type`); a known record type with an unreadable payload becomes `Other`, so it is skipped, not fatal.
 */
export const decodeEntry = (value: unknown): RolloutEntry | undefined => {
  // readEnvelope's checks, read in place: one object less for each of a long rollout's lines
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined
  const record = value as Record<string, unknown>
  const type = record.type
  const stamp = record.timestamp
  if (typeof type !== "string" || (stamp !== undefined && typeof stamp !== "string")) return undefined
  const timestamp = stamp ?? ""
  const payload = record.payload === undefined ? null : record.payload
  const other = (): RolloutEntry => ({ _tag: "Other", timestamp, type, payload })
  switch (type) {
    case "session_meta": {
      const meta = decodeSessionMeta(payload)
      if (Either.isLeft(meta)) return other()
      const m = meta.right
      return {
        _tag: "SessionMeta",
        timestamp,
        meta: {
          ...(m.id !== undefined ? { id: m.id } : {}),
          ...(m.timestamp !== undefined ? { timestamp: m.timestamp } : {}),
          ...(m.cwd !== undefined ? { cwd: m.cwd } : {}),
          ...(m.originator !== undefined ? { originator: m.originator } : {}),
          ...(m.cli_version !== undefined ? { cliVersion: m.cli_version } : {}),
          ...(m.source !== undefined ? { source: m.source } : {}),
          ...(m.model_provider !== undefined ? { modelProvider: m.model_provider } : {})
        }
      }
    }
    case "response_item": {
      return isTypedObject(payload) ? { _tag: "ResponseItem", timestamp, item: payload } : other()
    }
    case "event_msg": {
      if (!isTypedObject(payload)) return other()
      return payload.type === "user_message"
        ? { _tag: "UserMessage", timestamp, message: messageText(payload.message) }
        : { _tag: "Event", timestamp, eventType: payload.type, payload }
    }
    case "compacted": {
      const compacted = decodeCompacted(payload)
      if (Either.isLeft(compacted)) return other()
      const list = compacted.right.replacement_history
      return {
        _tag: "Compacted",
        timestamp,
        replacementHistory: Array.isArray(list) ? list.filter(isObject) : undefined,
        ...(compacted.right.message !== undefined ? { message: compacted.right.message } : {})
      }
    }
    case "turn_context": {
      const context = decodeTurnContext(payload)
      if (Either.isLeft(context)) return other()
      const c = context.right
      return {
        _tag: "TurnContext",
        timestamp,
        context: {
          ...(c.turn_id !== undefined ? { turnId: c.turn_id } : {}),
          ...(c.cwd !== undefined ? { cwd: c.cwd } : {}),
          ...(c.model !== undefined ? { model: c.model } : {})
        }
      }
    }
    default:
      return other()
  }
}
