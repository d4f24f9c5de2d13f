/** Agent: the public layers run a turn with a scripted client, a custom tool that needs a service, streamed events and an in-memory rollout. */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Context, Effect, Either, Layer, Schema, Stream } from "effect"
import * as NodeFs from "node:fs"
import * as NodeOs from "node:os"
import * as NodePath from "node:path"
import * as TurnStream from "../../src/agent/TurnStream.js"
import * as CodexConfig from "../../src/config/CodexConfig.js"
import * as ModelClient from "../../src/model/ModelClient.js"
import { ContextLengthExceeded } from "../../src/model/ModelError.js"
import { assistantMessage, toolCall } from "../../src/protocol/Items.js"
import * as RolloutReader from "../../src/session/RolloutReader.js"
import * as RolloutStore from "../../src/session/RolloutStore.js"
import * as Agent from "../../src/stack/Agent.js"
import * as Tool from "../../src/tools/Tool.js"

class Clock12 extends Context.Tag("test/Clock12")<Clock12, { readonly now: string }>() {}

const whatTime = Tool.make({
  name: "what_time",
  description: "Tells the time.",
  parameters: Schema.Struct({ city: Schema.String }),
  success: Schema.Struct({ city: Schema.String, time: Schema.String }),
  handler: (args) => Effect.map(Clock12, (clock) => ({ city: args.city, time: clock.now }))
})

/** A temporary folder removed when the test's Scope closes. */
const workspace = Effect.acquireRelease(
  Effect.sync(() => NodeFs.mkdtempSync(NodePath.join(NodeOs.tmpdir(), "tscodex-agent-"))),
  (dir) => Effect.sync(() => NodeFs.rmSync(dir, { recursive: true, force: true }))
)

const config = (home: string) => CodexConfig.layerValue({ model: "scripted-model", codexHome: home, provider: { baseUrl: "http://127.0.0.1:9/v1" } })

/** The kernel over a scripted client, the given rollout store, a config and the Node platform. */
const agentOver = (cwd: string, store: RolloutStore.RolloutStore, replies: Parameters<typeof ModelClient.makeScripted>[0]) =>
  Agent.layer({ cwd, builtinTools: "none", tools: [whatTime] }).pipe(
    Layer.provide(Layer.succeed(Clock12, { now: "12:00" })),
    Layer.provide(ModelClient.layerScripted(replies)),
    Layer.provide(Layer.succeed(RolloutStore.RolloutStore, store)),
    Layer.provide(config(cwd)),
    Layer.provide(Agent.layerPlatform)
  )

describe("Agent.layer", () => {
  it.scopedLive("streams a turn's events, runs a custom tool with its service, and records the rollout", () =>
    Effect.gen(function*() {
      const cwd = yield* workspace
      const memory = yield* RolloutStore.makeMemory(cwd)
      const items = yield* TurnStream.runTurnStream(["What time is it in Paris?"]).pipe(
        Stream.runCollect,
        Effect.map(Chunk.toReadonlyArray),
        Effect.provide(agentOver(cwd, memory.store, [
          ModelClient.items(toolCall("call-1", "what_time", { city: "Paris" })),
          ModelClient.items(assistantMessage("It is noon in Paris."))
        ]))
      )
      const tags = items.map((item) => item._tag)
      expect(tags[0]).toBe("turn_started")
      expect(tags).toContain("tool_completed")
      expect(tags.slice(-2)).toEqual(["turn_completed", "TurnDone"])
      const completed = items.find((item) => item._tag === "tool_completed")
      expect(completed?._tag === "tool_completed" && completed.result.output).toEqual({ city: "Paris", time: "12:00" })
      const done = items[items.length - 1]!
      expect(TurnStream.isDone(done) && done.result.outputText).toBe("It is noon in Paris.")

      const files = [...(yield* memory.files).entries()]
      expect(files.length).toBe(1)
      const [path, text] = files[0]!
      const parsed = Either.getOrThrow(RolloutReader.parseRollout(text, path))
      expect(parsed.entries[0]?._tag).toBe("SessionMeta")
      expect(text).toContain("It is noon in Paris.")
      expect(text).toContain("\"call_id\":\"call-1\"")
    }))

  it.scopedLive("fails the stream with the turn's typed error", () =>
    Effect.gen(function*() {
      const cwd = yield* workspace
      const memory = yield* RolloutStore.makeMemory(cwd)
      const error = new ContextLengthExceeded({ message: "too long", requestedTokens: 300_000, limitTokens: 272_000 })
      const failure = yield* TurnStream.runTurnStream(["hi"]).pipe(
        Stream.runCollect,
        Effect.flip,
        Effect.provide(agentOver(cwd, memory.store, [ModelClient.fail(error)]))
      )
      expect(failure._tag).toBe("ContextLengthExceeded")
    }))
})
