/** The sub-agent tool set, the collaboration declarations, and a main agent driving a sub-agent end to end over the Responses wire. */
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Either, Layer, Option, Ref } from "effect"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import * as AgentEvents from "../../../src/agent/AgentEvents.js"
import * as AgentRuntime from "../../../src/agent/AgentRuntime.js"
import { Compactor } from "../../../src/agent/Compactor.js"
import * as SubAgents from "../../../src/agent/SubAgents.js"
import * as CodexConfig from "../../../src/config/CodexConfig.js"
import * as Environment from "../../../src/config/Environment.js"
import * as ContextManager from "../../../src/context/ContextManager.js"
import * as ContextManagerLive from "../../../src/context/ContextManagerLive.js"
import * as ModelClientModule from "../../../src/model/ModelClient.js"
import { ModelClient } from "../../../src/model/ModelClient.js"
import { serializeToolSpec } from "../../../src/protocol/Prompt.js"
import * as SessionRecorder from "../../../src/session/SessionRecorder.js"
import * as PlanStore from "../../../src/tools/PlanStore.js"
import * as SubAgentTools from "../../../src/stack/SubAgentTools.js"
import { toolCall } from "../../../src/protocol/Items.js"
import * as ToolRegistry from "../../../src/tools/ToolRegistry.js"
import type { FakeRequest, FakeTurn } from "../../support/FakeResponsesServer.js"
import { options as clientOptions, scriptedClient } from "../../model/support.js"
import * as ExecTools from "../../support/ExecTools.js"

const SUBAGENT_FIXTURE = NodePath.resolve(import.meta.dirname, "fixtures", "subagent_tools.json")
const SUBAGENT_NAMES = ["exec_command", "write_stdin", "update_plan", "apply_patch", "web_search", "view_image"]

const platform = Layer.merge(NodeContext.layer, Environment.layerValue({ PATH: "/usr/bin:/bin", SHELL: "/bin/sh" }))

const serialize = (registry: ToolRegistry.ToolRegistry) => registry.specs.map((spec) => Either.getOrThrow(serializeToolSpec(spec)))

const tempDir = Effect.flatMap(FileSystem.FileSystem, (fs) => fs.makeTempDirectoryScoped({ prefix: "tscodex-subagents-" })).pipe(
  Effect.flatMap((dir) => Effect.flatMap(FileSystem.FileSystem, (fs) => fs.realPath(dir)))
)

describe("SubAgentTools.make", () => {
  it.scoped("offers the six sub-agent tools in order, serialized exactly as the declarations file has them", () =>
    Effect.gen(function* () {
      const cwd = yield* tempDir
      const registry = ToolRegistry.make(yield* SubAgentTools.make({ cwd }))
      expect(registry.names).toEqual(SUBAGENT_NAMES)
      expect(serialize(registry)).toEqual(SUBAGENT_NAMES.map(ExecTools.declarationOf))
      expect(serialize(registry)).toEqual(JSON.parse(NodeFs.readFileSync(SUBAGENT_FIXTURE, "utf8")))
      for (const name of ["spawn_agent", "send_input", "resume_agent", "wait_agent", "close_agent", "request_user_input"]) {
        expect(registry.names).not.toContain(name)
      }
    }).pipe(Effect.provide(platform)))

  it.scoped("update_plan writes to the agent's own plan store", () =>
    Effect.gen(function* () {
      const cwd = yield* tempDir
      const mine = yield* PlanStore.make()
      const other = yield* PlanStore.make()
      const registry = ToolRegistry.make(yield* SubAgentTools.make({ cwd, planStore: mine }))
      const result = yield* registry.execute(
        toolCall("c1", "update_plan", { plan: [{ step: "look around", status: "in_progress" }] }),
        { turnId: "t", history: [], collaborationMode: "default" }
      )
      expect(result.output).toBe("Plan updated")
      expect((yield* mine.snapshot).plan).toEqual([{ step: "look around", status: "in_progress" }])
      expect((yield* other.snapshot).plan).toEqual([])
    }).pipe(Effect.provide(platform)))
})

describe("SubAgentTools.collaborationTools", () => {
  it.scoped("declares spawn_agent, send_input, resume_agent, wait_agent and close_agent as the declarations file does", () =>
    Effect.gen(function* () {
      const manager = yield* SubAgents.make()
      const registry = ToolRegistry.make(SubAgentTools.collaborationTools(manager))
      expect(registry.names).toEqual(["spawn_agent", "send_input", "resume_agent", "wait_agent", "close_agent"])
      expect(serialize(registry)).toEqual(ExecTools.declarations.slice(7))
      for (const name of registry.names) expect(registry.supportsParallel(name)).toBe(false)
    }).pipe(Effect.provide(NodeContext.layer)))
})

// ---------------------------------------------------------------------------
// end to end: the main agent drives one sub-agent through its whole life

