/** ToolRegistry: order, replacement, unknown tools, argument errors and failures as results. */
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Either, Layer, Schema } from "effect"
import { toolCall, toResponsesInputUnsafe } from "../../src/protocol/Items.js"
import { serializeToolSpec } from "../../src/protocol/Prompt.js"
import * as Tool from "../../src/tools/Tool.js"
import * as ToolRegistry from "../../src/tools/ToolRegistry.js"

const context: Tool.ToolContext = { turnId: "turn-1", history: [], collaborationMode: "default" }

const echo = (name: string, reply: string) =>
  Tool.make({ name, description: `${name} tool`, parameters: Schema.Struct({ text: Schema.String }), handler: (args) => Effect.succeed(`${reply}:${args.text}`) })

const failing = Tool.make({
  name: "update_plan",
  description: "fails",
  parameters: Schema.Struct({}),
  handler: () => Effect.fail(new Tool.ToolFailure({ name: "ValueError", message: "at most one plan step can be in_progress" }))
})

describe("ToolRegistry", () => {
  it("keeps registration order, and a replacement keeps the original position", () => {
    const registry = ToolRegistry.make([echo("a", "1"), echo("b", "2"), echo("c", "3"), echo("a", "4")])
    expect(registry.names).toEqual(["a", "b", "c"])
    expect(registry.specs.map((s) => s.name)).toEqual(["a", "b", "c"])
  })

  it.effect("runs the replacing tool", () =>
    Effect.gen(function*() {
      const registry = ToolRegistry.make([echo("a", "old"), echo("a", "new")])
      const result = yield* registry.execute(toolCall("c1", "a", { text: "x" }), context)
      expect(result.output).toBe("new:x")
      expect(result.isError).toBe(false)
    }))

  it.effect("answers an unknown tool with an error result", () =>
    Effect.gen(function*() {
      const registry = ToolRegistry.make([echo("a", "1")])
      const result = yield* registry.execute(toolCall("c1", "nope", {}), context)
      expect(result.isError).toBe(true)
      expect(toResponsesInputUnsafe(result)).toEqual({
        type: "function_call_output",
        call_id: "c1",
        output: "{\"error\":\"unknown tool: nope\"}"
      })
    }))

  it.effect("names the argument that could not be decoded", () =>
    Effect.gen(function*() {
      const registry = ToolRegistry.make([echo("a", "1")])
      const wrongType = yield* registry.execute(toolCall("c1", "a", { text: 42 }), context)
      expect(wrongType.isError).toBe(true)
      expect(wrongType.output).toEqual({ error: "InvalidArguments: text: Expected string, actual 42" })
      const missing = yield* registry.execute(toolCall("c2", "a", {}), context)
      expect((missing.output as { error: string }).error).toMatch(/^InvalidArguments: text: /)
      const notObject = yield* registry.execute(toolCall("c3", "a", "text"), context)
      expect(notObject.output).toEqual({ error: "InvalidArguments: arguments must be a JSON object, got string" })
    }))

  it.effect("turns a tool failure into {error: '<Name>: <message>'}", () =>
    Effect.gen(function*() {
      const registry = ToolRegistry.make([failing])
      const result = yield* registry.execute(toolCall("c1", "update_plan", {}), context)
      expect(result.isError).toBe(true)
      expect(toResponsesInputUnsafe(result).output).toBe("{\"error\":\"ValueError: at most one plan step can be in_progress\"}")
    }))

  it.effect("turns a defect into an error result instead of crashing", () =>
    Effect.gen(function*() {
      const broken = Tool.make({ name: "broken", description: "dies", parameters: Schema.Struct({}), handler: () => Effect.die(new TypeError("bad state")) })
      const result = yield* ToolRegistry.make([broken]).execute(toolCall("c1", "broken", {}), context)
      expect(result).toMatchObject({ isError: true, output: { error: "TypeError: bad state" } })
    }))

  it.effect("copies structured outputs and the call's tool type", () =>
    Effect.gen(function*() {
      const image = Tool.make({
        name: "view",
        description: "image",
        parameters: Schema.Struct({}),
        supportsParallel: true,
        handler: () => Effect.succeed(Tool.structured({ output: "", contentItems: [{ type: "input_image", image_url: "data:x" }], success: true }))
      })
      const custom = Tool.makeCustom({ name: "patch", description: "raw", format: { type: "text" }, handler: (input) => Effect.succeed(`got ${input}`) })
      const registry = ToolRegistry.make([image, custom])
      expect(registry.supportsParallel("view")).toBe(true)
      expect(registry.supportsParallel("patch")).toBe(false)
      expect(registry.supportsParallel("missing")).toBe(false)
      const viewed = yield* registry.execute(toolCall("c1", "view", {}), context)
      expect(toResponsesInputUnsafe(viewed)).toEqual({
        type: "function_call_output",
        call_id: "c1",
        output: [{ type: "input_image", image_url: "data:x" }],
        success: true
      })
      const patched = yield* registry.execute(toolCall("c2", "patch", "*** Begin Patch", "custom"), context)
      expect(toResponsesInputUnsafe(patched)).toEqual({ type: "custom_tool_call_output", call_id: "c2", output: "got *** Begin Patch", name: "patch" })
    }))

  it("serializes a function tool from its parameters", () => {
    const spec = ToolRegistry.make([echo("a", "1")]).specs[0]!
    expect(Either.getOrThrow(serializeToolSpec(spec))).toEqual({
      type: "function",
      name: "a",
      description: "a tool",
      parameters: { type: "object", required: ["text"], properties: { text: { type: "string" } }, additionalProperties: false },
      strict: false
    })
  })

  it.effect("provides the services a tool needs once, where the registry layer is built", () =>
    Effect.gen(function*() {
      class Greeting extends Context.Tag("test/Greeting")<Greeting, { readonly word: string }>() {}
      const greet = Tool.make({
        name: "greet",
        description: "greets",
        parameters: Schema.Struct({ who: Schema.String }),
        handler: (args) => Effect.map(Greeting, (greeting) => `${greeting.word}, ${args.who}`)
      })
      // @ts-expect-error a tool that needs a service cannot go into a registry built without one
      ToolRegistry.make([greet])
      const registryLayer: Layer.Layer<ToolRegistry.ToolRegistry, never, Greeting> = ToolRegistry.layer([greet, echo("a", "1")])
      const registry = yield* ToolRegistry.ToolRegistry.pipe(
        Effect.provide(registryLayer.pipe(Layer.provide(Layer.succeed(Greeting, { word: "hello" }))))
      )
      const result = yield* registry.execute(toolCall("c1", "greet", { who: "you" }), context)
      expect(result.output).toBe("hello, you")
    }))

  it.effect("encodes plain results with the success Schema, and reports a result it cannot encode", () =>
    Effect.gen(function*() {
      const Point = Schema.Struct({ x: Schema.Number, at: Schema.DateFromString })
      const point = Tool.make({
        name: "point",
        description: "a point",
        parameters: Schema.Struct({ x: Schema.Number }),
        success: Point,
        handler: (args) =>
          args.x < 0
            ? Effect.succeed({ x: args.x, at: "not a date" as unknown as Date })
            : Effect.succeed({ x: args.x, at: new Date(0) })
      })
      const registry = ToolRegistry.make([point])
      const good = yield* registry.execute(toolCall("c1", "point", { x: 1 }), context)
      expect(good).toMatchObject({ isError: false, output: { x: 1, at: "1970-01-01T00:00:00.000Z" } })
      const bad = yield* registry.execute(toolCall("c2", "point", { x: -1 }), context)
      expect(bad.isError).toBe(true)
      expect((bad.output as { error: string }).error).toMatch(/^InvalidOutput: at: Expected DateFromSelf/)
    }))
})
