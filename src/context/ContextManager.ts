/** ContextManager: turns history and configuration into the Prompt of one request (core §5). */
import { Context, Data, Effect, Layer } from "effect"
import type { ConversationItem } from "../protocol/Items.js"
import type { Prompt, ToolSpec } from "../protocol/Prompt.js"

/** A context file or setting that cannot be used (missing instructions file, unknown sandbox mode). */
export class ContextError extends Data.TaggedError("ContextError")<{
  readonly reason: "InstructionsFile" | "InvalidSetting" | "Io"
  readonly message: string
}> {}

export interface BuildPromptInput {
  readonly history: ReadonlyArray<ConversationItem>
  readonly tools: ReadonlyArray<ToolSpec>
  readonly parallelToolCalls: boolean
  readonly turnId: string
}

export interface ContextManager {
  /** Injected context (developer and contextual user messages) followed by the history. */
  readonly buildPrompt: (input: BuildPromptInput) => Effect.Effect<Prompt, ContextError>
  /** The resolved base instructions (also recorded in `session_meta`). */
  readonly baseInstructions: Effect.Effect<string, ContextError>
  /** `model_auto_compact_token_limit` (config, then catalog); undefined disables threshold compaction. */
  readonly autoCompactTokenLimit: number | undefined
  /** Usable context window: `model_context_window` (config, then catalog) scaled by the effective percentage (95 by default). */
  readonly contextWindow: number | undefined
  readonly collaborationMode: string
  /** The working directory captured at construction. */
  readonly cwd: string
}
export const ContextManager = Context.GenericTag<ContextManager>("tscodex/ContextManager")

/** A context manager that injects nothing: prompts are exactly the history (tests, embedders). */
export const makePlain = (options: {
  readonly baseInstructions?: string
  readonly autoCompactTokenLimit?: number
  readonly contextWindow?: number
  readonly collaborationMode?: string
  readonly cwd?: string
} = {}): ContextManager => ({
  buildPrompt: ({ history, parallelToolCalls, tools, turnId }) =>
    Effect.succeed({
      input: history,
      tools,
      parallelToolCalls,
      turnId,
      ...(options.baseInstructions !== undefined ? { baseInstructions: options.baseInstructions } : {})
    }),
  baseInstructions: Effect.succeed(options.baseInstructions ?? ""),
  autoCompactTokenLimit: options.autoCompactTokenLimit,
  contextWindow: options.contextWindow,
  collaborationMode: options.collaborationMode ?? "default",
  cwd: options.cwd ?? "/"
})

export const layerPlain = (options: Parameters<typeof makePlain>[0] = {}): Layer.Layer<ContextManager> =>
  Layer.succeed(ContextManager, makePlain(options))
