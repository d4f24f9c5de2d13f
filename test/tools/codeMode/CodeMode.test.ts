/** exec and wait on real Node cells: output, pragmas, yields, nested tool calls, and no process left behind. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Exit, Layer, Schema, Scope } from "effect"
import * as NodePath from "node:path"
import * as Environment from "../../../src/config/Environment.js"
import { toolCall, type ToolResult, toResponsesInputUnsafe } from "../../../src/protocol/Items.js"
import { serializeToolSpec } from "../../../src/protocol/Prompt.js"
import * as CodeMode from "../../../src/tools/codeMode/CodeMode.js"
import * as Pragma from "../../../src/tools/codeMode/Pragma.js"
import * as Tool from "../../../src/tools/Tool.js"
import * as ToolRegistry from "../../../src/tools/ToolRegistry.js"
import * as WebSearch from "../../../src/tools/WebSearch.js"
import * as Gates from "../../support/Gates.js"
import { awaitGone, isAlive } from "../../support/Processes.js"

const context: Tool.ToolContext = { turnId: "turn-7", history: [], collaborationMode: "plan" }
const live = Layer.merge(NodeContext.layer, Environment.layerValue({ PATH: process.env.PATH ?? "/usr/bin:/bin" }))

/** Test tools the cells call: one echoing its arguments with the mode it ran in, one failing, one custom. */
const echo = Tool.make({
  name: "echo-args",
  description: "Echoes its arguments.",
  parameters: Schema.Struct({ x: Schema.optional(Schema.Unknown) }),
  handler: (args, ctx) => Effect.succeed(`${ctx.turnId}/${ctx.collaborationMode}: ${JSON.stringify(args)}`)
})
const broken = Tool.make({
  name: "broken",
  description: "Always fails.",
  parameters: Schema.Struct({}),
  handler: () => Effect.fail(new Tool.ToolFailure({ name: "ValueError", message: "nope" }))
})
const shout = Tool.makeCustom({
  name: "shout",
  description: "Upper-cases raw text.",
  format: { type: "grammar", syntax: "lark", definition: "start: /.+/" },
  handler: (input) => Effect.succeed(input.toUpperCase())
})

let calls = 0
const setup = (options: CodeMode.CodeModeOptions = {}) =>
  Effect.gen(function*() {
    const tools = yield* CodeMode.make(options)
    const registry = ToolRegistry.make([tools.exec, tools.wait, echo, broken, shout, WebSearch.make()])
    yield* tools.manager.bind(registry)
    const exec = (source: string) => registry.execute(toolCall(`call-${++calls}`, "exec", source, "custom"), context)
    const wait = (args: Record<string, unknown>) => registry.execute(toolCall(`call-${++calls}`, "wait", args), context)
    return { tools, registry, exec, wait }
  })

const text = (result: ToolResult): string => {
  expect(result.isError).toBe(false)
  return result.output as string
}
const cellIdOf = (output: string) => /Script running with cell ID ([0-9a-f]{10})/.exec(output)?.[1] ?? ""

