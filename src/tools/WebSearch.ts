/** WebSearch: the provider-native `web_search` declaration; the provider runs the searches, never this program. */
import { Effect } from "effect"
import type * as Tool from "./Tool.js"

export const NAME = "web_search"

/** Extra keys of the declaration: searches may reach the open web. */
export const OPTIONS = { external_web_access: true } as const

/** What a local call gets: such calls are a model mistake, the provider answers searches itself. */
export const NOT_LOCAL = "Error: web_search is provider-native and should not be executed locally."

/** The web_search declaration. Serialized alone it is `{"type":"web_search","external_web_access":true}`. */
export const make = (): Tool.Tool<string> => ({
  name: NAME,
  description: "Web search carried out by the model provider; declared here so the model may use it.",
  kind: "web_search",
  options: { ...OPTIONS },
  supportsParallel: false,
  handler: () => Effect.succeed(NOT_LOCAL)
})
