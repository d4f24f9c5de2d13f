/** The five collaboration tools: argument handling, exact texts, error results and wire outputs. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as AgentRuntime from "../../../src/agent/AgentRuntime.js"
import * as SubAgents from "../../../src/agent/SubAgents.js"
import * as AbortedCalls from "../../../src/protocol/AbortedCalls.js"
import * as ModelClient from "../../../src/model/ModelClient.js"
import { assistantMessage, type ConversationItem, toolCall, toResponsesInputUnsafe, userMessage } from "../../../src/protocol/Items.js"
import type { Prompt } from "../../../src/protocol/Prompt.js"
import { composePrompt } from "../../../src/agent/subagents/Arguments.js"
import * as ToolRegistry from "../../../src/tools/ToolRegistry.js"
import * as SpawnAgent from "../../../src/agent/subagents/SpawnAgent.js"
import * as SendInput from "../../../src/agent/subagents/SendInput.js"
import * as ResumeAgent from "../../../src/agent/subagents/ResumeAgent.js"
import * as WaitAgent from "../../../src/agent/subagents/WaitAgent.js"
import * as CloseAgent from "../../../src/agent/subagents/CloseAgent.js"
import { bareAgentServices } from "../../support/AgentServices.js"

const agentServices = bareAgentServices

/** A manager whose agents answer `done one`, `done two`, ... in turn, and the prompts each agent sent. */
const setup = (options: { readonly withBuilder?: boolean } = {}) =>
  Effect.gen(function* () {
    const prompts: Array<Effect.Effect<ReadonlyArray<Prompt>>> = []
    const builder: SubAgents.RuntimeBuilder = (request) =>
      Effect.gen(function* () {
        const scripted = yield* ModelClient.makeScripted([
          ModelClient.items(assistantMessage("done one")),
          ModelClient.items(assistantMessage("done two"))
        ])
        prompts.push(scripted.prompts)
        return yield* AgentRuntime.make({ initialHistory: request.initialHistory }).pipe(Effect.provide(agentServices(scripted.client)))
      })
    const manager = yield* SubAgents.make(options.withBuilder === false ? {} : { builder })
    const registry = ToolRegistry.make([
      SpawnAgent.make(manager),
      SendInput.make(manager),
      ResumeAgent.make(manager),
      WaitAgent.make(manager),
      CloseAgent.make(manager)
    ])
    let n = 0
    const call = (name: string, args: unknown, history: ReadonlyArray<ConversationItem> = []) =>
      registry.execute(toolCall(`call-${++n}`, name, args), { turnId: "turn", history, collaborationMode: "default" })
    return { manager, call, prompts }
  })

/** The `output` of a result as the Responses API receives it. */
const wireOutput = (result: Parameters<typeof toResponsesInputUnsafe>[0]) => toResponsesInputUnsafe(result).output

describe("composePrompt", () => {
  it("joins the stripped message and item texts with blank lines, images as [image] and other items as JSON", () => {
    expect(composePrompt("  hello  ", [
      { type: "text", text: " first " },
      { type: "text", text: "   " },
      { type: "image", image_url: " http://i/x.png " },
      { type: "image", image_url: "" },
      { type: "local_image", path: "/tmp/a.png" },
      { type: "mention", name: "Docs", path: "app://docs" }
    ])).toBe(
      "hello\n\nfirst\n\n[image] http://i/x.png\n\n" +
        "{\"type\": \"local_image\", \"path\": \"/tmp/a.png\"}\n\n" +
        "{\"type\": \"mention\", \"name\": \"Docs\", \"path\": \"app://docs\"}"
    )
    expect(composePrompt(undefined, [])).toBe("")
    expect(composePrompt("   ", [{ type: "text", text: "" }])).toBe("")
  })
})

