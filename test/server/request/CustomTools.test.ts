/** Tests of CustomTools: custom tool adapter, request side. */
import { describe, expect, it } from "@effect/vitest"
import {
  CUSTOM_INPUT_DESCRIPTION,
  DEFAULT_APPLY_PATCH_DESCRIPTION,
  customCallArguments,
  customInputFromArguments,
  customToolDefinition,
  customToolDescription,
  customToolNames
} from "../../../src/server/request/CustomTools.js"

const NOTE = "Chat-completions compatibility: provide the raw tool payload in the `input` string field."

describe("custom tool adapter, request side", () => {
  it("describes a custom tool with its text, the compatibility note and its format", () => {
    expect(
      customToolDescription(" Find ", { type: "grammar", syntax: "lark", definition: "start: X" })
    ).toBe(
      "Find\n\n" + NOTE + "\n\nInput format type: grammar\nInput format syntax: lark\nInput format definition:\nstart: X"
    )
    expect(customToolDescription(undefined, undefined)).toBe(NOTE)
    expect(customToolDescription("", { type: " ", definition: " body " })).toBe(NOTE + "\n\nInput format definition:\nbody")
    expect(customToolDescription("d", { syntax: "" })).toBe("d\n\n" + NOTE)
    expect(customToolDescription("d", "text")).toBe("d\n\n" + NOTE)
  })

  it("declares one required `input` string", () => {
    const tool = customToolDefinition({ type: "custom", name: " grep ", description: "Find", format: { type: "text" } })
    expect(tool).toEqual({
      type: "function",
      name: "grep",
      function: {
        name: "grep",
        description: "Find\n\n" + NOTE + "\n\nInput format type: text",
        parameters: {
          type: "object",
          properties: { input: { type: "string", description: CUSTOM_INPUT_DESCRIPTION } },
          required: ["input"],
          additionalProperties: false
        },
        strict: false
      }
    })
    expect(Object.keys(tool.function)).toEqual(["name", "description", "parameters", "strict"])
  })

  it("gives apply_patch a self-contained format description, replaceable by the caller", () => {
    const tool = customToolDefinition({ type: "custom", name: "apply_patch", description: "ignored", format: { type: "grammar" } })
    expect(tool.function.description).toBe(DEFAULT_APPLY_PATCH_DESCRIPTION)
    for (const marker of ["*** Begin Patch", "*** Add File:", "*** Delete File:", "*** Update File:", "*** Move to:", "@@", "*** End Patch"]) {
      expect(DEFAULT_APPLY_PATCH_DESCRIPTION).toContain(marker)
    }
    expect(DEFAULT_APPLY_PATCH_DESCRIPTION).toMatch(/relative/)
    expect(customToolDefinition({ name: "apply_patch" }, { applyPatchDescription: "own" }).function.description).toBe("own")
  })

  it("collects the trimmed names of custom tools only", () => {
    expect([...customToolNames([{ type: "custom", name: " a " }, { type: "function", name: "b" }, { type: "custom", name: "" }, 3])]).toEqual(["a"])
    expect(customToolNames(undefined).size).toBe(0)
  })

  it("writes replayed input as compact JSON", () => {
    expect(customCallArguments("x\ny")).toBe('{"input":"x\\ny"}')
    expect(customCallArguments(undefined)).toBe('{"input":""}')
    expect(customCallArguments("é")).toBe('{"input":"é"}')
  })

  it("reads the freeform input back out of downstream arguments", () => {
    expect(customInputFromArguments('{"input":"*** Begin Patch\\n*** End Patch\\n"}')).toBe("*** Begin Patch\n*** End Patch\n")
    expect(customInputFromArguments('{"input": {"a":1}}')).toBe('{"a": 1}')
    expect(customInputFromArguments('{"input": null}')).toBe("null")
    expect(customInputFromArguments('{"o":1}')).toBe('{"o":1}')
    expect(customInputFromArguments('"s"')).toBe('"s"')
    expect(customInputFromArguments("not json")).toBe("not json")
    expect(customInputFromArguments("")).toBe("")
  })
})
