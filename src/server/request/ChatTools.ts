/** @internal Responses tool definitions and `tool_choice` -> their chat equivalents. */
import { Either } from "effect"
import type { ChatTool, ChatToolChoice } from "../../protocol/ChatWire.js"
import { customToolDefinition, type CustomToolOptions } from "./CustomTools.js"
import { UnsupportedFeature } from "./RequestErrors.js"
import { mockWebSearchTool } from "./WebSearchTool.js"
import { TOOL_SEARCH_NAME } from "./ChatInputItems.js"
import { isFalsy, isRecord, isTruthy, quoted, text, type JsonRecord } from "./Values.js"

const fail = (message: string) => Either.left(new UnsupportedFeature({ message }))

/** The downstream tools and what the response side needs to map calls back. */
export interface ToolTranslation {
  readonly tools: ReadonlyArray<ChatTool>
  /** Tool name -> namespace, for tools declared inside a `namespace` tool. */
  readonly namespaces: ReadonlyMap<string, string>
}

/** A plain function tool; a missing name is passed on as "" and left to the backend. */
const functionTool = (tool: JsonRecord): ChatTool => {
  const name = text(tool.name).trim()
  return {
    type: "function",
    name,
    function: {
      name,
      description: text(tool.description),
      parameters: isRecord(tool.parameters) && isTruthy(tool.parameters) ? tool.parameters : { type: "object" },
      strict: isTruthy(tool.strict)
    }
  }
}

/** The client-executed tool search, offered as an ordinary function with the client's own schema. */
const toolSearchTool = (tool: JsonRecord): ChatTool => ({
  type: "function",
  name: TOOL_SEARCH_NAME,
  function: {
    name: TOOL_SEARCH_NAME,
    description: text(tool.description),
    parameters: isRecord(tool.parameters) && isTruthy(tool.parameters) ? tool.parameters : { type: "object" },
    strict: false
  }
})

type Collected = { tools: Array<ChatTool>; namespaces: Map<string, string> }

const translateOne = (
  tool: unknown,
  out: Collected,
  options: CustomToolOptions,
  namespace: string | undefined
): Either.Either<void, UnsupportedFeature> => {
  if (!isRecord(tool)) return fail("tool definitions must be objects")
  switch (tool.type) {
    case "function": {
      const chat = functionTool(tool)
      out.tools.push(chat)
      if (namespace !== undefined) out.namespaces.set(chat.name, namespace)
      return Either.void
    }
    case "custom": {
      if (text(tool.name).trim() === "") return fail("custom tool definition is missing `name`")
      const chat = customToolDefinition(tool, options)
      out.tools.push(chat)
      if (namespace !== undefined) out.namespaces.set(chat.name, namespace)
      return Either.void
    }
    case "web_search":
      if (namespace === undefined) {
        out.tools.push(mockWebSearchTool())
        return Either.void
      }
      break
    case "tool_search":
      if (namespace === undefined) {
        out.tools.push(toolSearchTool(tool))
        return Either.void
      }
      break
    case "namespace": {
      if (namespace !== undefined) break
      const name = text(tool.name).trim()
      if (name === "") return fail("namespace tool definition is missing `name`")
      if (!isFalsy(tool.tools) && !Array.isArray(tool.tools)) {
        return fail(`namespace tool \`${name}\` must hold a list of \`tools\``)
      }
      for (const inner of Array.isArray(tool.tools) ? tool.tools : []) {
        const done = translateOne(inner, out, options, name)
        if (Either.isLeft(done)) return done
      }
      return Either.void
    }
  }
  return namespace === undefined
    ? fail(`unsupported incomming tool type: ${quoted(tool.type)}`)
    : fail(`unsupported incomming tool type inside namespace \`${namespace}\`: ${quoted(tool.type)}`)
}

/** Translate the inbound `tools` list (absent or empty gives no tools). */
export const translateTools = (
  tools: unknown,
  options: CustomToolOptions
): Either.Either<ToolTranslation, UnsupportedFeature> => {
  const out: Collected = { tools: [], namespaces: new Map() }
  if (isFalsy(tools)) return Either.right(out)
  if (!Array.isArray(tools)) return fail("incomming `tools` must be a list")
  for (const tool of tools) {
    const done = translateOne(tool, out, options, undefined)
    if (Either.isLeft(done)) return Either.left(done.left)
  }
  return Either.right(out)
}

/**
 * Tools a `tool_search` output loaded during the conversation. A chat backend has
 * no way to add tools mid-conversation, so they join the request's tool list;
 * names already offered are kept once, and entries of other kinds are skipped.
 */
export const loadedToolDefinitions = (
  loaded: ReadonlyArray<unknown>,
  offered: ToolTranslation,
  options: CustomToolOptions
): ToolTranslation => {
  const out: Collected = { tools: [...offered.tools], namespaces: new Map(offered.namespaces) }
  const seen = new Set(offered.tools.map((tool) => tool.name))
  for (const tool of loaded) {
    if (!isRecord(tool) || !(tool.type === "function" || tool.type === "custom" || tool.type === "namespace")) continue
    const found: Collected = { tools: [], namespaces: new Map() }
    if (Either.isLeft(translateOne(tool, found, options, undefined))) continue
    for (const chat of found.tools) {
      if (seen.has(chat.name)) continue
      seen.add(chat.name)
      out.tools.push(chat)
      const namespace = found.namespaces.get(chat.name)
      if (namespace !== undefined) out.namespaces.set(chat.name, namespace)
    }
  }
  return out
}

/** Translate a non-null `tool_choice`. */
export const translateToolChoice = (choice: unknown): Either.Either<ChatToolChoice, UnsupportedFeature> => {
  if (typeof choice === "string") return Either.right(choice)
  if (!isRecord(choice)) return fail("unsupported `tool_choice` shape")
  const type = choice.type
  if (type === "function" || type === "custom") {
    const name = choice.name
    if (typeof name !== "string" || name.trim() === "") return fail(`${type} tool_choice is missing \`name\``)
    return Either.right({ type: "function", function: { name } })
  }
  return fail(`unsupported incomming tool_choice type: ${quoted(type)}`)
}