describe("spawn_agent", () => {
  it.scoped("refuses calls with nothing to send and items that are not a list", () =>
    Effect.gen(function* () {
      const { call, manager } = yield* setup()
      for (const args of [{}, { message: "" }, { message: null, items: [] }]) {
        const result = yield* call("spawn_agent", args)
        expect(result.output).toBe("Provide one of: message or items")
        expect(result.isError).toBe(false)
      }
      expect((yield* call("spawn_agent", { message: "x", items: "nope" })).output).toBe("Error: `items` must be a list when provided.")
      expect(yield* manager.agentIds).toEqual([])
    }))

  it.scoped("returns the agent id and nickname as compact JSON on the wire", () =>
    Effect.gen(function* () {
      const { call, manager } = yield* setup()
      const result = yield* call("spawn_agent", { message: "hello", agent_type: "explorer" })
      const output = result.output as { agent_id: string; nickname: string }
      expect(result.isError).toBe(false)
      expect(output.agent_id).toMatch(/^[0-9a-f-]{36}$/)
      expect(output.nickname.length).toBeGreaterThan(0)
      expect(wireOutput(result)).toBe(`{"agent_id":"${output.agent_id}","nickname":"${output.nickname}"}`)
      expect(yield* manager.agentIds).toEqual([output.agent_id])
    }))

  it.scoped("before a runtime builder exists, the call is an error result with the reference text", () =>
    Effect.gen(function* () {
      const { call } = yield* setup({ withBuilder: false })
      const result = yield* call("spawn_agent", { message: "hello" })
      expect(result.isError).toBe(true)
      expect(wireOutput(result)).toBe('{"error":"RuntimeError: spawn_agent is unavailable before runtime initialization"}')
    }))

  it.scoped("fork_context hands the caller's history (with the spawn call itself, answered as aborted) to the agent", () =>
    Effect.gen(function* () {
      const { call, prompts } = yield* setup()
      const spawnCall = toolCall("call-spawn", "spawn_agent", { message: "go", fork_context: true })
      const history: ReadonlyArray<ConversationItem> = [userMessage("parent task"), spawnCall]
      const { agent_id } = (yield* call("spawn_agent", { message: "go", fork_context: true }, history)).output as { agent_id: string }
      yield* call("wait_agent", { ids: [agent_id] })
      // The spawn call has no output yet in the caller's history; the forked agent's first request
      // carries it with the standard aborted output, since no call goes out without one.
      expect((yield* prompts[0]!)[0]!.input).toEqual([...history, AbortedCalls.abortedResult(spawnCall), userMessage("go")])

      const fresh = (yield* call("spawn_agent", { message: "alone", fork_context: false }, history)).output as { agent_id: string }
      yield* call("wait_agent", { ids: [fresh.agent_id] })
      expect((yield* prompts[1]!)[0]!.input).toEqual([userMessage("alone")])
    }))
})

