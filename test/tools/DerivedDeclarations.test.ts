/** Built-in tools: the declarations derived from their parameter Schemas equal the reference exec_tools.json, structure for structure. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Layer, Schema, SchemaAST } from "effect"
import * as SubAgents from "../../src/agent/SubAgents.js"
import * as Environment from "../../src/config/Environment.js"
import { serializeToolSpec } from "../../src/protocol/Prompt.js"
import * as ExecModeTools from "../../src/stack/ExecModeTools.js"
import * as CodeMode from "../../src/tools/codeMode/CodeMode.js"
import * as GrepFiles from "../../src/tools/GrepFiles.js"
import * as ListDir from "../../src/tools/ListDir.js"
import * as PlanStore from "../../src/tools/PlanStore.js"
import * as ReadFile from "../../src/tools/ReadFile.js"
import * as RequestPermissions from "../../src/tools/RequestPermissions.js"
import * as Shell from "../../src/tools/Shell.js"
import * as SubAgentTools from "../../src/stack/SubAgentTools.js"
import * as Tool from "../../src/tools/Tool.js"
import * as UserInput from "../../src/tools/UserInput.js"
import * as ExecTools from "../support/ExecTools.js"

const declared = ExecTools.declarations
const { keyOrder } = ExecTools

/** What a tool's own fields declare, ignoring any verbatim declaration attached to it. */
const derived = (tool: Tool.Any): Record<string, unknown> => {
  const { rawPayload: _ignored, ...spec } = Tool.spec(tool)
  return Either.getOrThrow(serializeToolSpec(spec))
}

const services = Layer.mergeAll(
  NodeContext.layer,
  Environment.layerValue({}),
  PlanStore.layer,
  UserInput.layer
)

describe("derived tool declarations", () => {
  it.scoped("of the exec-mode and collaboration tools equal exec_tools.json, in its order", () =>
    Effect.gen(function*() {
      const tools = [
        ...(yield* ExecModeTools.make()),
        ...SubAgentTools.collaborationTools(yield* SubAgents.make())
      ]
      // nothing replaces what the Schemas derive: that is what goes on the wire
      expect(tools.filter((tool) => tool.rawPayload !== undefined).map((tool) => tool.name)).toEqual([])
      const ours = tools.map(derived)
      expect(ours.map((d) => d.name ?? d.type)).toEqual(declared.map((d) => d.name ?? d.type))
      for (const [index, declaration] of declared.entries()) {
        expect(ours[index], String(declaration.name ?? declaration.type)).toEqual(declaration)
        expect(keyOrder(ours[index]), String(declaration.name ?? declaration.type)).toEqual(keyOrder(declaration))
      }
    }).pipe(Effect.provide(services)))
})

describe("the tools outside exec mode", () => {
  it("declare every argument on its own field: no hand-written declaration of a whole parameter Struct", () => {
    const structs: ReadonlyArray<readonly [string, Schema.Schema<any, any>]> = [
      ["list_dir", ListDir.Parameters],
      ["grep_files", GrepFiles.Parameters],
      ["read_file", ReadFile.Parameters],
      ["shell", Shell.ShellParameters],
      ["shell_command", Shell.ShellCommandParameters],
      ["wait", CodeMode.WaitParameters],
      ["request_permissions", RequestPermissions.Parameters]
    ]
    for (const [name, schema] of structs) {
      expect(schema.ast._tag, name).toBe("TypeLiteral")
      expect(schema.ast.annotations[SchemaAST.JSONSchemaAnnotationId], name).toBeUndefined()
      const properties = Object.keys(Tool.parametersJsonSchema(schema).properties as object)
      expect(properties.length, name).toBeGreaterThan(0)
    }
  })
})

describe("parametersJsonSchema", () => {
  it("lists requiredArgument fields as required, leaves undeclaredArgument fields out, and sorts properties", () => {
    const schema = Schema.Struct({
      zeta: Schema.String,
      alpha: Tool.requiredArgument(Schema.Unknown.annotations({ jsonSchema: { type: "string" } })),
      hidden: Tool.undeclaredArgument(Schema.Unknown),
      beta: Schema.optionalWith(Schema.Number, { exact: true })
    })
    const json = Tool.parametersJsonSchema(schema)
    expect(json).toEqual({
      type: "object",
      properties: { alpha: { type: "string" }, beta: { type: "number" }, zeta: { type: "string" } },
      required: ["zeta", "alpha"],
      additionalProperties: false
    })
    expect(Object.keys(json.properties as object)).toEqual(["alpha", "beta", "zeta"])
    expect(Schema.decodeUnknownSync(schema)({ zeta: "z" })).toEqual({ zeta: "z" })
  })

  it("declares an empty parameter Struct as an object without properties", () => {
    expect(Tool.parametersJsonSchema(Schema.Struct({}))).toEqual({ type: "object", properties: {}, additionalProperties: false })
  })
})
