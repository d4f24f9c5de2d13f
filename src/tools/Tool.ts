/** Tool: one built-in or user tool as a value (name, schema the model sees, and a handler). */
import { Data, Effect, JSONSchema, Schema } from "effect"
import type { ConversationItem, JsonRecord } from "../protocol/Items.js"
import type { ToolSpec } from "../protocol/Prompt.js"

/** What a tool sees of the turn it runs in (tools §1.5). */
export interface ToolContext {
  readonly turnId: string
  /** The loop history plus results of earlier calls of the same batch. */
  readonly history: ReadonlyArray<ConversationItem>
  readonly collaborationMode: string
}

/** A result with content items (images, several texts) or an explicit success flag. */
export interface StructuredOutput {
  readonly _tag: "StructuredOutput"
  readonly output: unknown
  readonly contentItems?: ReadonlyArray<typeof JsonRecord.Type>
  readonly success?: boolean
}
export const structured = (fields: Omit<StructuredOutput, "_tag">): StructuredOutput => ({ _tag: "StructuredOutput", ...fields })

/**
 * A tool failure the model should read as `{"error": "<name>: <message>"}` with `is_error` true
 * (the reference's "exception in a tool"). Ordinary validation problems are plain string outputs.
 */
export class ToolFailure extends Data.TaggedError("ToolFailure")<{
  /** Error class shown to the model, e.g. `ValueError`, `FileNotFoundError`. */
  readonly name: string
  readonly message: string
}> {}

export type ToolKind = "function" | "custom" | "web_search"

export interface Tool<A = any> {
  readonly name: string
  readonly description: string
  readonly kind: ToolKind
  /**
   * Function tools: decodes the argument object. Its JSON Schema is what the model sees unless
   * `jsonSchema` or `rawPayload` says otherwise. Custom tools receive the raw input string.
   */
  readonly parameters?: Schema.Schema<A, any>
  /** The parameters JSON Schema to declare, when it must differ from the derived one. */
  readonly jsonSchema?: Record<string, unknown>
  readonly format?: Record<string, unknown>
  readonly options?: Record<string, unknown>
  readonly outputSchema?: Record<string, unknown>
  /** A verbatim declaration that replaces the one built from the fields above. */
  readonly rawPayload?: Record<string, unknown>
  readonly supportsParallel: boolean
  readonly handler: (args: A, context: ToolContext) => Effect.Effect<unknown, ToolFailure>
}

/** A function tool whose arguments are decoded by `parameters`. */
export const make = <A, I>(tool: Omit<Tool<A>, "kind" | "parameters" | "supportsParallel"> & {
  readonly parameters: Schema.Schema<A, I>
  readonly supportsParallel?: boolean
}): Tool<A> => ({ kind: "function", supportsParallel: false, ...tool })

/** A custom (freeform) tool: the handler receives the model's raw input text. */
export const makeCustom = (tool: Omit<Tool<string>, "kind" | "parameters" | "supportsParallel"> & {
  readonly format: Record<string, unknown>
  readonly supportsParallel?: boolean
}): Tool<string> => ({ kind: "custom", supportsParallel: false, ...tool })

/** The declaration the model sees for a tool. */
export const spec = (tool: Tool): ToolSpec => ({
  name: tool.name,
  description: tool.description,
  toolType: tool.kind,
  supportsParallel: tool.supportsParallel,
  ...(tool.kind === "function"
    ? { inputSchema: tool.jsonSchema ?? (tool.parameters ? parametersJsonSchema(tool.parameters) : { type: "object", properties: {} }) }
    : {}),
  ...(tool.format !== undefined ? { format: tool.format } : {}),
  ...(tool.options !== undefined ? { options: tool.options } : {}),
  ...(tool.outputSchema !== undefined ? { outputSchema: tool.outputSchema } : {}),
  ...(tool.rawPayload !== undefined ? { rawPayload: tool.rawPayload } : {})
})

/** JSON Schema of a parameters Schema, without the `$schema` marker. */
export const parametersJsonSchema = (schema: Schema.Schema<any, any>): Record<string, unknown> => {
  const { $schema: _ignored, ...rest } = JSONSchema.make(schema) as unknown as Record<string, unknown>
  return rest
}