describe("code mode", () => {
  it.scopedLive("declares exec as a custom tool with its grammar and wait as a function tool", () =>
    Effect.gen(function*() {
      const { registry } = yield* setup()
      const [exec, wait] = registry.specs.slice(0, 2).map((s) => Either.getOrThrow(serializeToolSpec(s)))
      expect(Object.keys(exec!)).toEqual(["type", "name", "description", "format"])
      expect(exec).toMatchObject({ type: "custom", name: "exec", format: CodeMode.EXEC_FORMAT })
      expect(wait).toMatchObject({ type: "function", name: "wait", parameters: {
        type: "object",
        properties: {
          cell_id: { type: "string", description: "The cell to wait on, as exec reported it." },
          max_tokens: { type: "integer", description: "Output budget of this answer, in tokens." },
          terminate: { type: "boolean", description: "Stop the cell instead of waiting for it." },
          yield_time_ms: { type: "integer", description: "Milliseconds to wait for more output before returning." }
        },
        required: ["cell_id"],
        additionalProperties: false
      }, strict: false })
      expect(registry.supportsParallel("exec")).toBe(false)
      expect(registry.supportsParallel("wait")).toBe(false)
    }).pipe(Effect.provide(live)))

  it.scopedLive("runs a cell to completion and answers with content items", () =>
    Effect.gen(function*() {
      const { exec } = yield* setup()
      const result = yield* exec("text('EXEC_OK'); text({ a: 1 }); image('data:image/png;base64,AA=='); image({ image_url: 'u', detail: 'high' })")
      const out = text(result)
      expect(out).toMatch(/^Script completed\nWall time \d+\.\d seconds\nOutput:\n\nEXEC_OK\n\{"a":1\}$/)
      expect(result.contentItems?.slice(1)).toEqual([
        { type: "input_text", text: "EXEC_OK" },
        { type: "input_text", text: "{\"a\":1}" },
        { type: "input_image", image_url: "data:image/png;base64,AA==" },
        { type: "input_image", image_url: "u", detail: "high" }
      ])
      const wire = toResponsesInputUnsafe(result)
      expect(wire.type).toBe("custom_tool_call_output")
      expect(wire.name).toBe("exec")
      expect(Array.isArray(wire.output)).toBe(true)
    }).pipe(Effect.provide(live)))

  it.scopedLive("reports errors, hides console and require, and lets exit() finish cleanly", () =>
    Effect.gen(function*() {
      const { exec } = yield* setup()
      const failed = text(yield* exec("throw new Error('boom')"))
      expect(failed).toMatch(/^Script failed\nWall time \d+\.\d seconds\nOutput:\n\nScript error:\nError: boom\n {4}at /)
      expect(text(yield* exec("console.log('x')"))).toContain("Script error:\nTypeError")
      expect(text(yield* exec("text(typeof require); text(typeof process); text(typeof setTimeout)"))).toContain("\nundefined\nobject\nfunction")
      expect(text(yield* exec("text('before'); exit(); text('after')"))).toMatch(/^Script completed\n.*\n.*\n\nbefore$/)
      expect(text(yield* exec("const x = await Promise.resolve(41); return text(x + 1)"))).toContain("\n42")
      expect(text(yield* exec("this is not javascript"))).toContain("Script error:\nSyntaxError")
    }).pipe(Effect.provide(live)))

  it.scopedLive("yields with a pragma and finishes through wait", () =>
    Effect.gen(function*() {
      const { exec, wait } = yield* setup()
      const first = text(yield* exec("// @exec: {\"yield_time_ms\": 10}\ntext('start'); await new Promise((r) => setTimeout(r, 300)); text('finish')"))
      expect(first).toMatch(/^Script running with cell ID [0-9a-f]{10}\n/)
      const id = cellIdOf(first)
      let later = ""
      for (let attempt = 0; attempt < 20 && !later.startsWith("Script completed"); attempt++) {
        later += text(yield* wait({ cell_id: id, yield_time_ms: 500 }))
      }
      expect(`${first}${later}`).toContain("start")
      expect(later).toContain("Script completed")
      expect(later).toContain("finish")
      expect(text(yield* wait({ cell_id: id }))).toBe(`Error: unknown exec cell \`${id}\`.`)
      const yielded = text(yield* exec("text('a'); await yield_control(); await new Promise((r) => setTimeout(r, 200)); text('b')"))
      expect(yielded).toMatch(/^Script running with cell ID [0-9a-f]{10}\n[^]*\n\na$/)
    }).pipe(Effect.provide(live)))

  it.scopedLive("calls tools through the registry from JavaScript", () =>
    Effect.gen(function*() {
      const { exec } = yield* setup()
      const out = text(yield* exec([
        "text(await tools.echo_args({ x: 1 }))",
        "try { await tools.broken({}) } catch (e) { text('caught: ' + e.message) }",
        "text(await tools.shout('quiet'))",
        "text(ALL_TOOLS.map((t) => t.name).join(','))",
        "text(typeof tools.web_search + ' ' + typeof tools.exec)"
      ].join("\n")))
      expect(out.split("\n").slice(4)).toEqual([
        "turn-7/default: {\"x\":1}",
        "caught: {\"error\": \"ValueError: nope\"}",
        "QUIET",
        "broken,echo_args,shout",
        "undefined undefined"
      ])
    }).pipe(Effect.provide(live)))

  it.scopedLive("keeps stored values across cells and cuts output to the token budget", () =>
    Effect.gen(function*() {
      const { exec } = yield* setup()
      text(yield* exec("store('n', 41)"))
      expect(text(yield* exec("text(load('n') + 1)"))).toContain("\n42")
      const cut = yield* exec("// @exec: {\"max_output_tokens\": 2}\ntext('hello')")
      expect(cut.contentItems).toEqual([{ type: "input_text", text: "Script c\n...[truncated]..." }])
    }).pipe(Effect.provide(live)))

  it.scopedLive("answers bad input with the documented texts", () =>
    Effect.gen(function*() {
      const { exec, wait } = yield* setup()
      expect(text(yield* exec("   "))).toBe("Error: exec expects raw JavaScript source text (non-empty).")
      expect(text(yield* exec("// @exec: {\"yield_time_ms\": 5}"))).toBe("Error: exec pragma must be followed by JavaScript source on subsequent lines")
      expect(text(yield* exec("// @exec: [1]\ntext(1)"))).toBe("Error: exec pragma must be a JSON object with supported fields `yield_time_ms` and `max_output_tokens`")
      expect(text(yield* exec("// @exec: {\"speed\": 1}\ntext(1)"))).toBe("Error: unsupported exec pragma field `speed`")
      expect(text(yield* exec("// @exec: {oops}\ntext(1)"))).toMatch(/^Error: exec pragma must be valid JSON with supported fields `yield_time_ms` and `max_output_tokens`: /)
      expect(text(yield* wait({ cell_id: "  " }))).toBe("Error: `cell_id` is required.")
      expect(text(yield* wait({ cell_id: "abc" }))).toBe("Error: unknown exec cell `abc`.")
    }).pipe(Effect.provide(live)))
})

