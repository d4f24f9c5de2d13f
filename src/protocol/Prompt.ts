/** What one sampling request carries: the model-visible tool declarations and the prompt itself. */
import { Data, Either } from "effect"
import type { ConversationItem } from "./Items.js"

/** A model-visible tool declaration (core §1.2). */
export interface ToolSpec {
  readonly name: string
  readonly description: string
  readonly toolType: "function" | "custom" | "web_search"
  /** JSON Schema of a function tool's arguments. */
  readonly inputSchema?: Record<string, unknown>
  /** Grammar or text format of a custom tool. */
  readonly format?: Record<string, unknown>
  /** Extra keys of a `web_search` declaration (for example `external_web_access`). */
  readonly options?: Record<string, unknown>
  readonly outputSchema?: Record<string, unknown>
  readonly supportsParallel: boolean
  /** When set, sent verbatim instead of being built from the fields above. */
  readonly rawPayload?: Record<string, unknown>
}

export class ToolSpecError extends Data.TaggedError("ToolSpecError")<{ readonly message: string }> {}

/** The JSON object the Responses API receives for one tool declaration. */
export const serializeToolSpec = (spec: ToolSpec): Either.Either<Record<string, unknown>, ToolSpecError> => {
  if (spec.rawPayload !== undefined) return Either.right(structuredClone(spec.rawPayload))
  switch (spec.toolType) {
    case "web_search":
      return Either.right({ type: "web_search", ...spec.options })
    case "custom":
      return spec.format === undefined
        ? Either.left(new ToolSpecError({ message: "custom tools require `format`" }))
        : Either.right({ type: "custom", name: spec.name, description: spec.description, format: spec.format })
    case "function": {
      if (spec.inputSchema === undefined) {
        return Either.left(new ToolSpecError({ message: "function tools require `input_schema`" }))
      }
      return Either.right({
        type: "function",
        name: spec.name,
        description: spec.description,
        strict: false,
        parameters: spec.inputSchema,
        ...(spec.outputSchema !== undefined ? { output_schema: spec.outputSchema } : {})
      })
    }
  }
}

/** Built fresh for every sampling request (core §1.3). */
export interface Prompt {
  /** Injected context messages followed by the history. */
  readonly input: ReadonlyArray<ConversationItem>
  readonly tools: ReadonlyArray<ToolSpec>
  readonly parallelToolCalls: boolean
  /** Sent as top-level `instructions` (`""` when absent). */
  readonly baseInstructions?: string
  readonly turnId?: string
  /** Sent as the `x-codex-turn-metadata` header. */
  readonly turnMetadata?: Record<string, unknown>
  /** A JSON Schema the final answer must follow (`text.format`, `--output-schema`). */
  readonly outputSchema?: unknown
}
