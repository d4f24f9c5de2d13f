/** PtyBackend on real pseudo-terminals: terminal detection, echo, interactive input, exit codes, cleanup and the pipe fallback. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as CommandExecutor from "@effect/platform/CommandExecutor"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Exit, Layer, Ref, Scope, Stream } from "effect"
import * as NodeFs from "node:fs"
import * as NodeOs from "node:os"
import * as NodePath from "node:path"
import * as Environment from "../../../src/config/Environment.js"
import { toolCall } from "../../../src/protocol/Items.js"
import * as ToolRegistry from "../../../src/tools/ToolRegistry.js"
import { makeUnifiedExecTools } from "../../../src/tools/UnifiedExecTools.js"
import * as ExecBackend from "../../../src/tools/unifiedExec/ExecBackend.js"
import * as PtyBackend from "../../../src/tools/unifiedExec/PtyBackend.js"
import * as UnifiedExecManager from "../../../src/tools/unifiedExec/UnifiedExecManager.js"
import { awaitGone, isAlive } from "../../support/Processes.js"

const PATH = "/usr/local/bin:/usr/bin:/bin"
const vars = { SHELL: "/bin/bash", PATH }
const live = Layer.merge(NodeContext.layer, Environment.layerValue(vars))

const decoder = new TextDecoder()
const cwd = NodeOs.tmpdir()

/** A loader standing in for a machine where node-pty's native module is missing. */
const brokenLoader = (calls?: Ref.Ref<number>): PtyBackend.PtyLoader =>
  Effect.zipRight(
    calls === undefined ? Effect.void : Ref.update(calls, (n) => n + 1),
    Effect.fail(new PtyBackend.PtyUnavailable({ message: "node-pty cannot be loaded: no native build" }))
  )

const ptyBackend = Effect.map(PtyBackend.loadNodePty, PtyBackend.makePtyBackend)

const request = (script: string, env: Record<string, string> = vars): ExecBackend.SpawnRequest => ({
  argv: ["/bin/sh", "-c", script],
  cwd,
  env,
  tty: true
})

/** Runs a script on a terminal to its end: everything it printed and its exit code. */
const runToEnd = (script: string, env?: Record<string, string>) =>
  Effect.gen(function*() {
    const backend = yield* ptyBackend
    const process = yield* backend.spawn(request(script, env))
    const output = yield* Stream.runCollect(process.output)
    const code = yield* process.exitCode
    return { text: decoder.decode(Buffer.concat([...Chunk.toReadonlyArray(output)])), code }
  })


const managerWith = (backend: ExecBackend.ExecBackend) =>
  UnifiedExecManager.make({ cwd, backend, environment: Environment.fromRecord({ ...vars }) })

const body = (output: string) => output.slice(output.indexOf("\nOutput:\n") + "\nOutput:\n".length)
const sessionId = (output: string) => Number(/Process running with session ID (\d+)/.exec(output)?.[1])

/**
 * Continues from the result `first` of a call on a session, polling in short steps until `done`
 * holds for everything read so far or the exit is reported; returns the output and the last result.
 */
const pollUntil = (
  manager: UnifiedExecManager.UnifiedExecManager,
  id: number,
  done: (output: string) => boolean,
  first: string
) =>
  Effect.gen(function*() {
    let output = body(first)
    let last = first
    for (let i = 0; i < 100 && !done(output) && !last.includes("Process exited"); i++) {
      last = yield* manager.writeStdin({ sessionId: id, chars: "", yieldTimeMs: 50 })
      output += body(last)
    }
    return { output, last }
  })

