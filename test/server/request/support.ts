/** Test helpers for the compatibility server's request translation: inbound Responses bodies and tools. */

export const user = (text: string) => ({ type: "message", role: "user", content: [{ type: "input_text", text }] })

/** A custom (freeform) apply_patch tool as Codex declares it, with a short grammar. */
export const applyPatchTool = {
  type: "custom",
  name: "apply_patch",
  description: "Use apply_patch.",
  format: { type: "grammar", syntax: "lark", definition: "start: PATCH" }
}

/** The inbound body the acceptance scenarios start from. */
export const inbound = (instructions: string, input: Array<unknown>, extra: Record<string, unknown> = {}) => ({
  model: "gpt-5.4",
  instructions,
  input,
  tools: [],
  tool_choice: "auto",
  parallel_tool_calls: true,
  stream: true,
  ...extra
})
