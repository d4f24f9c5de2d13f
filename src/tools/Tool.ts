/** Tool: one built-in or user tool as a value (name, the Schemas of its arguments and result, and a handler Effect). */
import { Data, type Effect, JSONSchema, Schema } from "effect"
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

/**
 * A tool. `A` is what its handler receives (the decoded arguments, or the raw input text of a
 * custom tool) and `R` the services its handler needs; a registry built from tools requires the
 * union of their `R` (see `ToolRegistry.layer`).
 */
export interface Tool<A = any, R = never> {
  readonly name: string
  readonly description: string
  readonly kind: ToolKind
  /**
   * Function tools: decodes the argument object. Its JSON Schema is what the model sees unless
   * `jsonSchema` or `rawPayload` says otherwise. Custom tools receive the raw input string.
   */
  readonly parameters?: Schema.Schema<A, any>
  /** Encodes the handler's plain (not structured) results into the output the model reads. */
  readonly success?: Schema.Schema<any, any>
  /** The parameters JSON Schema to declare, when it must differ from the derived one. */
  readonly jsonSchema?: Record<string, unknown>
  readonly format?: Record<string, unknown>
  readonly options?: Record<string, unknown>
  readonly outputSchema?: Record<string, unknown>
  /** A verbatim declaration that replaces the one built from the fields above. */
  readonly rawPayload?: Record<string, unknown>
  /** Whether calls of this tool may run alongside other calls of the same batch. */
  readonly supportsParallel: boolean
  readonly handler: (args: A, context: ToolContext) => Effect.Effect<unknown, ToolFailure, R>
}

/** Any tool, whatever it needs. */
export type Any = Tool<any, any>

/** The services a tool (or a union of tools) needs to run. */
export type Requirements<T> = T extends Tool<any, infer R> ? R : never

/** The fields shared by every way of making a tool. */
interface Common {
  readonly name: string
  readonly description: string
  readonly jsonSchema?: Record<string, unknown>
  readonly format?: Record<string, unknown>
  readonly options?: Record<string, unknown>
  readonly outputSchema?: Record<string, unknown>
  readonly rawPayload?: Record<string, unknown>
  /** Default false: calls run one at a time. */
  readonly supportsParallel?: boolean
}

/**
 * A function tool. `parameters` decodes the model's argument object and gives the JSON Schema the
 * model sees; `success`, when given, encodes the handler's result into the output the model
 * reads; the handler may need services (`R`), which whoever builds the registry provides.
 */
export const make = <A, I, R = never, S = unknown, SI = unknown>(tool: Common & {
  readonly parameters: Schema.Schema<A, I>
  readonly success?: Schema.Schema<S, SI>
  readonly handler: (args: A, context: ToolContext) => Effect.Effect<NoInfer<S> | StructuredOutput, ToolFailure, R>
}): Tool<A, R> => ({ kind: "function", ...tool, supportsParallel: tool.supportsParallel ?? false })

/** A custom (freeform) tool: the handler receives the model's raw input text. */
export const makeCustom = <R = never>(tool: Common & {
  readonly format: Record<string, unknown>
  readonly handler: (input: string, context: ToolContext) => Effect.Effect<unknown, ToolFailure, R>
}): Tool<string, R> => ({ kind: "custom", ...tool, supportsParallel: tool.supportsParallel ?? false })

