/** The services an AgentLoop needs, over a given model client: no tools, no context, no recording, no compaction. */
import { Effect, Layer } from "effect"
import * as AgentEvents from "../../src/agent/AgentEvents.js"
import { Compactor } from "../../src/agent/Compactor.js"
import * as ContextManager from "../../src/context/ContextManager.js"
import * as ModelClient from "../../src/model/ModelClient.js"
import * as SessionRecorder from "../../src/session/SessionRecorder.js"
import * as ToolRegistry from "../../src/tools/ToolRegistry.js"

/** A compactor that fails the test if a compaction is attempted. */
export const noCompactor = Layer.succeed(Compactor, { compact: () => Effect.dieMessage("compaction was not expected") })

export const bareAgentServices = (client: ModelClient.ModelClient) =>
  Layer.mergeAll(
    Layer.succeed(ModelClient.ModelClient, client),
    ToolRegistry.layer([]),
    ContextManager.layerPlain(),
    SessionRecorder.layerNoop,
    AgentEvents.layerNoop,
    noCompactor
  )