type Body = {
  readonly input: ReadonlyArray<Record<string, unknown>>
  readonly tools: ReadonlyArray<Record<string, unknown>>
  readonly prompt_cache_key?: string
}
const bodyOf = (request: FakeRequest) => request.body as Body
const isSubAgent = (request: FakeRequest) => request.headers["x-openai-subagent"] !== undefined

/** The agent id from the spawn_agent result the main agent sends back. */
const spawnedId = (request: FakeRequest): string => {
  const output = bodyOf(request).input.find((item) => item.type === "function_call_output" && item.call_id === "spawn")
  return (JSON.parse(String(output?.output)) as { agent_id: string }).agent_id
}

const call = (name: string, call_id: string, args: Record<string, unknown>): FakeTurn => ({
  type: "function_calls",
  calls: [{ name, call_id, arguments: args }]
})

/** The main model: spawn, wait, close, resume, send, wait, answer. The sub-agent answers each message. */
const chooser = (counts: { main: number; sub: number }) => (request: FakeRequest): FakeTurn => {
  if (isSubAgent(request)) return { type: "message", text: counts.sub++ === 0 ? "done" : "after resume" }
  const step = counts.main++
  if (step === 0) return call("spawn_agent", "spawn", { message: "initial" })
  const id = spawnedId(request)
  switch (step) {
    case 1:
      return call("wait_agent", "wait1", { ids: [id], timeout_ms: 1000 })
    case 2:
      return call("close_agent", "close", { id })
    case 3:
      return call("resume_agent", "resume", { id })
    case 4:
      return call("send_input", "send", { id, message: "after" })
    case 5:
      return call("wait_agent", "wait2", { ids: [id] })
    default:
      return { type: "message", text: "RESUME_AGENT_OK" }
  }
}

const userTexts = (body: Body): ReadonlyArray<string> =>
  body.input.flatMap((item) =>
    item.type === "message" && item.role === "user"
      ? (item.content as ReadonlyArray<{ text: string }>).map((c) => c.text)
      : []
  )

const developerTexts = (body: Body): ReadonlyArray<string> =>
  body.input.flatMap((item) =>
    item.type === "message" && item.role === "developer"
      ? (item.content as ReadonlyArray<{ text: string }>).map((c) => c.text)
      : []
  )

const notification = (agentId: string, status: unknown) =>
  `<subagent_notification>\n${JSON.stringify({ agent_id: agentId, status })}\n</subagent_notification>`

describe("a main agent and one sub-agent over the Responses wire", () => {
  it.scoped("spawn, wait, close, resume, send_input, wait, answer: one sub-agent client, six tools, no collaboration block", () =>
    Effect.gen(function* () {
      const cwd = yield* tempDir
      const counts = { main: 0, sub: 0 }
      const main = yield* scriptedClient({ turns: chooser(counts) }, clientOptions({ originator: "codex-tui" }))

      const config = CodexConfig.layerValue({
        model: "demo-model",
        provider: { baseUrl: "https://example.com/v1" },
        codexHome: NodePath.join(cwd, "home")
      })
      const subContext = yield* ContextManagerLive.make({
        includeCollaborationInstructions: false,
        cwd,
        workspaceProbe: () => Effect.succeed(Option.some({ [cwd]: { has_changes: false } }))
      }).pipe(Effect.provide(Layer.mergeAll(config, platform)))

      const built = yield* Ref.make<ReadonlyArray<SubAgents.RuntimeRequest>>([])
      const builder = yield* SubAgentTools.runtimeBuilder({
        client: main.client,
        contextManager: subContext,
        compactTexts: { compactPrompt: "Summarize.", summaryPrefix: "Summary:" },
        cwd
      }).pipe(Effect.provide(platform))
      const manager = yield* SubAgents.make({
        builder: (request) => Ref.update(built, (all) => [...all, request]).pipe(Effect.zipRight(builder(request)))
      })

      const runtime = yield* AgentRuntime.make().pipe(
        Effect.provide(Layer.mergeAll(
          Layer.succeed(ModelClient, main.client),
          ToolRegistry.layer(SubAgentTools.collaborationTools(manager)),
          ContextManager.layerPlain(),
          SessionRecorder.layerNoop,
          AgentEvents.layerNoop,
          Layer.succeed(Compactor, { compact: () => Effect.dieMessage("compaction was not expected") })
        ))
      )

      const result = yield* runtime.submitUserTurn("use a sub-agent")
      expect(result.outputText).toBe("RESUME_AGENT_OK")

      const requests = yield* main.requests
      const subRequests = requests.filter(isSubAgent)
      const mainRequests = requests.filter((r) => !isSubAgent(r))
      expect(mainRequests.length).toBe(7)
      expect((yield* Ref.get(built)).length).toBe(1)
      const agentId = (yield* Ref.get(built))[0]!.agentId
      expect(spawnedId(mainRequests[1]!)).toBe(agentId)

      expect(subRequests.length).toBe(2)
      for (const request of subRequests) {
        expect(request.headers["x-openai-subagent"]).toBe("collab_spawn")
        expect(request.headers["session_id"]).toBe(agentId)
        expect(request.headers["x-client-request-id"]).toBe(agentId)
        expect(bodyOf(request).prompt_cache_key).toBe(agentId)
        expect(bodyOf(request).tools.map((t) => t.name ?? t.type)).toEqual(SUBAGENT_NAMES)
        const developer = developerTexts(bodyOf(request))
        expect(developer.some((text) => text.startsWith("<permissions instructions>"))).toBe(true)
        expect(developer.some((text) => text.startsWith("<collaboration_mode>"))).toBe(false)
      }
      const metadataKeys = subRequests.map((r) => Object.keys(JSON.parse(r.headers["x-codex-turn-metadata"]!)))
      expect(metadataKeys).toEqual([["turn_id", "workspaces", "sandbox"], ["turn_id", "sandbox"]])
      const ownTexts = (body: Body) => userTexts(body).filter((text) => !text.startsWith("<") && !text.startsWith("#"))
      expect(ownTexts(bodyOf(subRequests[1]!))).toEqual(["initial", "after"])
      for (const request of mainRequests) expect(request.headers["x-openai-subagent"]).toBeUndefined()

      // both waits reported a completed status, which the main agent read as notifications
      const history = yield* runtime.loop.history
      const notes = history.flatMap((item) => item._tag === "UserMessage" && item.text.startsWith("<subagent_notification>") ? [item.text] : [])
      expect(notes).toEqual([notification(agentId, { completed: "done" }), notification(agentId, { completed: "after resume" })])
      const outputs = userTexts(bodyOf(mainRequests[6]!))
      expect(outputs).toContain(notification(agentId, { completed: "after resume" }))
      const closeOutput = bodyOf(mainRequests[3]!).input.find((item) => item.call_id === "close" && item.type === "function_call_output")
      expect(closeOutput?.output).toBe('{"status":{"completed":"done"}}')
      const resumeOutput = bodyOf(mainRequests[4]!).input.find((item) => item.call_id === "resume" && item.type === "function_call_output")
      expect(resumeOutput?.output).toBe('{"status":"pending_init"}')
    }).pipe(Effect.provide(NodeContext.layer)))
})

