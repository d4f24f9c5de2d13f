/** Arguments: the collaboration tools' shared arguments (ids, messages, input items), declared and read into text. */
import { Effect, Schema } from "effect"
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

/** `items` of spawn_agent and send_input: structured input, declared as a list of typed items. */
export const inputItemsArgument = Tool.optionalArgument(Schema.Unknown, {
  type: "array",
  items: {
    type: "object",
    properties: {
      image_url: { type: "string", description: "Address of the image, used when type is image." },
      name: { type: "string", description: "Name to display, used when type is skill or mention." },
      path: {
        type: "string",
        description: "Path of a local image (local_image), of a skill file (skill), or the target of a mention such as app://<connector-id> (mention)."
      },
      text: { type: "string", description: "The text itself, used when type is text." },
      type: { type: "string", description: "Kind of item: text, image, local_image, skill or mention." }
    },
    additionalProperties: false
  },
  description: "Structured input items (text, images, skills, mentions). Give either this or message, not both."
})

/** The required `id` argument naming an agent, described as `description`. */
export const agentIdArgument = (description: string) => Tool.requiredArgument(Schema.Unknown, { type: "string", description })

/** The parameters of a tool that only names an agent. */
export const AgentIdParameters = (description: string) => Schema.Struct({ id: agentIdArgument(description) })
export type AgentIdParameters = Schema.Schema.Type<ReturnType<typeof AgentIdParameters>>

/**
 * A tool that takes one agent id and runs `action` on it (close_agent, resume_agent); a blank id is
 * answered with `ID_REQUIRED`.
 */
export const byAgentId = <A>(tool: {
  readonly name: string
  readonly description: string
  readonly parameters: ReturnType<typeof AgentIdParameters>
  readonly action: (id: string) => Effect.Effect<A>
}): Tool.Tool<AgentIdParameters> =>
  Tool.make({
    name: tool.name,
    description: tool.description,
    parameters: tool.parameters,
    handler: (args) => {
      const id = agentId(args.id)
      return id === undefined ? Effect.succeed(ID_REQUIRED) : tool.action(id)
    }
  })

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