/** The declaration the model sees for a tool. */
export const spec = (tool: Any): ToolSpec => ({
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

/**
 * JSON Schema of a parameters Schema as the model sees it: no `$schema` marker, object properties
 * in name order (as Codex declares them), arguments marked with `requiredArgument` listed as
 * required, those marked with `undeclaredArgument` left out, and no empty `required` list.
 */
export const parametersJsonSchema = (schema: Schema.Schema<any, any>): Record<string, unknown> => {
  const ast = schema.ast
  const signatures = ast._tag === "TypeLiteral" ? ast.propertySignatures : []
  if (ast._tag === "TypeLiteral" && signatures.length === 0 && ast.indexSignatures.length === 0) {
    return { type: "object", properties: {}, additionalProperties: false }
  }
  const { $schema: _ignored, ...derived } = JSONSchema.make(schema) as unknown as Record<string, unknown>
  const hidden = new Set(signatures.filter((ps) => ps.annotations[UndeclaredId] === true).map((ps) => String(ps.name)))
  const declaredRequired = signatures.filter((ps) => ps.annotations[DeclaredRequiredId] === true).map((ps) => String(ps.name))
  if (hidden.size > 0 || declaredRequired.length > 0) {
    const properties = { ...(derived.properties as Record<string, unknown>) }
    for (const name of hidden) delete properties[name]
    const required = new Set([...(derived.required as ReadonlyArray<string> ?? []), ...declaredRequired])
    derived.properties = properties
    derived.required = signatures.map((ps) => String(ps.name)).filter((name) => required.has(name) && !hidden.has(name))
  }
  if (ast.annotations[OpenDeclarationId] === true) delete derived.additionalProperties
  return canonical(derived) as Record<string, unknown>
}

/** Objects with their properties in name order and the usual key order; empty `required` lists dropped. */
const canonical = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(canonical)
  if (typeof node !== "object" || node === null) return node
  const record = node as Record<string, unknown>
  const out: Record<string, unknown> = {}
  const properties = record.properties
  const isObject = typeof properties === "object" && properties !== null && !Array.isArray(properties)
  const first = isObject ? ["type", "properties", "required", "additionalProperties"] : []
  for (const key of [...first, ...Object.keys(record).filter((key) => !first.includes(key))]) {
    if (!(key in record)) continue
    const value = record[key]
    if (key === "required" && Array.isArray(value) && value.length === 0) continue
    if (key === "properties" && isObject) {
      const sorted: Record<string, unknown> = {}
      for (const name of Object.keys(value as object).sort()) sorted[name] = canonical((value as Record<string, unknown>)[name])
      out[key] = sorted
    } else out[key] = canonical(value)
  }
  return out
}

/** Struct annotation: the declaration leaves out `additionalProperties: false` (see `openDeclaration`). */
export const OpenDeclarationId: unique symbol = Symbol.for("tscodex/Tool/OpenDeclaration")

/** Annotations of a parameter Struct declared without `additionalProperties: false`, as pycodex declares its own tools. */
export const openDeclaration = { [OpenDeclarationId]: true } as Schema.Annotations.Schema<any>

/** Property-signature annotation: the argument is declared required to the model (see `requiredArgument`). */
export const DeclaredRequiredId: unique symbol = Symbol.for("tscodex/Tool/DeclaredRequired")
/** Property-signature annotation: the argument is accepted but left out of the declaration. */
export const UndeclaredId: unique symbol = Symbol.for("tscodex/Tool/Undeclared")

/** `schema` declared to the model as `jsonSchema` when given (else as its own JSON Schema). */
const declaredAs = <A, I>(schema: Schema.Schema<A, I>, jsonSchema?: Record<string, unknown>): Schema.Schema<A, I> =>
  jsonSchema === undefined ? schema : schema.annotations({ jsonSchema })

/**
 * An argument the declaration lists as required while decoding still lets its absence through,
 * so the handler can answer the model with its own message instead of a decoding error.
 */
export const requiredArgument = <A, I>(schema: Schema.Schema<A, I>, jsonSchema?: Record<string, unknown>) =>
  Schema.optionalWith(declaredAs(schema, jsonSchema), { exact: true }).annotations(
    { [DeclaredRequiredId]: true } as Schema.PropertySignature.Annotations<A>
  )

/** An optional argument (absent stays absent), declared to the model as `jsonSchema` when given. */
export const optionalArgument = <A, I>(schema: Schema.Schema<A, I>, jsonSchema?: Record<string, unknown>) =>
  Schema.optionalWith(declaredAs(schema, jsonSchema), { exact: true })

/** An optional argument the handler reads but the declaration does not mention. */
export const undeclaredArgument = <A, I>(schema: Schema.Schema<A, I>) =>
  Schema.optionalWith(schema, { exact: true }).annotations({ [UndeclaredId]: true } as Schema.PropertySignature.Annotations<A>)
