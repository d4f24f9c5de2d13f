/**
 * CodeModeManager: code-mode cells, one Node process each. It feeds a cell its source, collects its
 * output, answers its nested tool calls through the registry, and ends every process of a cell
 * (its whole process group) as soon as the cell is finished, terminated, or the session's Scope closes.
 */
import * as CommandExecutor from "@effect/platform/CommandExecutor"
import { Clock, Deferred, Duration, Effect, ExecutionStrategy, Exit, Fiber, Option, Queue, Ref, Scope, Stream } from "effect"
import { toolCall, toolResultText } from "../../protocol/Items.js"
import type * as CommandGate from "../../sandbox/CommandGate.js"
import * as ChildProcess from "../process/ChildProcess.js"
import * as Tool from "../Tool.js"
import type { ToolRegistry } from "../ToolRegistry.js"
import { jsName } from "./Pragma.js"
import * as Runtime from "./Runtime.js"
import * as Snapshot from "./Snapshot.js"

/** How long a terminated cell gets after SIGTERM before SIGKILL. */
const TERMINATE_GRACE = Duration.seconds(1)
/** After new output, how long `wait` lingers for the cell to finish or yield. */
const OUTPUT_GRACE_MS = 20

interface Cell {
  readonly id: string
  readonly pid: number
  readonly startedAt: number
  readonly scope: Scope.CloseableScope
  readonly items: Array<Snapshot.ContentItem>
  delivered: number
  yielded: boolean
  done: boolean
  terminated: boolean
  errorText: string | undefined
  /** Wakes a waiting exec or wait call. */
  readonly changed: Queue.Queue<void>
  /** Done once standard output reached its end and the exit was observed. */
  readonly finished: Deferred.Deferred<void>
}

export interface ExecRequest {
  readonly code: string
  readonly yieldTimeMs: number | undefined
  readonly maxOutputTokens: number | undefined
}

export interface WaitRequest {
  readonly cellId: string
  readonly yieldTimeMs: number
  readonly maxTokens: number | undefined
  readonly terminate: boolean
}

export interface CodeModeManager {
  /** Runs a cell; a plain text when the policies refused to start it. */
  readonly exec: (request: ExecRequest, context: Tool.ToolContext) => Effect.Effect<Tool.StructuredOutput | string, Tool.ToolFailure>
  readonly wait: (request: WaitRequest) => Effect.Effect<Tool.StructuredOutput | string>
  /** Gives the manager the registry nested calls go through (the one exec and wait are part of). */
  readonly bind: (registry: ToolRegistry) => Effect.Effect<void>
  /** Process ids of the cells still held (running, or finished but not yet reported). */
  readonly pids: Effect.Effect<ReadonlyArray<number>>
}

export interface CodeModeOptions {
  /** Working directory of the cells. */
  readonly cwd: string
  /** Environment of the cells. */
  readonly env: Readonly<Record<string, string>>
  /** The Node program (default: the one running us). */
  readonly node?: string
  /**
   * The sandbox and approval policies a cell's process starts under (default: as given). A cell
   * has no way to ask for escalation; under `untrusted` it is shown to the user first.
   */
  readonly gate?: CommandGate.Gate
}

/** How a cell is shown when the user is asked about it: its code on one line, shortened. */
export const cellDisplay = (code: string): string => {
  const flat = code.replace(/\s+/g, " ").trim()
  return `[code mode cell] ${flat.length > 200 ? `${flat.slice(0, 200)}…` : flat}`
}

const randomHex = (length: number) =>
  Array.from(crypto.getRandomValues(new Uint8Array(Math.ceil(length / 2))), (b) => b.toString(16).padStart(2, "0")).join("").slice(0, length)

