/** CustomTools: freeform (custom) tools exposed to a chat backend as function tools taking one `input` string. */
import { compactJson, spacedJson } from "../../protocol/Items.js"
import type { ChatTool } from "../../protocol/ChatWire.js"
import { isRecord, text } from "./Values.js"

/** The tool whose description is replaced by a self-contained explanation of the patch format. */
export const APPLY_PATCH_NAME = "apply_patch"

/** Description of the `input` parameter of the apply_patch adapter. */
export const APPLY_PATCH_INPUT_DESCRIPTION = "The entire contents of the apply_patch command"

/** Description of the `input` parameter of every other custom tool adapter. */
export const CUSTOM_INPUT_DESCRIPTION = "Raw tool input. Pass the freeform payload verbatim as a single string."

/** The paragraph that tells a chat model where the freeform payload goes. */
export const CUSTOM_COMPATIBILITY_NOTE =
  "Chat-completions compatibility: provide the raw tool payload in the `input` string field."

/**
 * Default description of the apply_patch adapter. A chat model never sees the
 * grammar the client attached, so this text explains the patch format itself.
 */
export const DEFAULT_APPLY_PATCH_DESCRIPTION = `Edit files by sending a patch as the \`input\` string.

The patch is plain text wrapped in an envelope:

*** Begin Patch
<one or more file sections>
*** End Patch

Each file section starts with one header:
- \`*** Add File: <path>\` creates a file; every following line of its content starts with \`+\`.
- \`*** Delete File: <path>\` removes a file; nothing follows it.
- \`*** Update File: <path>\` changes a file in place; it may be followed directly by \`*** Move to: <new path>\` to rename the file as well.

An update is a series of hunks. A hunk opens with \`@@\`, optionally followed by a line that locates it (such as a class or function signature). Inside a hunk every line starts with one marker character:
- a space for an unchanged context line,
- \`-\` for a line to remove,
- \`+\` for a line to add.
Show about three lines of context before and after each change so the place is unambiguous; add more \`@@\` lines when a short snippet appears several times in the file.

File paths must be relative to the working directory, never absolute.

Example:

*** Begin Patch
*** Add File: notes/todo.txt
+write the release notes
*** Update File: src/config.py
@@ def load_settings():
     path = default_path()
-    return read(path)
+    return read(path, strict=True)
*** Delete File: scripts/old_setup.sh
*** End Patch`

/** How custom tools are presented downstream. */
export interface CustomToolOptions {
  /** Replacement text for the apply_patch description (for instance read from a file). */
  readonly applyPatchDescription?: string
}

/** The description a non-apply_patch custom tool gets downstream: its own text, the note, its format. */
export const customToolDescription = (description: unknown, format: unknown): string => {
  const parts: Array<string> = []
  const own = text(description).trim()
  if (own !== "") parts.push(own)
  parts.push(CUSTOM_COMPATIBILITY_NOTE)
  if (isRecord(format)) {
    const lines: Array<string> = []
    const type = text(format.type).trim()
    const syntax = text(format.syntax).trim()
    const definition = text(format.definition).trim()
    if (type !== "") lines.push(`Input format type: ${type}`)
    if (syntax !== "") lines.push(`Input format syntax: ${syntax}`)
    if (definition !== "") lines.push("Input format definition:", definition)
    if (lines.length > 0) parts.push(lines.join("\n"))
  }
  return parts.join("\n\n")
}

/** The chat function tool for a custom tool (its name must already be checked non-blank). */
export const customToolDefinition = (
  tool: Readonly<Record<string, unknown>>,
  options: CustomToolOptions = {}
): ChatTool => {
  const name = text(tool.name).trim()
  const isPatch = name === APPLY_PATCH_NAME
  const description = isPatch
    ? (options.applyPatchDescription ?? DEFAULT_APPLY_PATCH_DESCRIPTION)
    : customToolDescription(tool.description, tool.format)
  return {
    type: "function",
    name,
    function: {
      name,
      description,
      parameters: {
        type: "object",
        properties: {
          input: { type: "string", description: isPatch ? APPLY_PATCH_INPUT_DESCRIPTION : CUSTOM_INPUT_DESCRIPTION }
        },
        required: ["input"],
        additionalProperties: false
      },
      strict: false
    }
  }
}

/** Names (trimmed, non-empty) of the inbound custom tools: their downstream calls turn back into custom calls. */
export const customToolNames = (tools: unknown): ReadonlySet<string> => {
  const names = new Set<string>()
  if (!Array.isArray(tools)) return names
  for (const tool of tools) {
    if (!isRecord(tool) || tool.type !== "custom") continue
    const name = text(tool.name).trim()
    if (name !== "") names.add(name)
  }
  return names
}

/** The arguments string a replayed custom call carries downstream: compact `{"input": ...}`. */
export const customCallArguments = (input: unknown): string => compactJson({ input: text(input) })

/**
 * The freeform input of a downstream call to a custom tool: the `input` member of
 * the JSON arguments (non-strings rendered as spaced JSON); anything else is
 * taken verbatim.
 */
export const customInputFromArguments = (args: string): string => {
  let parsed: unknown
  try {
    parsed = JSON.parse(args === "" ? "{}" : args)
  } catch {
    return args
  }
  if (isRecord(parsed) && Object.prototype.hasOwnProperty.call(parsed, "input")) {
    const input = parsed.input
    return typeof input === "string" ? input : spacedJson(input)
  }
  return args
}
