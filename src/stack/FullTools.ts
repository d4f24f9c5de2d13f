/** FullTools: all 20 built-in tools (shell tools, code mode, file tools, permissions and the exec-mode set) as one registry. */
import * as ToolSets from "./ToolSets.js"
import * as ToolSelection from "../tools/ToolSelection.js"

/** The tool names, in declaration order. */
export const NAMES = ToolSelection.FULL_ORDER

/** The full registry; code mode's nested calls go through it. */
export const make = (options: ToolSets.ToolSetOptions = {}) => ToolSets.build(NAMES, options)

/** The full registry as a layer. */
export const layer = (options: ToolSets.ToolSetOptions = {}) => ToolSets.layerFull(options)
