/** Tests of CompactionPersistence: compaction and the rollout. */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as AgentEvents from "../../src/agent/AgentEvents.js"
import * as AgentLoop from "../../src/agent/AgentLoop.js"
import * as CompactorLive from "../../src/agent/CompactorLive.js"
import * as CodexConfig from "../../src/config/CodexConfig.js"
import * as ContextManager from "../../src/context/ContextManager.js"
import * as ModelClient from "../../src/model/ModelClient.js"
import { assistantMessage, userMessage } from "../../src/protocol/Items.js"
import * as RolloutReader from "../../src/session/RolloutReader.js"
import * as RolloutStore from "../../src/session/RolloutStore.js"
import { SessionRecorder } from "../../src/session/SessionRecorder.js"
import * as ToolRegistry from "../../src/tools/ToolRegistry.js"

describe("compaction and the rollout", () => {
  it.scoped("a resumed session sees the compacted history, and compact_prompt from config is the instruction sent", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const home = yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-compact-" })
      const scripted = yield* ModelClient.makeScripted([
        { _tag: "Items", items: [assistantMessage("first answer")], usage: { total_tokens: 50 } },
        ModelClient.items(assistantMessage("the summary")),
        ModelClient.items(assistantMessage("second answer"))
      ])
      const config = CodexConfig.layerValue({
        codexHome: home,
        model: "m",
        provider: { baseUrl: "http://127.0.0.1:9/v1" },
        compactPrompt: "Summarize everything for the next CONTEXT CHECKPOINT COMPACTION reader."
      })
      const session = yield* Effect.flatMap(RolloutStore.RolloutStore, (store) =>
        store.create({ cwd: home, originator: "codex-tui", cliVersion: "0.1.0", provider: "test", baseInstructions: "BASE" })
      ).pipe(Effect.provide(RolloutStore.layer(home)))
      const services = Layer.mergeAll(
        Layer.succeed(ModelClient.ModelClient, scripted.client),
        ToolRegistry.layer([]),
        ContextManager.layerPlain({ autoCompactTokenLimit: 10 }),
        Layer.succeed(SessionRecorder, session.recorder),
        AgentEvents.layerNoop,
        config
      )
      const loop = yield* AgentLoop.make().pipe(Effect.provide(CompactorLive.layer.pipe(Layer.provideMerge(services))))
      yield* loop.runTurn(["first prompt"])
      yield* loop.runTurn(["second prompt"])
      yield* session.flush

      const compactionRequest = (yield* scripted.prompts)[1]!
      expect(compactionRequest.input.at(-1)).toEqual(
        userMessage("Summarize everything for the next CONTEXT CHECKPOINT COMPACTION reader.")
      )
      const loaded = yield* RolloutReader.loadSession(session.path)
      expect(loaded.history).toEqual(yield* loop.history)
      expect(loaded.history.map((i) => i._tag)).toEqual(["UserMessage", "UserMessage", "UserMessage", "AssistantMessage"])
      const text = yield* fs.readFileString(session.path)
      const types = text.trim().split("\n").map((line) => JSON.parse(line).type)
      expect(types).toEqual([
        "session_meta",
        "response_item",
        "event_msg",
        "response_item",
        "compacted",
        "response_item",
        "event_msg",
        "response_item"
      ])
    }).pipe(Effect.provide(NodeFileSystem.layer)))
})