describe("SubAgentTools.layerManager", () => {
  const configFor = (home: string) =>
    CodexConfig.layerValue({ model: "demo-model", provider: { baseUrl: "https://example.com/v1" }, codexHome: home })
  /** The manager of a layer built in the test's scope (its agents live until the test ends). */
  const managerOf = <E>(layer: Layer.Layer<SubAgents.SubAgents, E>) =>
    Effect.map(Layer.build(layer), (context) => Context.get(context, SubAgents.SubAgents))

  it.scoped("copies the Responses client in context for each sub-agent", () =>
    Effect.gen(function* () {
      const cwd = yield* tempDir
      const fake = yield* scriptedClient({ turns: [], exhausted: { type: "message", text: "sub done" } }, clientOptions())
      const manager = yield* managerOf(SubAgentTools.layerManager({ cwd, systemPrompt: "Be brief." }).pipe(
        Layer.provide(Layer.mergeAll(Layer.succeed(ModelClient, fake.client), configFor(NodePath.join(cwd, "home")), platform))
      ))
      const { agent_id } = yield* manager.spawn({ prompt: "hello", model: "small-model" })
      expect(yield* manager.wait([agent_id], 1000)).toEqual({ status: { [agent_id]: { completed: "sub done" } }, timed_out: false })
      const [request] = yield* fake.requests
      expect(request!.headers["x-openai-subagent"]).toBe("collab_spawn")
      expect(request!.headers["session_id"]).toBe(agent_id)
      const body = request!.body as { model: string; instructions: string; tools: ReadonlyArray<Record<string, unknown>> }
      expect(body.model).toBe("small-model")
      expect(body.instructions).toBe("Be brief.")
      expect(body.tools.map((t) => t.name ?? t.type)).toEqual(SUBAGENT_NAMES)
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("without a Responses client, spawn_agent is unavailable", () =>
    Effect.gen(function* () {
      const cwd = yield* tempDir
      const scripted = yield* ModelClientModule.makeScripted([ModelClientModule.items()])
      const manager = yield* managerOf(SubAgentTools.layerManager({ cwd }).pipe(
        Layer.provide(Layer.mergeAll(Layer.succeed(ModelClient, scripted.client), configFor(NodePath.join(cwd, "home")), platform))
      ))
      const error = yield* Effect.flip(manager.spawn({ prompt: "hello" }))
      expect(error.message).toBe(SubAgents.UNAVAILABLE)
    }).pipe(Effect.provide(NodeContext.layer)))
})
