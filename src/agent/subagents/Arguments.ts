/** Arguments: reading the collaboration tools' loosely typed arguments (ids, messages, input items) into text. */
import { Effect } from "effect"
import { compactJson, spacedJson } from "../../protocol/Items.js"
import * as SubAgents from "../SubAgents.js"
import * as Tool from "../../tools/Tool.js"

/** A JSON value as text: strings as they are, numbers and booleans written out, nothing for `null`, JSON otherwise. */
export const textOf = (value: unknown): string => {
  if (typeof value === "string") return value
  if (value === null || value === undefined) return ""
  if (typeof value === "number" || typeof value === "boolean") return String(value)
  return compactJson(value)
}

/** An optional text argument: absent, `null` and `""` mean not given. */
export const optionalText = (value: unknown): string | undefined => {
  const text = textOf(value)
  return text === "" ? undefined : text
}

export const ID_REQUIRED = "Error: `id` is required."
export const ITEMS_NOT_LIST = "Error: `items` must be a list when provided."

/** The agent id of a call, trimmed; `undefined` when blank. */
export const agentId = (value: unknown): string | undefined => {
  const id = textOf(value).trim()
  return id === "" ? undefined : id
}

/** The input items of a call (`[]` when absent or `null`), or `undefined` when they are not a list. */
export const inputItems = (value: unknown): ReadonlyArray<unknown> | undefined =>
  value === undefined || value === null ? [] : Array.isArray(value) ? value : undefined

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** One input item as prompt text: text items by their text, images as `[image] <url>`, anything else as JSON. */
const itemText = (item: unknown): string => {
  if (isRecord(item) && item.type === "text") return textOf(item.text).trim()
  if (isRecord(item) && item.type === "image") {
    const url = textOf(item.image_url).trim()
    return url === "" ? "" : `[image] ${url}`
  }
  return spacedJson(item)
}

/** The message to a sub-agent: the stripped message, then each item's text, blank parts dropped, joined by blank lines. */
export const composePrompt = (message: string | undefined, items: ReadonlyArray<unknown>): string =>
  [(message ?? "").trim(), ...items.map(itemText)].filter((part) => part !== "").join("\n\n")

/** A manager refusal as the tool failure the model reads (`RuntimeError: unknown agent: <id>`). */
export const refusal = (error: SubAgents.SubAgentError): Tool.ToolFailure =>
  new Tool.ToolFailure({ name: "RuntimeError", message: error.message })

/** Runs a manager call, turning its refusals into tool failures. */
export const orRefusal = <A>(effect: Effect.Effect<A, SubAgents.SubAgentError>): Effect.Effect<A, Tool.ToolFailure> =>
  Effect.mapError(effect, refusal)
