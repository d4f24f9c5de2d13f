/** WebSearchTool: the declaration of the mock `web_search` tool the compatibility server offers downstream. */
import type { ChatTool } from "../../protocol/ChatWire.js"
import { isRecord } from "./Values.js"

/** The mock tool's description; it is also how the mock is told apart from a user tool of the same name. */
export const MOCK_WEB_SEARCH_DESCRIPTION = "Mock web search tool for Responses compatibility. Returns empty results."

/** The mock tool's name. */
export const MOCK_WEB_SEARCH_NAME = "web_search"

/** Parameters of the mock: one query, or a batch of them. */
export const mockWebSearchParameters = (): Record<string, unknown> => ({
  type: "object",
  properties: {
    query: { type: "string", description: "Primary search query." },
    queries: { type: "array", description: "Optional batch of search queries.", items: { type: "string" } }
  },
  required: ["query"]
})

/** The chat function tool that stands in for an inbound `{"type": "web_search"}` tool. */
export const mockWebSearchTool = (): ChatTool => ({
  type: "function",
  name: MOCK_WEB_SEARCH_NAME,
  function: {
    name: MOCK_WEB_SEARCH_NAME,
    description: MOCK_WEB_SEARCH_DESCRIPTION,
    parameters: mockWebSearchParameters(),
    strict: false
  }
})

/** Whether a downstream chat tool is the mock (name and description both match). */
export const isMockWebSearchTool = (tool: unknown): boolean => {
  if (!isRecord(tool) || tool.type !== "function" || !isRecord(tool.function)) return false
  const fn = tool.function
  return (
    typeof fn.name === "string" &&
    fn.name.trim() === MOCK_WEB_SEARCH_NAME &&
    typeof fn.description === "string" &&
    fn.description.trim() === MOCK_WEB_SEARCH_DESCRIPTION
  )
}
