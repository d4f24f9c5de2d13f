/** Tests that context sent with every request never enters the conversation history. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { expect, layer } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import * as AgentEvents from "../../src/agent/AgentEvents.js"
import * as AgentLoop from "../../src/agent/AgentLoop.js"
import { Compactor } from "../../src/agent/Compactor.js"
import * as AgentsMd from "../../src/context/AgentsMd.js"
import { ContextManager } from "../../src/context/ContextManager.js"
import * as ModelClient from "../../src/model/ModelClient.js"
import { assistantMessage, userMessage } from "../../src/protocol/Items.js"
import * as SessionRecorder from "../../src/session/SessionRecorder.js"
import * as ToolRegistry from "../../src/tools/ToolRegistry.js"
import { manager, texts, tempDir } from "./support.js"

layer(NodeContext.layer)("injected context", (it) => {
  it.scoped("reaches the model on every request but never the history", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const context = yield* manager(
        {
          cwd: dir,
          baseInstructionsOverride: "base rules",
          includeSkillsInstructions: false,
          workspaceProbe: () => Effect.succeed(Option.none())
        },
        { codexHome: `${dir}/home`, developerInstructions: "developer rules", userInstructions: "user rules" }
      )
      const scripted = yield* ModelClient.makeScripted([ModelClient.items(assistantMessage("done"))])
      const loop = yield* AgentLoop.make().pipe(Effect.provide(Layer.mergeAll(
        Layer.succeed(ModelClient.ModelClient, scripted.client),
        ToolRegistry.layer([]),
        Layer.succeed(ContextManager, context),
        SessionRecorder.layerNoop,
        AgentEvents.layerNoop,
        Layer.succeed(Compactor, { compact: () => Effect.dieMessage("compaction was not expected") })
      )))
      const result = yield* loop.runTurn(["hello"])

      const [prompt] = yield* scripted.prompts
      expect(prompt?.baseInstructions).toBe("base rules")
      expect(prompt?.turnId).toBe(result.turnId)
      expect(prompt?.turnMetadata).toEqual({ turn_id: result.turnId, sandbox: "none" })
      const [developer, contextual, user] = prompt?.input ?? []
      expect(prompt?.input).toHaveLength(3)
      expect(developer?._tag === "ContextMessage" && developer.role).toBe("developer")
      const dev = texts(developer)
      expect(dev).toHaveLength(2)
      expect(dev[0]!.startsWith("<permissions instructions>")).toBe(true)
      expect(dev[1]).toBe("developer rules")
      expect(contextual?._tag === "ContextMessage" && contextual.role).toBe("user")
      const ctx = texts(contextual)
      expect(ctx).toHaveLength(2)
      expect(ctx[0]).toBe(AgentsMd.block(dir, "user rules"))
      expect(ctx[1]!.startsWith("<environment_context>")).toBe(true)
      expect(user).toEqual(userMessage("hello"))
      expect(yield* loop.history).toEqual([userMessage("hello"), assistantMessage("done")])
    }))
})