describe("PtyBackend on real pseudo-terminals", () => {
  it.scopedLive("gives the process a terminal of 80x24 with TERM set", () =>
    Effect.gen(function*() {
      expect(yield* runToEnd("tty -s && echo tty")).toEqual({ text: "tty\r\n", code: 0 })
      const size = yield* runToEnd("stty size; echo \"$TERM\"; echo \"${COLUMNS-unset}\"", { ...vars, COLUMNS: "200" })
      expect(size).toEqual({ text: `24 80\r\n${PtyBackend.DEFAULT_TERM}\r\nunset\r\n`, code: 0 })
      const chosen = yield* runToEnd("echo \"$TERM\"", { ...vars, TERM: "vt100" })
      expect(chosen.text).toBe("vt100\r\n")
    }).pipe(Effect.provide(live)))

  it.scopedLive("reports exit codes, and minus the signal number for a killed process", () =>
    Effect.gen(function*() {
      expect((yield* runToEnd("exit 3")).code).toBe(3)
      expect((yield* runToEnd("kill -TERM $$")).code).toBe(-15)
      expect((yield* runToEnd("kill -KILL $$")).code).toBe(-9)
    }).pipe(Effect.provide(live)))

  it.scopedLive("fails clearly for a program that is missing or not executable", () =>
    Effect.gen(function*() {
      const backend = yield* ptyBackend
      const spawn = (argv: readonly [string, ...Array<string>]) =>
        Effect.flip(backend.spawn({ argv, cwd, env: vars, tty: true }))
      expect(yield* spawn(["/no/such/program"])).toMatchObject({ reason: "NotFound", message: "no such program: /no/such/program" })
      expect(yield* spawn(["no-such-program-anywhere"])).toMatchObject({ reason: "NotFound" })
      const file = NodePath.join(NodeFs.mkdtempSync(NodePath.join(cwd, "pty-")), "plain.txt")
      NodeFs.writeFileSync(file, "not a program\n")
      yield* Effect.addFinalizer(() => Effect.sync(() => NodeFs.rmSync(NodePath.dirname(file), { recursive: true, force: true })))
      expect(yield* spawn([file])).toMatchObject({ reason: "PermissionDenied", message: `permission denied: ${file}` })
      // A program found on PATH starts normally.
      const process = yield* backend.spawn({ argv: ["sh", "-c", "exit 0"], cwd, env: vars, tty: true })
      expect(yield* process.exitCode).toBe(0)
    }).pipe(Effect.provide(live)))

  it.scopedLive("refuses writes once the process has exited", () =>
    Effect.gen(function*() {
      const backend = yield* ptyBackend
      const process = yield* backend.spawn(request("exit 0"))
      expect(yield* process.exitCode).toBe(0)
      const error = yield* Effect.flip(process.write(new TextEncoder().encode("late\n")))
      expect(error).toMatchObject({ _tag: "ExecBackendError", reason: "Write" })
    }).pipe(Effect.provide(live)))

  it.scopedLive("echoes what cat is given exactly once, the way a terminal does", () =>
    Effect.gen(function*() {
      const backend = yield* PtyBackend.withPty(ExecBackend.makePipeBackend(yield* CommandExecutor.CommandExecutor))
      const manager = yield* managerWith(backend)
      const started = yield* manager.execCommand({ cmd: "cat", login: false, tty: true, yieldTimeMs: 50 })
      const id = sessionId(started)
      expect(id).toBe(UnifiedExecManager.FIRST_SESSION_ID)
      expect(yield* manager.ttyMode).toEqual(ExecBackend.TtyMode.Pty())
      const written = yield* manager.writeStdin({ sessionId: id, chars: "abc\n", yieldTimeMs: 100 })
      const { output } = yield* pollUntil(manager, id, (text) => text.length >= "abc\r\nabc\r\n".length, written)
      // The echo and cat's own line, both with the terminal's CRLF; no second echo from the manager.
      expect(output).toBe("abc\r\nabc\r\n")
      expect(started).toContain("Command: /bin/bash -c cat\n")
    }).pipe(Effect.provide(live)))

  it.scopedLive("answers an interactive read", () =>
    Effect.gen(function*() {
      const backend = yield* PtyBackend.withPty(ExecBackend.makePipeBackend(yield* CommandExecutor.CommandExecutor))
      const manager = yield* managerWith(backend)
      const started = yield* manager.execCommand({
        cmd: "read -p 'name? ' who; echo \"hello $who\"",
        login: false,
        tty: true,
        yieldTimeMs: 50
      })
      const id = sessionId(started)
      const prompt = yield* pollUntil(manager, id, (text) => text.includes("name? "), started)
      expect(prompt.output).toBe("name? ")
      const answered = yield* manager.writeStdin({ sessionId: id, chars: "bob\n", yieldTimeMs: 100 })
      const rest = yield* pollUntil(manager, id, () => false, answered)
      expect(rest.last).toContain("Process exited with code 0")
      expect(rest.output).toBe("bob\r\nhello bob\r\n")
      expect(yield* manager.sessionIds).toEqual([])
    }).pipe(Effect.provide(live)))

  it.live("terminates the process and its children when the scope closes, SIGKILL for those ignoring SIGTERM", () =>
    Effect.gen(function*() {
      const backend = yield* ptyBackend
      const scope = yield* Scope.make()
      const pidsOf = (script: string) =>
        Effect.gen(function*() {
          const process = yield* backend.spawn(request(script)).pipe(Scope.extend(scope))
          // Reads the terminal until the script has printed its two pids.
          const text = yield* process.output.pipe(
            Stream.map((bytes) => decoder.decode(bytes)),
            Stream.scan("", (all, piece) => all + piece),
            Stream.find((all) => all.trim().split(/\s+/).length >= 2 && all.endsWith("\n")),
            Stream.runHead
          )
          return text.pipe((option) => (option._tag === "Some" ? option.value : "")).trim().split(/\s+/).map(Number)
        })
      const polite = yield* pidsOf("sleep 30 & echo $$ $!; wait")
      const stubborn = yield* pidsOf("trap '' TERM; sleep 30 & echo $$ $!; while true; do sleep 0.05; done")
      const pids = [...polite, ...stubborn]
      expect(pids).toHaveLength(4)
      for (const pid of pids) expect(isAlive(pid)).toBe(true)
      yield* Scope.close(scope, Exit.void)
      for (const pid of pids) expect(yield* awaitGone(pid)).toBe(true)
      for (const pid of [polite[0]!, stubborn[0]!]) expect(PtyBackend.groupAlive(pid)).toBe(false)
    }).pipe(Effect.provide(live)), 20_000)
})

