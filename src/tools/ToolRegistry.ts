/** ToolRegistry: the ordered set of tools the model sees, and running one call into a result. */
import { Context, Effect, Either, Layer, ParseResult, Schema } from "effect"
import type { ToolCall, ToolResult } from "../protocol/Items.js"
import { toolResult } from "../protocol/Items.js"
import type { ToolSpec } from "../protocol/Prompt.js"
import * as Tool from "./Tool.js"

export interface ToolRegistry {
  /** Declarations in registration order. */
  readonly specs: ReadonlyArray<ToolSpec>
  readonly names: ReadonlyArray<string>
  /** False for unknown names. */
  readonly supportsParallel: (name: string) => boolean
  /** Runs one call. Never fails: unknown tools, bad arguments and tool failures become error results. */
  readonly execute: (call: ToolCall, context: Tool.ToolContext) => Effect.Effect<ToolResult>
}
export const ToolRegistry = Context.GenericTag<ToolRegistry>("tscodex/ToolRegistry")

/**
 * A registry over tools that need no services. A later tool with an already used name replaces
 * the earlier one but keeps its position.
 */
export const make = (tools: ReadonlyArray<Tool.Tool<any, never>>): ToolRegistry => fromContext(tools, Context.empty())

/** A registry over tools whose handlers need services: they come from the context it is built in. */
export const makeEffect = <const Tools extends ReadonlyArray<Tool.Any>>(
  tools: Tools
): Effect.Effect<ToolRegistry, never, Tool.Requirements<Tools[number]>> =>
  Effect.map(Effect.context<Tool.Requirements<Tools[number]>>(), (services) => fromContext(tools, services))

/**
 * The registry as a layer. Like `@effect/ai`'s `Toolkit.toLayer`, the services the tools' handlers
 * need show in its type and are provided once, where the layer is built.
 */
export const layer = <const Tools extends ReadonlyArray<Tool.Any>>(
  tools: Tools
): Layer.Layer<ToolRegistry, never, Tool.Requirements<Tools[number]>> => Layer.effect(ToolRegistry, makeEffect(tools))

const fromContext = <R>(tools: ReadonlyArray<Tool.Tool<any, R>>, services: Context.Context<R>): ToolRegistry => {
  const byName = new Map<string, Tool.Tool<any, R>>()
  for (const tool of tools) byName.set(tool.name, tool)
  const all = [...byName.values()]
  const errorResult = (call: ToolCall, error: string) =>
    toolResult({ callId: call.callId, name: call.name, output: { error }, isError: true, toolType: call.toolType })
  return {
    specs: all.map(Tool.spec),
    names: all.map((t) => t.name),
    supportsParallel: (name) => byName.get(name)?.supportsParallel ?? false,
    execute: (call, context) => {
      const tool = byName.get(call.name)
      if (tool === undefined) return Effect.succeed(errorResult(call, `unknown tool: ${call.name}`))
      const args = decodeArguments(tool, call.arguments)
      if (Either.isLeft(args)) return Effect.succeed(errorResult(call, args.left))
      return tool.handler(args.right, context).pipe(
        Effect.flatMap((value) =>
          isStructured(value)
            ? Effect.succeed(toolResult({
              callId: call.callId,
              name: call.name,
              output: value.output,
              ...(value.contentItems !== undefined ? { contentItems: value.contentItems } : {}),
              ...(value.success !== undefined ? { success: value.success } : {}),
              toolType: call.toolType
            }))
            : Effect.map(encodeSuccess(tool, value), (output) =>
              toolResult({ callId: call.callId, name: call.name, output, toolType: call.toolType }))
        ),
        Effect.provide(services),
        Effect.catchAll((failure) => Effect.succeed(errorResult(call, `${failure.name}: ${failure.message}`))),
        Effect.catchAllDefect((defect) =>
          Effect.succeed(errorResult(call, `${defect instanceof Error ? defect.name : "Error"}: ${defect instanceof Error ? defect.message : String(defect)}`))
        )
      )
    }
  }
}

const isStructured = (value: unknown): value is Tool.StructuredOutput =>
  typeof value === "object" && value !== null && (value as { _tag?: unknown })._tag === "StructuredOutput"

/** The handler's value through the tool's success Schema, when it has one. */
const encodeSuccess = (tool: Tool.Any, value: unknown): Effect.Effect<unknown, Tool.ToolFailure> =>
  tool.success === undefined
    ? Effect.succeed(value)
    : Schema.encodeUnknown(tool.success)(value).pipe(
      Effect.mapError((error) => new Tool.ToolFailure({ name: "InvalidOutput", message: describeParseError(error) }))
    )

const decodeArguments = (tool: Tool.Any, args: unknown): Either.Either<unknown, string> => {
  if (tool.kind !== "function") return Either.right(typeof args === "string" ? args : JSON.stringify(args))
  if (tool.parameters === undefined) return Either.right(args)
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    return Either.left(`InvalidArguments: arguments must be a JSON object, got ${args === null ? "null" : Array.isArray(args) ? "an array" : typeof args}`)
  }
  return Schema.decodeUnknownEither(tool.parameters, { errors: "first", onExcessProperty: "ignore" })(args).pipe(
    Either.mapLeft((error) => `InvalidArguments: ${describeParseError(error)}`)
  )
}

/** The first problem of a failed decode, prefixed by the argument path (`plan.0.status: ...`). */
const describeParseError = (error: ParseResult.ParseError): string => {
  const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  if (issue === undefined) return ParseResult.TreeFormatter.formatErrorSync(error)
  return issue.path.length === 0 ? issue.message : `${issue.path.map(String).join(".")}: ${issue.message}`
}
