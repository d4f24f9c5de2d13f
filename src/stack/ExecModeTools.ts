/** ExecModeTools: the tools the CLI offers the model, in the order Codex's exec mode declares them. */
import { Effect } from "effect"
import * as ApplyPatch from "../tools/ApplyPatch.js"
import * as PlanStore from "../tools/PlanStore.js"
import * as RequestUserInput from "../tools/RequestUserInput.js"
import type * as Tool from "../tools/Tool.js"
import * as ToolSets from "./ToolSets.js"
import { makeUnifiedExecTools } from "../tools/UnifiedExecTools.js"
import * as UpdatePlan from "../tools/UpdatePlan.js"
import * as UserInput from "../tools/UserInput.js"
import * as ViewImage from "../tools/ViewImage.js"
import * as WebSearch from "../tools/WebSearch.js"

export interface ExecModeToolsOptions {
  /** Working directory and workspace root of the tools (default: the process's). */
  readonly cwd?: string
}

/**
 * exec_command, write_stdin, update_plan, request_user_input, apply_patch, web_search and view_image, each
 * declared from its own parameter Schema and description. Processes started by the exec tools belong to
 * the current Scope. The plan store and the user-input manager come from context, so a front end
 * can watch the plan and answer questions.
 */
export const make = (
  options: ExecModeToolsOptions = {}
): Effect.Effect<ReadonlyArray<Tool.Tool>, never, ToolSets.ExecToolRequirements> =>
  Effect.gen(function* () {
    const cwd = options.cwd ?? process.cwd()
    const exec = yield* makeUnifiedExecTools({ cwd })
    return [
      exec.execCommand,
      exec.writeStdin,
      UpdatePlan.make(yield* PlanStore.PlanStore),
      RequestUserInput.make(yield* UserInput.UserInput),
      yield* ApplyPatch.make({ cwd }),
      WebSearch.make(),
      yield* ViewImage.make(cwd)
    ]
  })

/**
 * The exec-mode registry as a layer: these seven tools plus the five collaboration tools, the 12
 * tools Codex's exec mode declares, in its order.
 */
export const layer = (options: ToolSets.ToolSetOptions = {}) => ToolSets.layerExecMode(options)
