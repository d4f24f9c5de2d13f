/**
 * Request parity: the built CLI runs the recorded pycodex shell-exec_command session (same config,
 * same scripted answers) and its two requests and rollout are compared, structure for structure,
 * with the recorded ones. Prose differs by design, so texts are compared by their opening tag.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as FileSystem from "@effect/platform/FileSystem"
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { type FakeRequest, inputOf, type InputItem, jsonLines, setup } from "../e2e/support.js"

const FIXTURES = NodePath.resolve(import.meta.dirname, "../fixtures")
const FIXTURE = NodePath.join(FIXTURES, "recorded-runs/pycodex-0.1.12/shell-exec_command")
const ROLLOUTS = NodePath.join(FIXTURES, "recorded-rollouts/pycodex-0.1.12/shell-exec_command")

/** Headers the HTTP stack adds, whatever the client asks for. */
const TRANSPORT = new Set(["host", "content-length", "connection", "transfer-encoding"])
/** Headers whose values do not depend on the run. */
const FIXED_VALUES = ["content-type", "accept", "originator", "accept-encoding"]
const USER_AGENT = /^codex-tui\/(\d+\.\d+\.\d+) \(([^;()]+); ([^;()]+)\) (\S+) \(codex-tui; (\d+\.\d+\.\d+)\)$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

interface Recorded {
  readonly headers: Readonly<Record<string, string>>
  /** Header names in the order they were sent, lowercased. */
  readonly headerOrder: ReadonlyArray<string>
  readonly body: Record<string, unknown> & { readonly input: ReadonlyArray<InputItem>; readonly tools: ReadonlyArray<Tool> }
}
type Tool = Record<string, unknown> & { readonly type: string; readonly name?: string; readonly parameters?: Schema }
type Schema = { readonly [key: string]: unknown }

const readJson = (name: string): unknown => JSON.parse(NodeFs.readFileSync(NodePath.join(FIXTURE, name), "utf8"))
const fromFixture = (name: string): Recorded => {
  const request = readJson(name) as { headers: Record<string, string>; body: Recorded["body"] }
  return { headers: request.headers, headerOrder: Object.keys(request.headers), body: request.body }
}
const fromServer = (request: FakeRequest): Recorded => ({
  headers: request.headers,
  headerOrder: request.rawHeaders.map(([name]) => name.toLowerCase()),
  body: request.body as Recorded["body"]
})

/** The opening tag of a text (`<permissions instructions>`), else its first line. */
const opening = (text: string): string => /^<[^>\n]+>/.exec(text)?.[0] ?? text.split("\n")[0]!
/** An item with every text part reduced to its opening: types, roles and part counts stay visible. */
const skeleton = (item: InputItem): unknown =>
  item.type === "message"
    ? { type: item.type, role: item.role, content: (item.content ?? []).map((part) => ({ type: part.type, opens: opening(part.text ?? "") })) }
    : { type: item.type, keys: Object.keys(item) }
/** `<environment_context>` line by line with the values taken out. */
const lineTags = (text: string): ReadonlyArray<string> => text.split("\n").map((line) => line.replace(/^(\s*<(\w+)>).*(<\/\2>)$/, "$1…$3"))
/** A parameter schema reduced to what the model must agree on: names, types, items, enums, required. */
const parameterShape = (schema: Schema | undefined): unknown => {
  if (schema === undefined) return undefined
  const properties = (schema.properties ?? {}) as Record<string, Schema>
  return {
    keys: Object.keys(schema).filter((key) => key !== "description"),
    type: schema.type,
    properties: Object.entries(properties).map(([name, property]) => ({
      name,
      type: property.type,
      enum: property.enum,
      items: property.items === undefined ? undefined : parameterShape(property.items as Schema),
      nested: property.properties === undefined ? undefined : parameterShape(property)
    })),
    required: schema.required,
    additionalProperties: schema.additionalProperties
  }
}
const toolShape = (tool: Tool): unknown => ({
  keys: Object.keys(tool),
  type: tool.type,
  name: tool.name,
  strict: tool.strict,
  parameters: parameterShape(tool.parameters)
})
const clientHeaderOrder = (recorded: Recorded): ReadonlyArray<string> =>
  recorded.headerOrder.filter((name) => !TRANSPORT.has(name) && name !== "accept-encoding")

interface Run {
  readonly exitCode: number
  readonly stdout: string
  readonly workspace: string
  readonly ours: ReadonlyArray<Recorded>
  readonly rollout: ReadonlyArray<Record<string, unknown>>
}