describe("send_input", () => {
  it.scoped("checks the id, the items and that there is something to send", () =>
    Effect.gen(function* () {
      const { call } = yield* setup()
      expect((yield* call("send_input", { message: "hi" })).output).toBe("Error: `id` is required.")
      expect((yield* call("send_input", { id: "  ", message: "hi" })).output).toBe("Error: `id` is required.")
      expect((yield* call("send_input", { id: "a", items: {} })).output).toBe("Error: `items` must be a list when provided.")
      expect((yield* call("send_input", { id: "a", message: "  " })).output).toBe("Error: `message` or `items` is required.")
    }))

  it.scoped("unknown and closed agents are error results with the reference texts", () =>
    Effect.gen(function* () {
      const { call } = yield* setup()
      const unknown = yield* call("send_input", { id: " nope ", message: "hi" })
      expect(unknown.isError).toBe(true)
      expect(wireOutput(unknown)).toBe('{"error":"RuntimeError: unknown agent: nope"}')

      const { agent_id } = (yield* call("spawn_agent", { message: "hello" })).output as { agent_id: string }
      yield* call("close_agent", { id: agent_id })
      const closed = yield* call("send_input", { id: agent_id, message: "hi" })
      expect(closed.isError).toBe(true)
      expect(closed.output).toEqual({ error: `RuntimeError: agent is shutdown: ${agent_id}` })
    }))

  it.scoped("spawn, send, wait and close give the reference's outputs", () =>
    Effect.gen(function* () {
      const { call, prompts } = yield* setup()
      const { agent_id } = (yield* call("spawn_agent", { message: "hello" })).output as { agent_id: string }
      expect((yield* call("wait_agent", { ids: [agent_id], timeout_ms: 1000 })).output).toEqual({
        status: { [agent_id]: { completed: "done one" } },
        timed_out: false
      })
      const sent = yield* call("send_input", { id: agent_id, items: [{ type: "text", text: "more" }], interrupt: false })
      expect((sent.output as { submission_id: string }).submission_id).toMatch(/^[0-9a-f-]{36}$/)
      const waited = yield* call("wait_agent", { ids: [agent_id], timeout_ms: "1000" })
      expect(wireOutput(waited)).toBe(`{"status":{"${agent_id}":{"completed":"done two"}},"timed_out":false}`)
      const closed = yield* call("close_agent", { id: agent_id })
      expect(wireOutput(closed)).toBe('{"status":{"completed":"done two"}}')
      expect((yield* prompts[0]!)[1]!.input.at(-1)).toEqual(userMessage("more"))
    }))
})

describe("wait_agent", () => {
  it.scoped("checks the ids and the timeout", () =>
    Effect.gen(function* () {
      const { call } = yield* setup()
      for (const args of [{}, { ids: [] }, { ids: "abc" }, { ids: null }]) {
        expect((yield* call("wait_agent", args)).output).toBe("Error: `ids` must be a non-empty list.")
      }
      expect((yield* call("wait_agent", { ids: [" ", ""] })).output).toBe("Error: `ids` must include at least one non-empty id.")
      const badTimeout = yield* call("wait_agent", { ids: ["a"], timeout_ms: "soon" })
      expect(badTimeout.isError).toBe(true)
      expect(badTimeout.output).toEqual({ error: 'InvalidArguments: timeout_ms: expected an integer, got "soon"' })
    }))

  it.scoped("unknown ids are final: not_found, with duplicates and blanks dropped", () =>
    Effect.gen(function* () {
      const { call } = yield* setup()
      expect((yield* call("wait_agent", { ids: [" bogus ", "bogus", ""] })).output).toEqual({
        status: { bogus: "not_found" },
        timed_out: false
      })
    }))
})

describe("resume_agent and close_agent", () => {
  it.scoped("check the id and report not_found for unknown agents", () =>
    Effect.gen(function* () {
      const { call } = yield* setup()
      for (const name of ["resume_agent", "close_agent"]) {
        expect((yield* call(name, {})).output).toBe("Error: `id` is required.")
        expect((yield* call(name, { id: null })).output).toBe("Error: `id` is required.")
        const unknown = yield* call(name, { id: "ghost" })
        expect(unknown.isError).toBe(false)
        expect(wireOutput(unknown)).toBe('{"status":"not_found"}')
      }
    }))

  it.scoped("resume after close answers pending_init and the agent takes input again", () =>
    Effect.gen(function* () {
      const { call } = yield* setup()
      const { agent_id } = (yield* call("spawn_agent", { message: "initial" })).output as { agent_id: string }
      yield* call("wait_agent", { ids: [agent_id] })
      expect((yield* call("close_agent", { id: agent_id })).output).toEqual({ status: { completed: "done one" } })
      expect((yield* call("close_agent", { id: agent_id })).output).toEqual({ status: "shutdown" })
      expect((yield* call("resume_agent", { id: agent_id })).output).toEqual({ status: "pending_init" })
      yield* call("send_input", { id: agent_id, message: "after" })
      expect((yield* call("wait_agent", { ids: [agent_id] })).output).toEqual({
        status: { [agent_id]: { completed: "done two" } },
        timed_out: false
      })
    }))
})