describe("code mode processes", () => {
  it.scopedLive("end with the cell: timers left running and children in its process group are killed", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const dir = yield* fs.realPath(yield* fs.makeTempDirectoryScoped({ prefix: "code-mode-" }))
      const pidFile = NodePath.join(dir, "child")
      // Each cell starts a grandchild in its process group before Node runs.
      const wrap = (argv: readonly [string, ...Array<string>]) =>
        Effect.succeed(["bash", "-c", `sleep 300 & echo $! >> ${pidFile}; exec "$@"`, "cell", ...argv] as [string, ...Array<string>])
      const { exec, wait, tools } = yield* setup({ gate: (yield* Gates.make({ wrap })).gate })
      const done = yield* exec("setInterval(() => {}, 1000); text(String(process.pid))")
      const nodePid = Number(text(done).split("\n").pop())
      expect(yield* awaitGone(nodePid)).toBe(true)
      const firstChild = Number((yield* fs.readFileString(pidFile)).trim().split("\n")[0])
      expect(yield* awaitGone(firstChild)).toBe(true)
      // a terminated cell reports the signal and leaves nothing either
      let running = text(yield* exec("// @exec: {\"yield_time_ms\": 50}\ntext('up'); await new Promise(() => setInterval(() => {}, 1000))"))
      const id = cellIdOf(running)
      const [cellPid] = yield* tools.manager.pids
      // on a busy machine Node may not have run the cell yet: wait until it has
      for (let i = 0; i < 20 && !/^up$/m.test(running); i++) running += text(yield* wait({ cell_id: id, yield_time_ms: 250 }))
      expect(running).toMatch(/^up$/m)
      const stopped = text(yield* wait({ cell_id: id, terminate: true }))
      expect(stopped).toMatch(/^Script terminated\nWall time \d+\.\d seconds\nOutput:\n\nScript error:\nprocess exited with code -15$/)
      expect(yield* awaitGone(cellPid!)).toBe(true)
      const children = (yield* fs.readFileString(pidFile)).trim().split("\n").map(Number)
      for (const pid of children) expect(yield* awaitGone(pid)).toBe(true)
    }).pipe(Effect.provide(live)))

  it.scopedLive("end with the session: a cell nobody waits for is killed when the Scope closes", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const { exec, tools } = yield* setup().pipe(Scope.extend(scope))
      const out = text(yield* exec("// @exec: {\"yield_time_ms\": 50}\ntext('forever'); await new Promise(() => setInterval(() => {}, 1000))"))
      expect(out).toContain("Script running with cell ID")
      const pids = yield* tools.manager.pids
      expect(pids).toHaveLength(1)
      expect(isAlive(pids[0]!)).toBe(true)
      yield* Scope.close(scope, Exit.void)
      expect(yield* awaitGone(pids[0]!)).toBe(true)
    }).pipe(Effect.provide(live)))
})

describe("code mode under a sandbox", () => {
  it.scopedLive("refuses a cell the sandbox refuses, starting nothing", () =>
    Effect.gen(function*() {
      const refusing = yield* Gates.make({ wrap: () => Effect.fail({ message: "sandbox unavailable: no bwrap" }) })
      const { exec, tools } = yield* setup({ gate: refusing.gate })
      const result = yield* exec("text(1)")
      expect(result.isError).toBe(true)
      expect(result.output).toEqual({ error: "SandboxError: sandbox unavailable: no bwrap" })
      expect(yield* tools.manager.pids).toEqual([])
    }).pipe(Effect.provide(live)))

  it.scopedLive("under untrusted a cell is shown to the user first; refused, it starts nothing", () =>
    Effect.gen(function*() {
      const untrusted = yield* Gates.make({ policy: "untrusted", answers: ["deny", "approve"] })
      const { exec, tools } = yield* setup({ gate: untrusted.gate })
      const refused = yield* exec("text('one')\n  text('two')")
      expect(refused.output).toBe("exec command rejected by user")
      expect(yield* tools.manager.pids).toEqual([])
      const asked = yield* untrusted.asked
      expect(asked.map((request) => [request.command, request.reason])).toEqual([
        ["[code mode cell] text('one') text('two')", "untrusted"]
      ])
      const approved = text(yield* exec("text('yes')"))
      expect(approved).toContain("yes")
    }).pipe(Effect.provide(live)))
})

describe("exec pragma", () => {
  it("splits the pragma line from the source and normalizes tool names", () => {
    expect(Pragma.parse("  // @exec: {\"yield_time_ms\": \"25\", \"max_output_tokens\": null}\ncode()")).toEqual({
      code: "code()",
      yieldTimeMs: 25,
      maxOutputTokens: undefined
    })
    expect(Pragma.parse("code()")).toEqual({ code: "code()", yieldTimeMs: undefined, maxOutputTokens: undefined })
    expect(Pragma.jsName("grep-files.v2")).toBe("grep_files_v2")
    expect(Pragma.jsName("9lives")).toBe("_lives")
    expect(Pragma.jsName("")).toBe("_")
  })
})
