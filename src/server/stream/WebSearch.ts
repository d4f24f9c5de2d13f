/** WebSearch: the mock `web_search` tool as the stream sees it: recognition, query extraction, and the follow-up request. */
import { isRecord } from "../../protocol/ChatChunkWire.js"
import { spacedJson } from "./SpacedJson.js"
import { OutcommingStreamError } from "./StreamErrors.js"

// The mock tool is declared once, on the request side; the stream only recognises it.
export {
  isMockWebSearchTool,
  MOCK_WEB_SEARCH_DESCRIPTION as mockWebSearchDescription,
  MOCK_WEB_SEARCH_NAME as mockWebSearchName
} from "../request/WebSearchTool.js"
import { isMockWebSearchTool, MOCK_WEB_SEARCH_NAME as mockWebSearchName } from "../request/WebSearchTool.js"

/** The search a mock call asked for. */
export interface WebSearchQuery {
  readonly query: string
  readonly queries: ReadonlyArray<string>
}

const text = (value: unknown): string =>
  typeof value === "string" ? value : value === null || value === undefined ? "" : JSON.stringify(value)

/**
 * Reads `query` and `queries` from a call's arguments. Arguments that are not a JSON object are
 * taken as the query itself. The query is always the first of `queries`.
 */
export const extractQuery = (args: string): WebSearchQuery => {
  let parsed: unknown
  try {
    parsed = args === "" ? {} : JSON.parse(args)
  } catch {
    parsed = undefined
  }
  if (!isRecord(parsed)) {
    const query = args.trim()
    return { query, queries: query === "" ? [] : [query] }
  }
  let query = text(parsed.query).trim()
  const queries = Array.isArray(parsed.queries)
    ? parsed.queries.map((q) => text(q).trim()).filter((q) => q !== "")
    : []
  if (query === "" && queries.length > 0) query = queries[0]!
  if (query !== "" && !queries.includes(query)) queries.unshift(query)
  return { query, queries }
}

/** One mock call of a round, as sent back downstream and shown to the client. */
export interface MockWebSearchCall extends WebSearchQuery {
  /** The call id, or `ws_mock` when the model gave none. */
  readonly id: string
  readonly name: string
  readonly arguments: string
}

/** The tool output the mock returns: no results, the queries echoed back, as spaced JSON. */
export const mockResultText = (search: WebSearchQuery): string => {
  const result: Record<string, unknown> = { results: [], mock: true }
  if (search.query !== "") result.query = search.query
  if (search.queries.length > 0) result.queries = search.queries
  return spacedJson(result)
}

/**
 * The request of the round after a web-search-only round: the current request plus the
 * assistant's calls (with all reasoning so far) and one tool message per call, without the mock
 * tool. When no tool remains, `tools`, `tool_choice` and `parallel_tool_calls` are dropped.
 */
export const followUpRequest = (
  request: Readonly<Record<string, unknown>>,
  calls: ReadonlyArray<MockWebSearchCall>,
  reasoning: string
): Record<string, unknown> | OutcommingStreamError => {
  const next = structuredClone(request) as Record<string, unknown>
  if (!Array.isArray(next.messages)) return new OutcommingStreamError({ message: "outcomming request messages must be a list" })
  const assistant: Record<string, unknown> = {
    role: "assistant",
    tool_calls: calls.map((call) => ({
      id: call.id,
      type: "function",
      function: { name: call.name === "" ? mockWebSearchName : call.name, arguments: call.arguments === "" ? "{}" : call.arguments }
    }))
  }
  if (reasoning !== "") assistant.reasoning = reasoning
  next.messages = [
    ...next.messages,
    assistant,
    ...calls.map((call) => ({ role: "tool", tool_call_id: call.id, content: mockResultText(call) }))
  ]
  const remaining = Array.isArray(next.tools) ? next.tools.filter((tool) => !isMockWebSearchTool(tool)) : []
  if (remaining.length > 0) next.tools = remaining
  else {
    delete next.tools
    delete next.tool_choice
    delete next.parallel_tool_calls
  }
  return next
}