describe("PtyBackend.withPty", () => {
  it.scopedLive("loads the terminal support only when a terminal is asked for, and only once", () =>
    Effect.gen(function*() {
      const calls = yield* Ref.make(0)
      const load = Effect.zipRight(Ref.update(calls, (n) => n + 1), PtyBackend.loadNodePty)
      const backend = yield* PtyBackend.withPty(ExecBackend.makePipeBackend(yield* CommandExecutor.CommandExecutor), load)
      const plain = yield* backend.spawn({ ...request("test -t 0 || echo pipes"), tty: false })
      expect(plain.echoesInput).toBe(false)
      expect(decoder.decode(Buffer.concat([...Chunk.toReadonlyArray(yield* Stream.runCollect(plain.output))]))).toBe("pipes\n")
      expect(yield* Ref.get(calls)).toBe(0)
      expect(yield* backend.ttyMode!).toEqual(ExecBackend.TtyMode.Unchecked())
      for (let i = 0; i < 2; i++) {
        const terminal = yield* backend.spawn(request("exit 0"))
        expect(terminal.echoesInput).toBe(true)
        expect(yield* terminal.exitCode).toBe(0)
      }
      expect(yield* Ref.get(calls)).toBe(1)
      expect(yield* backend.ttyMode!).toEqual(ExecBackend.TtyMode.Pty())
    }).pipe(Effect.provide(live)))

  it.scopedLive("runs terminal requests on pipes when node-pty cannot be loaded, and keeps the reason", () =>
    Effect.gen(function*() {
      const calls = yield* Ref.make(0)
      const backend = yield* PtyBackend.withPty(ExecBackend.makePipeBackend(yield* CommandExecutor.CommandExecutor), brokenLoader(calls))
      for (let i = 0; i < 2; i++) {
        const process = yield* backend.spawn(request("test -t 0 || echo pipes"))
        expect(process.echoesInput).toBe(false)
        expect(decoder.decode(Buffer.concat([...Chunk.toReadonlyArray(yield* Stream.runCollect(process.output))]))).toBe("pipes\n")
      }
      expect(yield* Ref.get(calls)).toBe(1)
      expect(yield* backend.ttyMode!).toEqual(ExecBackend.TtyMode.Pipes({ reason: "node-pty cannot be loaded: no native build" }))
    }).pipe(Effect.provide(live)))

  it.scopedLive("falls back to the manager's echo through exec_command and write_stdin", () =>
    Effect.gen(function*() {
      const tools = yield* makeUnifiedExecTools({ cwd, ptyLoader: brokenLoader() })
      const registry = ToolRegistry.make(tools.tools)
      const context = { turnId: "turn-1", history: [], collaborationMode: "default" as const }
      const call = (name: string, args: Record<string, unknown>) =>
        Effect.map(registry.execute(toolCall(`call-${name}`, name, args), context), (result) => {
          expect(result.isError).toBe(false)
          return result.output as string
        })
      const id = sessionId(yield* call("exec_command", { cmd: "cat", login: false, tty: true, yield_time_ms: 50 }))
      expect(yield* tools.manager.ttyMode).toEqual(ExecBackend.TtyMode.Pipes({ reason: "node-pty cannot be loaded: no native build" }))
      const written = yield* call("write_stdin", { session_id: id, chars: "abc\n", yield_time_ms: 100 })
      const { output } = yield* pollUntil(tools.manager, id, (text) => text.length >= "abc\r\nabc\n".length, written)
      expect(output).toBe("abc\r\nabc\n")
    }).pipe(Effect.provide(live)))

  it("gives the terminal a TERM and drops an inherited window size", () => {
    expect(PtyBackend.terminalEnvironment({ PATH, LINES: "50", TERM: " " })).toEqual({ PATH, TERM: PtyBackend.DEFAULT_TERM })
    expect(PtyBackend.terminalEnvironment({ TERM: "screen" })).toEqual({ TERM: "screen" })
  })

  it.scopedLive("a manager over a backend without terminal support reports pipes", () =>
    Effect.gen(function*() {
      const manager = yield* managerWith(ExecBackend.makePipeBackend(yield* CommandExecutor.CommandExecutor))
      const mode = yield* manager.ttyMode
      expect(mode._tag).toBe("Pipes")
    }).pipe(Effect.provide(live)))

  it.live("loadNodePty loads the real module on this machine", () =>
    Effect.gen(function*() {
      const pty = yield* PtyBackend.loadNodePty
      expect(typeof pty.spawn).toBe("function")
    }))
})
