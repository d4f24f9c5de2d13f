/** Tests of RolloutRecord: the hand-written envelope and payload checks agree with the schemas. */
import { expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import { decodeEntry, Envelope, EventRead, isTypedObject, readEnvelope, ResponseItemPayload } from "../../src/session/RolloutRecord.js"

it("reads record envelopes by hand exactly as the envelope schema decodes them", () => {
  const values: ReadonlyArray<unknown> = [
    { timestamp: "2026-01-01T00:00:00Z", type: "response_item", payload: { type: "message" } },
    { type: "event_msg" },
    { type: "event_msg", payload: null },
    { type: "event_msg", timestamp: 5 },
    { type: "event_msg", timestamp: null },
    { type: 7, payload: {} },
    { timestamp: "t", payload: {} },
    { type: "x", payload: [1, 2], extra: true },
    null,
    "text",
    [1]
  ]
  const decode = Schema.decodeUnknownEither(Envelope)
  for (const value of values) {
    const decoded = decode(value)
    expect(readEnvelope(value), JSON.stringify(value)).toEqual(Either.isRight(decoded) ? decoded.right : undefined)
    // decodeEntry reads the envelope in place with the same verdict
    const entry = decodeEntry(value)
    expect(entry === undefined, JSON.stringify(value)).toBe(Either.isLeft(decoded))
    if (entry !== undefined && Either.isRight(decoded)) expect(entry.timestamp).toBe(decoded.right.timestamp)
  }
})

it("checks response items and event payloads by hand with the schemas' verdicts on parsed JSON", () => {
  const values: ReadonlyArray<unknown> = [
    { type: "message", role: "user", content: [] },
    { type: "user_message", message: 5 },
    { type: 5 },
    { type: null },
    { role: "user" },
    {},
    [],
    ["message"],
    JSON.parse('[{"type":"message"}]'),
    null,
    "message",
    3,
    JSON.parse('{"type":"x","nested":{"type":1},"list":[null]}')
  ]
  const asItem = Schema.is(ResponseItemPayload)
  const asEvent = Schema.decodeUnknownEither(EventRead)
  for (const value of values) {
    expect(isTypedObject(value), JSON.stringify(value)).toBe(asItem(value))
    const decoded = asEvent(value)
    expect(isTypedObject(value), JSON.stringify(value)).toBe(Either.isRight(decoded))
    if (Either.isRight(decoded)) expect(decoded.right).toEqual(value)
  }
})
