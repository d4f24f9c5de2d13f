/** MessagesRequest: the canonical chat request -> a Messages API request, for Messages-only backends. */
import { Either } from "effect"
import type {
  MessagesMessage,
  MessagesRequest,
  MessagesTool,
  MessagesToolChoice,
  TextBlock,
  ThinkingBlock,
  ToolUseBlock
} from "../../protocol/MessagesWire.js"
import { MessagesRequestError } from "./RequestErrors.js"
import { isPositiveInteger, isRecord, isTruthy, quoted, text, type JsonRecord } from "./Values.js"

/** The output token limit used when the request sets none (Messages backends require one). */
export const DEFAULT_MAX_TOKENS = 32000

const fail = (message: string) => Either.left(new MessagesRequestError({ message }))

/** The `input` object of a tool use, from a call's `arguments` (an object or its JSON text). */
export const toolUseInput = (args: unknown): Either.Either<JsonRecord, MessagesRequestError> => {
  if (isRecord(args)) return Either.right({ ...args })
  if (typeof args !== "string") return fail("tool arguments must be strings or objects for messages API")
  const trimmed = args.trim()
  if (trimmed === "") return Either.right({})
  let parsed: unknown
  try {
    parsed = JSON.parse(trimmed)
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    return fail(`tool arguments must be valid JSON objects for messages API: ${detail}`)
  }
  return isRecord(parsed) ? Either.right(parsed) : fail("tool arguments must decode to JSON objects for messages API")
}

const assistantBlocks = (
  message: JsonRecord
): Either.Either<Array<ThinkingBlock | TextBlock | ToolUseBlock>, MessagesRequestError> =>
  Either.gen(function* () {
    const blocks: Array<ThinkingBlock | TextBlock | ToolUseBlock> = []
    const reasoning = text(message.reasoning)
    if (reasoning !== "") blocks.push({ type: "thinking", thinking: reasoning })
    const content = text(message.content)
    if (content !== "") blocks.push({ type: "text", text: content })
    const calls = message.tool_calls
    if (calls === undefined || calls === null) return blocks
    if (!Array.isArray(calls)) return yield* fail("assistant `tool_calls` must be a list")
    for (const call of calls as ReadonlyArray<unknown>) {
      if (!isRecord(call)) return yield* fail("assistant tool calls must be objects")
      const fn = call.function
      if (!isRecord(fn)) return yield* fail("assistant tool call is missing function payload")
      const input = yield* toolUseInput(fn.arguments)
      blocks.push({ type: "tool_use", id: text(call.id).trim(), name: text(fn.name).trim(), input })
    }
    return blocks
  })

const translateTool = (tool: unknown): Either.Either<MessagesTool, MessagesRequestError> => {
  if (!isRecord(tool) || tool.type !== "function") return fail("messages API backend only supports function-style tools")
  const fn = tool.function
  if (!isRecord(fn)) return fail("tool definition is missing function payload")
  const name = text(Object.prototype.hasOwnProperty.call(fn, "name") ? fn.name : tool.name).trim()
  if (name === "") return fail("tool definition is missing `name`")
  return Either.right({
    name,
    description: text(fn.description),
    input_schema: isRecord(fn.parameters) && isTruthy(fn.parameters) ? fn.parameters : { type: "object" }
  })
}

/** `tool_choice` for a request that has tools; `undefined` means the key is left out. */
export const translateToolChoice = (
  choice: unknown,
  parallelToolCalls: unknown
): Either.Either<MessagesToolChoice | undefined, MessagesRequestError> => {
  const serial = parallelToolCalls === false
  const withFlag = <A extends MessagesToolChoice>(value: A): A => (serial ? { ...value, disable_parallel_tool_use: true } : value)
  if (choice === undefined || choice === null) return Either.right(serial ? withFlag({ type: "auto" }) : undefined)
  if (typeof choice === "string") {
    switch (choice.trim()) {
      case "auto":
        return Either.right(withFlag({ type: "auto" }))
      case "required":
        return Either.right(withFlag({ type: "any" }))
      case "none":
        return Either.right(undefined)
    }
    return fail(`unsupported tool_choice for messages API: ${quoted(choice)}`)
  }
  if (isRecord(choice) && choice.type === "function") {
    const fn = choice.function
    const name = text(isRecord(fn) && Object.prototype.hasOwnProperty.call(fn, "name") ? fn.name : choice.name).trim()
    if (name === "") return fail("function tool_choice is missing `name`")
    return Either.right(withFlag({ type: "tool", name }))
  }
  return fail(`unsupported tool_choice for messages API: ${quoted(choice)}`)
}

/**
 * Build the Messages request: developer/system text becomes `system` blocks,
 * each tool output its own user message, assistant turns thinking/text/tool_use
 * blocks; the output limit defaults to 32000.
 */
export const toMessagesRequest = (
  chat: Readonly<Record<string, unknown>>
): Either.Either<MessagesRequest, MessagesRequestError> =>
  Either.gen(function* () {
    const model = text(chat.model).trim()
    if (model === "") return yield* fail("outcomming request is missing `model`")
    if (!Array.isArray(chat.messages)) return yield* fail("outcomming request `messages` must be a list")
    const system: Array<TextBlock> = []
    const messages: Array<MessagesMessage> = []
    for (const message of chat.messages as ReadonlyArray<unknown>) {
      if (!isRecord(message)) return yield* fail("outcomming request messages must be objects")
      const role = text(message.role).trim()
      switch (role) {
        case "developer":
        case "system": {
          const content = text(message.content)
          if (content !== "") system.push({ type: "text", text: content })
          break
        }
        case "user": {
          const content = text(message.content)
          messages.push({ role: "user", content: content === "" ? [] : [{ type: "text", text: content }] })
          break
        }
        case "assistant":
          messages.push({ role: "assistant", content: yield* assistantBlocks(message) })
          break
        case "tool":
          messages.push({
            role: "user",
            content: [{ type: "tool_result", tool_use_id: text(message.tool_call_id).trim(), content: text(message.content) }]
          })
          break
        default:
          return yield* fail(`unsupported outcomming message role for messages API: ${quoted(message.role)}`)
      }
    }
    const tools: Array<MessagesTool> = []
    if (Array.isArray(chat.tools)) {
      for (const tool of chat.tools as ReadonlyArray<unknown>) tools.push(yield* translateTool(tool))
    }
    const request: { -readonly [K in keyof MessagesRequest]: MessagesRequest[K] } = {
      model,
      messages,
      max_tokens: isPositiveInteger(chat.max_tokens) ? chat.max_tokens : DEFAULT_MAX_TOKENS,
      stream: chat.stream === undefined ? true : isTruthy(chat.stream)
    }
    if (typeof chat.return_token_ids === "boolean") request.return_token_ids = chat.return_token_ids
    if (system.length > 0) request.system = system
    if (tools.length > 0) {
      request.tools = tools
      const choice = yield* translateToolChoice(chat.tool_choice, chat.parallel_tool_calls)
      if (choice !== undefined) request.tool_choice = choice
    }
    return request
  })
