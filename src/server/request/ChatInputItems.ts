/** @internal Responses `input` items -> chat messages, folding consecutive assistant-side items into one message. */
import { Either } from "effect"
import { compactJson, spacedJson } from "../../protocol/Items.js"
import type { ChatMessage, ChatToolCall } from "../../protocol/ChatWire.js"
import { customCallArguments } from "./CustomTools.js"
import { UnsupportedFeature } from "./RequestErrors.js"
import { isFalsy, isRecord, quoted, text, type JsonRecord } from "./Values.js"

const MESSAGE_ROLES = new Set(["developer", "user", "assistant", "system"])
const TEXT_PARTS = new Set(["input_text", "output_text"])

/** Name under which a `tool_search` tool is exposed downstream and replayed in history. */
export const TOOL_SEARCH_NAME = "tool_search"

const fail = (message: string) => new UnsupportedFeature({ message })

/** Thrown inside the walk and turned into a Left at its edge, so the walk reads top to bottom. */
class Stop {
  constructor(readonly error: UnsupportedFeature) {}
}
const stop = (message: string): never => {
  throw new Stop(fail(message))
}

/** Text of message content: a string, or the concatenated text parts of a list. */
export const contentText = (content: unknown): string => {
  if (content === undefined || content === null) return ""
  if (typeof content === "string") return content
  if (!Array.isArray(content)) return stop("message `content` must be a list or string")
  let out = ""
  for (const part of content as ReadonlyArray<unknown>) {
    if (!isRecord(part)) return stop("message content parts must be objects")
    const type = part.type
    if (typeof type !== "string" || !TEXT_PARTS.has(type)) {
      return stop(`content part type \`${text(type)}\` is not yet supported by the chat backend`)
    }
    out += text(part.text)
  }
  return out
}

/** Text of a tool output: strings as they are, part lists like message content, anything else as spaced JSON. */
const outputText = (output: unknown): string => {
  if (typeof output === "string") return output
  if (Array.isArray(output)) return contentText(output)
  return spacedJson(output === undefined ? null : output)
}

const partsText = (parts: ReadonlyArray<unknown>, types: ReadonlySet<string>): string | undefined => {
  let found = false
  let out = ""
  for (const part of parts) {
    if (isRecord(part) && typeof part.type === "string" && types.has(part.type)) {
      found = true
      out += text(part.text)
    }
  }
  return found ? out : undefined
}

const REASONING_CONTENT = new Set(["reasoning_text", "summary_text"])
const REASONING_SUMMARY = new Set(["summary_text"])

/** The replayable text of a reasoning item: its content, else its summary, else a plain text field. */
export const reasoningText = (item: JsonRecord): string => {
  if (Array.isArray(item.content)) {
    const found = partsText(item.content, REASONING_CONTENT)
    if (found !== undefined) return found
  } else if (Array.isArray(item.summary)) {
    const found = partsText(item.summary, REASONING_SUMMARY)
    if (found !== undefined) return found
  }
  for (const key of ["reasoning", "reasoning_content", "text"]) {
    const value = item[key]
    if (typeof value === "string" && value !== "") return value
  }
  return ""
}

/** What the walk needs to know about the backend. */
export interface InputOptions {
  /** Whether reasoning items may be replayed (every known provider allows it). */
  readonly chatReasoning: boolean
}

/** The messages for `instructions` and `input`, plus the tool lists that `tool_search` outputs loaded. */
export interface InputTranslation {
  readonly messages: ReadonlyArray<ChatMessage>
  readonly loadedTools: ReadonlyArray<unknown>
}

type PendingAssistant = { role: "assistant"; content?: string; reasoning?: string; tool_calls?: Array<ChatToolCall> }

/** Walk the inbound items in order; the first unsupported shape ends the walk. */
export const translateInput = (
  instructions: unknown,
  input: unknown,
  options: InputOptions
): Either.Either<InputTranslation, UnsupportedFeature> => {
  const messages: Array<ChatMessage> = []
  const loadedTools: Array<unknown> = []
  let pending: PendingAssistant | undefined
  const assistant = (): PendingAssistant => (pending ??= { role: "assistant" })
  const flush = () => {
    if (pending && (pending.content !== undefined || pending.reasoning !== undefined || pending.tool_calls)) {
      messages.push(pending)
    }
    pending = undefined
  }
  const addCall = (call: ChatToolCall) => {
    const target = assistant()
    ;(target.tool_calls ??= []).push(call)
  }

  try {
    const system = text(instructions)
    if (system !== "") messages.push({ role: "developer", content: system })
    if (!isFalsy(input) && !Array.isArray(input)) stop("incomming `input` must be a list")
    const items: ReadonlyArray<unknown> = Array.isArray(input) ? input : []
    for (const item of items) {
      if (!isRecord(item)) stop("all incomming `input` items must be objects")
      const entry = item as JsonRecord
      switch (entry.type) {
        case "message": {
          const role = text(entry.role).trim()
          if (!MESSAGE_ROLES.has(role)) stop(`unsupported incomming message role: ${role === "" ? "<empty>" : role}`)
          const body = contentText(entry.content)
          if (role === "assistant") {
            const target = assistant()
            if (body !== "") target.content = (target.content ?? "") + body
          } else {
            flush()
            messages.push({ role: role as "developer" | "user" | "system", content: body })
          }
          break
        }
        case "reasoning": {
          if (!options.chatReasoning) stop("incomming `reasoning` items are not supported by this chat backend")
          const target = assistant()
          const thought = reasoningText(entry)
          if (thought !== "") target.reasoning = (target.reasoning ?? "") + thought
          break
        }
        case "function_call": {
          const args = entry.arguments
          addCall({
            id: text(entry.call_id).trim(),
            type: "function",
            function: {
              name: text(entry.name).trim(),
              arguments: isFalsy(args) ? "{}" : typeof args === "string" ? args : compactJson(args)
            }
          })
          break
        }
        case "custom_tool_call": {
          const name = text(entry.name).trim()
          if (name === "") stop("custom tool call is missing `name`")
          const callId = text(entry.call_id).trim()
          addCall({
            id: callId === "" ? name : callId,
            type: "function",
            function: { name, arguments: customCallArguments(entry.input) }
          })
          break
        }
        case "tool_search_call": {
          const args = entry.arguments
          addCall({
            id: text(entry.call_id).trim(),
            type: "function",
            function: {
              name: TOOL_SEARCH_NAME,
              arguments: isFalsy(args) ? "{}" : typeof args === "string" ? args : compactJson(args)
            }
          })
          break
        }
        case "function_call_output":
        case "custom_tool_call_output": {
          flush()
          messages.push({ role: "tool", tool_call_id: text(entry.call_id).trim(), content: outputText(entry.output) })
          break
        }
        case "tool_search_output": {
          flush()
          const tools = Array.isArray(entry.tools) ? entry.tools : []
          loadedTools.push(...tools)
          messages.push({ role: "tool", tool_call_id: text(entry.call_id).trim(), content: spacedJson(tools) })
          break
        }
        default:
          stop(`unsupported incomming input item type: ${quoted(entry.type)}`)
      }
    }
    flush()
    return Either.right({ messages, loadedTools })
  } catch (error) {
    if (error instanceof Stop) return Either.left(error.error)
    throw error
  }
}