const signalGroup = (pid: number, signal: NodeJS.Signals) => Effect.sync(() => ChildProcess.signalGroup(pid, signal))

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** The manager; every cell process belongs to the current Scope. */
export const make = (options: CodeModeOptions): Effect.Effect<CodeModeManager, never, Scope.Scope | CommandExecutor.CommandExecutor> =>
  Effect.gen(function*() {
    const executor = yield* CommandExecutor.CommandExecutor
    const sessionScope = yield* Effect.scope
    const cells = new Map<string, Cell>()
    const storedValues = yield* Ref.make<Record<string, unknown>>({})
    const registryRef = yield* Ref.make(Option.none<ToolRegistry>())
    yield* Effect.addFinalizer(() => Effect.forEach([...cells.values()], (cell) => Scope.close(cell.scope, Exit.void), { discard: true }))

    const notify = (cell: Cell) => Queue.offer(cell.changed, undefined)

    const enabledTools = (registry: ToolRegistry) =>
      registry.specs
        .filter((spec) => spec.name !== "exec" && spec.name !== "wait" && (spec.toolType === "function" || spec.toolType === "custom"))
        .slice()
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map((spec) => ({ tool_name: spec.name, js_name: jsName(spec.name), description: spec.description, tool_type: spec.toolType }))

    /** Runs one nested call and builds the `tool_result` message. */
    const nestedCall = (cell: Cell, message: Record<string, unknown>, context: Tool.ToolContext) =>
      Effect.gen(function*() {
        const id = String(message.id)
        const name = String(message.tool_name)
        const registry = yield* Ref.get(registryRef)
        const spec = Option.isSome(registry) ? registry.value.specs.find((s) => s.name === name) : undefined
        if (Option.isNone(registry) || spec === undefined) return { type: "tool_result", id, ok: false, error: `unknown tool: ${name}` }
        if (spec.toolType !== "function" && spec.toolType !== "custom") {
          return { type: "tool_result", id, ok: false, error: `tool \`${name}\` is not available inside exec` }
        }
        const result = yield* registry.value.execute(
          toolCall(`${cell.id}_${id}`, name, message.arguments, spec.toolType),
          { turnId: context.turnId, history: context.history, collaborationMode: "default" }
        )
        return result.isError
          ? { type: "tool_result", id, ok: false, error: toolResultText(result) }
          : { type: "tool_result", id, ok: true, result: result.output }
      })

    const start = (code: string, context: Tool.ToolContext) =>
      Effect.gen(function*() {
        const argv: readonly [string, ...Array<string>] = [options.node ?? process.execPath, "-e", Runtime.SOURCE]
        const admission: CommandGate.Admission = options.gate === undefined
          ? { _tag: "Run", argv, sandboxed: false }
          : yield* options.gate.admit({ argv, cwd: options.cwd, display: cellDisplay(code), sandboxPermissions: "use_default", turnId: context.turnId }).pipe(
            Effect.mapError((error) => new Tool.ToolFailure({ name: "SandboxError", message: error.message }))
          )
        if (admission._tag === "Refused") return admission.text
        const scope = yield* Scope.fork(sessionScope, ExecutionStrategy.sequential)
        const command = ChildProcess.pipedCommand(admission.argv, options.cwd, options.env)
        const child = yield* executor.start(command).pipe(
          Scope.extend(scope),
          Effect.tapError(() => Scope.close(scope, Exit.void)),
          Effect.mapError((error) => new Tool.ToolFailure({ name: "FileNotFoundError", message: error.message }))
        )
        const pid = child.pid as number
        yield* Scope.addFinalizer(scope, signalGroup(pid, "SIGKILL"))
        const input = yield* Queue.unbounded<string>()
        yield* Stream.fromQueue(input).pipe(Stream.encodeText, Stream.run(child.stdin), Effect.ignore, Effect.forkIn(scope))
        const cell: Cell = {
          id: randomHex(10),
          pid,
          startedAt: yield* Clock.currentTimeMillis,
          scope,
          items: [],
          delivered: 0,
          yielded: false,
          done: false,
          terminated: false,
          errorText: undefined,
          changed: yield* Queue.sliding<void>(1),
          finished: yield* Deferred.make<void>()
        }
        const send = (message: unknown) => Queue.offer(input, `${JSON.stringify(message)}\n`)
        const stderrText = yield* child.stderr.pipe(Stream.decodeText(), Stream.mkString, Effect.orElseSucceed(() => ""), Effect.forkIn(scope))
        const handleLine = (line: string): Effect.Effect<void> =>
          Effect.gen(function*() {
            let message: unknown
            try {
              message = JSON.parse(line)
            } catch {
              message = undefined
            }
            if (!isRecord(message)) {
              cell.items.push({ type: "input_text", text: line })
              return yield* notify(cell)
            }
            switch (message.type) {
              case "output_text":
                cell.items.push({ type: "input_text", text: String(message.text) })
                return yield* notify(cell)
              case "output_image":
                cell.items.push({
                  type: "input_image",
                  image_url: String(message.image_url),
                  ...(message.detail !== null && message.detail !== undefined ? { detail: message.detail } : {})
                })
                return yield* notify(cell)
              case "yield":
                cell.yielded = true
                return yield* notify(cell)
              case "tool_call":
                return yield* Effect.flatMap(nestedCall(cell, message, context), send)
              case "result": {
                const error = message.error_text
                cell.errorText = typeof error === "string" && error !== "" ? error : undefined
                if (isRecord(message.stored_values)) yield* Ref.set(storedValues, message.stored_values)
                cell.done = true
                yield* notify(cell)
                // The cell is over: nothing it started may go on running.
                yield* Queue.shutdown(input)
                return yield* signalGroup(pid, "SIGKILL")
              }
              default:
                cell.items.push({ type: "input_text", text: line })
                return yield* notify(cell)
            }
          })
        yield* child.stdout.pipe(
          Stream.decodeText(),
          Stream.splitLines,
          Stream.runForEach(handleLine),
          Effect.ignore,
          Effect.zipRight(Effect.gen(function*() {
            const code = yield* ChildProcess.exitCode(child)
            const stderr = (yield* Fiber.join(stderrText)).trim()
            if (!cell.done) {
              cell.errorText = stderr !== "" ? stderr : code !== 0 ? `process exited with code ${code}` : undefined
              cell.done = true
            }
            yield* notify(cell)
            yield* Deferred.succeed(cell.finished, undefined)
          })),
          Effect.forkIn(scope)
        )
        cells.set(cell.id, cell)
        const registry = yield* Ref.get(registryRef)
        yield* send({
          type: "init",
          cell_id: cell.id,
          source: code,
          stored_values: yield* Ref.get(storedValues),
          tools: Option.isSome(registry) ? enabledTools(registry.value) : []
        })
        return cell
      })

    /** Waits for the next change, at most `ms` (forever when undefined). */
    const nextChange = (cell: Cell, ms: number | undefined) =>
      ms === undefined ? Queue.take(cell.changed) : Queue.take(cell.changed).pipe(Effect.timeout(Duration.millis(Math.max(ms, 0))), Effect.ignore)

    const snapshot = (cell: Cell, maxTokens: number | undefined) =>
      Effect.gen(function*() {
        if (cell.done) yield* Deferred.await(cell.finished)
        const wall = ((yield* Clock.currentTimeMillis) - cell.startedAt) / 1000
        const fresh = cell.items.slice(cell.delivered)
        cell.delivered = cell.items.length
        if (cell.errorText !== undefined) fresh.push({ type: "input_text", text: `Script error:\n${cell.errorText}` })
        const status: Snapshot.Status = cell.terminated ? "terminated" : !cell.done ? "running" : cell.errorText !== undefined ? "failed" : "completed"
        const items = Snapshot.truncate([Snapshot.header(status, cell.id, wall), ...fresh], maxTokens)
        cell.yielded = false
        if (cell.done) {
          cells.delete(cell.id)
          yield* Scope.close(cell.scope, Exit.void)
        }
        return Tool.structured({ output: Snapshot.outputText(items), contentItems: items })
      })

    const exec: CodeModeManager["exec"] = (request, context) =>
      Effect.gen(function*() {
        const cell = yield* start(request.code, context)
        if (typeof cell === "string") return cell
        const deadline = request.yieldTimeMs === undefined ? undefined : (yield* Clock.currentTimeMillis) + Math.max(request.yieldTimeMs, 1)
        while (!cell.done && !cell.yielded) {
          const left = deadline === undefined ? undefined : deadline - (yield* Clock.currentTimeMillis)
          if (left !== undefined && left <= 0) break
          yield* nextChange(cell, left)
        }
        return yield* snapshot(cell, request.maxOutputTokens)
      })

    const wait: CodeModeManager["wait"] = (request) =>
      Effect.gen(function*() {
        const cell = cells.get(request.cellId)
        if (cell === undefined) return `Error: unknown exec cell \`${request.cellId}\`.`
        if (request.terminate && !cell.done) {
          cell.terminated = true
          yield* signalGroup(cell.pid, "SIGTERM")
          const ended = yield* Deferred.await(cell.finished).pipe(Effect.timeout(TERMINATE_GRACE), Effect.option)
          if (Option.isNone(ended)) {
            yield* signalGroup(cell.pid, "SIGKILL")
            yield* Deferred.await(cell.finished)
          }
        }
        const deadline = (yield* Clock.currentTimeMillis) + Math.max(request.yieldTimeMs, 1)
        for (;;) {
          if (cell.done || cell.yielded) break
          const now = yield* Clock.currentTimeMillis
          if (cell.items.length > cell.delivered) {
            const grace = Math.min(deadline - now, OUTPUT_GRACE_MS)
            if (grace > 0 && !cell.done && !cell.yielded) yield* nextChange(cell, grace)
            break
          }
          if (now >= deadline) break
          yield* nextChange(cell, Math.min(deadline - now, 50))
        }
        return yield* snapshot(cell, request.maxTokens)
      })

    return {
      exec,
      wait,
      bind: (registry) => Ref.set(registryRef, Option.some(registry)),
      pids: Effect.sync(() => [...cells.values()].map((cell) => cell.pid))
    }
  })