describe("request parity with pycodex 0.1.12 shell-exec_command", () => {
  const recorded = [fromFixture("request-1.json"), fromFixture("request-2.json")]
  const prompt = inputOf({ body: recorded[0]!.body } as FakeRequest).at(-1)?.content?.[0]?.text ?? ""
  let run: Run

  beforeAll(() =>
    Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const fs = yield* FileSystem.FileSystem
          const turns = readJson("turns.json") as ReadonlyArray<never>
          const config = NodeFs.readFileSync(NodePath.join(FIXTURE, "config.toml"), "utf8")
          const h = yield* setup(turns, (url) => config.replace(/base_url = "[^"]*"/, `base_url = "${url}"`))
          const result = yield* h.cli([prompt], { env: { FAKE_OPENAI_API_KEY: "test-key" } })
          const posts = yield* h.posts
          const [file] = yield* h.rollouts
          const rollout = file === undefined ? [] : jsonLines(yield* fs.readFileString(file))
          run = { exitCode: result.exitCode, stdout: result.stdout, workspace: h.workspace, ours: posts.map(fromServer), rollout }
        })
      ).pipe(Effect.provide(NodeContext.layer))
    )
  )

  it("the run succeeds with the same two requests", () => {
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toBe("done\n")
    expect(run.ours.length).toBe(recorded.length)
  })

  it("same top-level body keys in the same order, same fixed values", () => {
    for (const [index, ours] of run.ours.entries()) {
      const theirs = recorded[index]!.body
      expect(Object.keys(ours.body), `request ${index + 1}`).toEqual(Object.keys(theirs))
      for (const key of ["model", "parallel_tool_calls", "store", "stream", "include", "tool_choice"]) {
        expect(ours.body[key], `request ${index + 1} ${key}`).toEqual(theirs[key])
      }
      expect(typeof ours.body.instructions).toBe("string")
      expect(ours.body.instructions).not.toBe("")
    }
  })

  it("same header names in the same order, same fixed values", () => {
    for (const [index, ours] of run.ours.entries()) {
      const theirs = recorded[index]!
      const label = `request ${index + 1}`
      expect(clientHeaderOrder(ours), label).toEqual(clientHeaderOrder(theirs))
      const names = (r: Recorded) => [...new Set(r.headerOrder)].filter((name) => !TRANSPORT.has(name)).sort()
      expect(names(ours), label).toEqual(names(theirs))
      for (const name of FIXED_VALUES) expect(ours.headers[name], `${label} ${name}`).toBe(theirs.headers[name])
      expect(ours.headers.authorization).toBe("Bearer test-key")
    }
  })

  it("the user agent has the recorded shape", () => {
    for (const r of [...recorded, ...run.ours]) {
      const match = USER_AGENT.exec(r.headers["user-agent"] ?? "")
      expect(match, r.headers["user-agent"]).not.toBeNull()
      expect(match![5]).toBe(match![1])
    }
    expect(USER_AGENT.exec(run.ours[0]!.headers["user-agent"]!)![4]).toBe("xterm")
  })

  it("session_id, x-client-request-id and prompt_cache_key are one id for the whole session", () => {
    for (const requests of [recorded, run.ours]) {
      const ids = requests.flatMap((r) => [r.headers["session_id"], r.headers["x-client-request-id"], r.body.prompt_cache_key])
      expect(new Set(ids).size).toBe(1)
      expect(ids[0]).toMatch(UUID)
    }
  })

  it("turn metadata: the same keys, one turn id for both requests, sandbox none", () => {
    const metadata = (r: Recorded) => JSON.parse(r.headers["x-codex-turn-metadata"]!) as Record<string, unknown>
    for (const [index, ours] of run.ours.entries()) {
      // the recorded run was not in a git checkout and neither is ours: no `workspaces`
      expect(Object.keys(metadata(ours))).toEqual(Object.keys(metadata(recorded[index]!)))
      expect(metadata(ours).sandbox).toBe(metadata(recorded[index]!).sandbox)
      expect(metadata(ours).turn_id).toMatch(UUID)
    }
    expect(metadata(run.ours[1]!).turn_id).toBe(metadata(run.ours[0]!).turn_id)
    expect(metadata(recorded[1]!).turn_id).toBe(metadata(recorded[0]!).turn_id)
  })

  it("input items: same types, roles, parts per message and the tag opening each part", () => {
    for (const [index, ours] of run.ours.entries()) {
      expect(ours.body.input.map(skeleton), `request ${index + 1}`).toEqual(recorded[index]!.body.input.map(skeleton))
    }
    const [developer, contextual] = run.ours[0]!.body.input
    expect(developer!.content!.map((part) => opening(part.text!))).toEqual(["<permissions instructions>", "<collaboration_mode>"])
    expect(developer!.content![1]!.text).toMatch(/^<collaboration_mode># Collaboration Mode: Default\n/)
    for (const part of developer!.content!) {
      const tag = opening(part.text!).slice(1, -1)
      expect(part.text!.endsWith(`\n</${tag}>`), tag).toBe(true)
    }
    const environment = (r: Recorded) => r.body.input[1]!.content![0]!.text!
    expect(lineTags(environment(run.ours[0]!))).toEqual(lineTags(environment(recorded[0]!)))
    expect(contextual!.content![0]!.text).toContain(`\n  <cwd>${run.workspace}</cwd>\n  <shell>bash</shell>\n`)
    // the prompt itself is sent unchanged
    expect(run.ours[0]!.body.input.at(-1)).toEqual(recorded[0]!.body.input.at(-1))
  })

  it("the follow-up echoes the function call and sends its output back", () => {
    const tail = (r: Recorded) => r.body.input.slice(recorded[0]!.body.input.length)
    const [ourCall, ourOutput] = tail(run.ours[1]!)
    const [theirCall, theirOutput] = tail(recorded[1]!)
    expect(Object.keys(ourCall!)).toEqual(Object.keys(theirCall!))
    expect(ourCall!.name).toBe(theirCall!.name)
    expect(ourCall!.call_id).toBe(theirCall!.call_id)
    expect(JSON.parse(String(ourCall!.arguments))).toEqual(JSON.parse(String(theirCall!.arguments)))
    expect(Object.keys(ourOutput!)).toEqual(Object.keys(theirOutput!))
    expect(ourOutput!.call_id).toBe(theirOutput!.call_id)
    expect(typeof ourOutput!.output).toBe("string")
    // the same report, line for line: labels alike, values alike where the run does not change them
    const labels = (text: string) => text.split("\n").map((line) => line.replace(/^(Chunk ID|Wall time): .*$/, "$1: …"))
    expect(labels(String(ourOutput!.output))).toEqual(labels(String(theirOutput!.output)))
    expect(String(ourOutput!.output)).toMatch(/^Command: /)
    // everything before the call is the first request's input again
    expect(run.ours[1]!.body.input.slice(0, 3)).toEqual(run.ours[0]!.body.input)
  })

  it("tools: the twelve exec-mode tools, in the recorded order, declared with the recorded structure", () => {
    const theirs = recorded[0]!.body.tools
    const ours = run.ours[0]!.body.tools
    const name = (tool: Tool) => tool.name ?? tool.type
    expect(ours.map(name)).toEqual(theirs.map(name))
    expect(ours.length).toBe(12)
    for (const tool of ours) {
      const recordedTool = theirs.find((t) => name(t) === name(tool))!
      expect(toolShape(tool), name(tool)).toEqual(toolShape(recordedTool))
      // a description wherever the recording has one (web_search is provider-native and has none)
      expect(typeof tool.description, name(tool)).toBe(typeof recordedTool.description)
    }
    expect(run.ours[1]!.body.tools).toEqual(ours)
  })

  it("the rollout has the recorded records, payload keys and session facts", () => {
    const theirs = jsonLines(NodeFs.readFileSync(NodePath.join(ROLLOUTS, NodeFs.readdirSync(ROLLOUTS).find((n) => n.startsWith("rollout-"))!), "utf8"))
    const shape = (record: Record<string, unknown>) => {
      const payload = record.payload as Record<string, unknown>
      return { keys: Object.keys(record), type: record.type, payload: Object.keys(payload), kind: payload.type ?? null }
    }
    expect(run.rollout.map(shape)).toEqual(theirs.map(shape))
    const meta = (records: ReadonlyArray<Record<string, unknown>>) => records[0]!.payload as Record<string, unknown>
    for (const key of ["originator", "source", "model_provider"]) expect(meta(run.rollout)[key], key).toBe(meta(theirs)[key])
    expect(meta(run.rollout).id).toBe(run.ours[0]!.body.prompt_cache_key)
    expect(meta(run.rollout).base_instructions).toEqual({ text: run.ours[0]!.body.instructions })
    // after the session record, the same conversation (the command report aside)
    const conversation = (records: ReadonlyArray<Record<string, unknown>>) =>
      records.slice(1).map((r) => {
        const payload = r.payload as Record<string, unknown>
        return payload.type === "function_call_output" ? { ...payload, output: "…" } : payload
      })
    expect(conversation(run.rollout)).toEqual(conversation(theirs))
  })
})
