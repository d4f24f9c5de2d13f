/** exec_command and write_stdin through the registry, on real processes. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Exit, Layer, Scope } from "effect"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import * as Environment from "../../src/config/Environment.js"
import { type ToolResult, toolCall } from "../../src/protocol/Items.js"
import { serializeToolSpec } from "../../src/protocol/Prompt.js"
import * as Tool from "../../src/tools/Tool.js"
import * as ToolRegistry from "../../src/tools/ToolRegistry.js"
import { makeUnifiedExecTools } from "../../src/tools/UnifiedExecTools.js"
import * as ExecTools from "../support/ExecTools.js"
import { awaitGone, isAlive } from "../support/Processes.js"

const context: Tool.ToolContext = { turnId: "turn-1", history: [], collaborationMode: "default" }
const live = Layer.merge(NodeContext.layer, Environment.layerValue({ SHELL: "/bin/bash", PATH: "/usr/local/bin:/usr/bin:/bin" }))

let calls = 0
/** A registry over exec_command and write_stdin whose processes end with the test's scope. */
const registry = (cwd?: string) =>
  Effect.map(makeUnifiedExecTools(cwd === undefined ? {} : { cwd }), (tools) => ToolRegistry.make(tools.tools))
const run = (reg: ToolRegistry.ToolRegistry, name: string, args: Record<string, unknown>) =>
  reg.execute(toolCall(`call-${++calls}`, name, args), context)
const text = (result: ToolResult): string => {
  expect(result.isError).toBe(false)
  expect(typeof result.output).toBe("string")
  return result.output as string
}
const body = (output: string) => output.slice(output.indexOf("\nOutput:\n") + "\nOutput:\n".length)
const sessionId = (output: string) => Number(/Process running with session ID (\d+)/.exec(output)?.[1])

describe("exec_command and write_stdin on real processes", () => {
  it.scopedLive("declares both tools exactly as in exec_tools.json", () =>
    Effect.gen(function*() {
      const reg = yield* registry()
      expect(reg.names).toEqual(["exec_command", "write_stdin"])
      expect(reg.specs.map((s) => Either.getOrThrow(serializeToolSpec(s)))).toEqual(ExecTools.declarations.slice(0, 2))
      expect(reg.supportsParallel("exec_command")).toBe(true) // as Codex declares it
      expect(reg.supportsParallel("write_stdin")).toBe(false)
    }).pipe(Effect.provide(live)))

  it.scopedLive("runs a command to completion and reports its output and exit code", () =>
    Effect.gen(function*() {
      const reg = yield* registry()
      const out = text(yield* run(reg, "exec_command", { cmd: "echo hello", yield_time_ms: 5000 }))
      expect(out).toMatch(
        /^Command: \/bin\/bash -lc 'echo hello'\nChunk ID: [0-9a-f]{6}\nWall time: \d+\.\d{4} seconds\nProcess exited with code 0\nOriginal token count: 2\nOutput:\nhello\n$/
      )
      const failed = text(yield* run(reg, "exec_command", { cmd: "echo oops >&2; exit 7", login: false }))
      expect(failed).toContain("Command: /bin/bash -c 'echo oops >&2; exit 7'\n")
      expect(failed).toContain("Process exited with code 7\n")
      expect(body(failed)).toBe("oops\n")
      const signalled = text(yield* run(reg, "exec_command", { cmd: "kill -TERM $$", login: false }))
      expect(signalled).toContain("Process exited with code -15\n")
    }).pipe(Effect.provide(live)))

  it.scopedLive("keeps a long-running command as a session and finishes it through write_stdin", () =>
    Effect.gen(function*() {
      const reg = yield* registry()
      const first = text(yield* run(reg, "exec_command", { cmd: "printf start; sleep 1; printf end", yield_time_ms: 10 }))
      expect(first).toContain("Command: ")
      expect(first).toContain("Output:")
      const id = sessionId(first)
      expect(id).toBeGreaterThanOrEqual(1000)
      // poll until the command ends: a loaded machine may need more than one wait
      let collected = body(first)
      let second = ""
      for (let attempt = 0; attempt < 10 && !second.includes("Process exited"); attempt++) {
        second = text(yield* run(reg, "write_stdin", { session_id: id, yield_time_ms: 1200 }))
        collected += body(second)
      }
      expect(second).toContain("Process exited with code 0")
      expect(collected).toBe("startend")
      expect(text(yield* run(reg, "write_stdin", { session_id: id }))).toBe(`Error: session_id ${id} is not running.`)
    }).pipe(Effect.provide(live)))

  it.scopedLive("feeds standard input to an interactive command", () =>
    Effect.gen(function*() {
      const reg = yield* registry()
      const started = text(yield* run(reg, "exec_command", { cmd: "read line; printf \"hello:%s\" \"$line\"", yield_time_ms: 10 }))
      const id = sessionId(started)
      let out = text(yield* run(reg, "write_stdin", { session_id: id, chars: "world\n", yield_time_ms: 50 }))
      expect(out).toContain("Command: ")
      expect(out).toContain("Original token count: ")
      for (let i = 0; i < 10 && !out.includes("Process exited"); i++) {
        out = text(yield* run(reg, "write_stdin", { session_id: id, yield_time_ms: 200 }))
      }
      expect(out).toContain("Process exited with code 0")
      expect(out).toContain("hello:world")
    }).pipe(Effect.provide(live)))

  it.scopedLive("talks to cat, echoing typed input for tty sessions", () =>
    Effect.gen(function*() {
      const tools = yield* makeUnifiedExecTools()
      const reg = ToolRegistry.make(tools.tools)
      const plain = sessionId(text(yield* run(reg, "exec_command", { cmd: "cat", login: false, yield_time_ms: 10 })))
      const tty = sessionId(text(yield* run(reg, "exec_command", { cmd: "cat", login: false, tty: true, yield_time_ms: 10 })))
      expect(tty).toBe(plain + 1)
      expect(body(text(yield* run(reg, "write_stdin", { session_id: plain, chars: "abc\n", yield_time_ms: 300 })))).toBe("abc\n")
      // A pseudo-terminal echoes the line and turns cat's own newline into CRLF; over pipes only the echo has CRLF.
      const expected = (yield* tools.manager.ttyMode)._tag === "Pty" ? "abc\r\nabc\r\n" : "abc\r\nabc\n"
      expect(body(text(yield* run(reg, "write_stdin", { session_id: tty, chars: "abc\n", yield_time_ms: 300 })))).toBe(expected)
    }).pipe(Effect.provide(live)))

  it.scopedLive("truncates one very long line, keeping its head and tail", () =>
    Effect.gen(function*() {
      const reg = yield* registry()
      const cmd = "printf HEAD; head -c 25000 /dev/zero | tr '\\0' A; head -c 25000 /dev/zero | tr '\\0' B; printf 'TAIL\\n'"
      const out = text(yield* run(reg, "exec_command", { cmd, yield_time_ms: 5000 }))
      expect(out).toContain("Process exited with code 0")
      expect(out).toContain("Original token count: 12503\n")
      const rest = body(out)
      expect(rest.startsWith("Total output lines: 1\n\nHEAD")).toBe(true)
      expect(rest).toContain("tokens truncated")
      expect(rest.trimEnd().endsWith("TAIL")).toBe(true)
    }).pipe(Effect.provide(live)))

  it.scopedLive("truncates a long line written through standard input", () =>
    Effect.gen(function*() {
      const reg = yield* registry()
      const id = sessionId(text(yield* run(reg, "exec_command", { cmd: "read line; printf \"%s\" \"$line\"", yield_time_ms: 10 })))
      const line = "HEAD" + "A".repeat(25_000) + "B".repeat(25_000) + "TAIL"
      let out = text(yield* run(reg, "write_stdin", { session_id: id, chars: line + "\n", yield_time_ms: 200 }))
      for (let i = 0; i < 10 && !out.includes("Process exited"); i++) {
        out = text(yield* run(reg, "write_stdin", { session_id: id, yield_time_ms: 200 }))
      }
      expect(out).toContain("Process exited with code 0")
      const rest = body(out)
      expect(rest.startsWith("Total output lines: 1\n\nHEAD")).toBe(true)
      expect(rest).toContain("tokens truncated")
      expect(rest.endsWith("TAIL")).toBe(true)
    }).pipe(Effect.provide(live)))

  it.scopedLive("keeps the first and last 512 KiB of output nobody read", () =>
    Effect.gen(function*() {
      const reg = yield* registry()
      const cmd = "printf READY; sleep 0.2; printf HEAD; head -c 700000 /dev/zero | tr '\\0' A; printf MID; " +
        "head -c 700000 /dev/zero | tr '\\0' B; printf TAIL"
      const first = text(yield* run(reg, "exec_command", { cmd, yield_time_ms: 10 }))
      const id = sessionId(first)
      const out = text(yield* run(reg, "write_stdin", { session_id: id, yield_time_ms: 5000, max_output_tokens: 400_000 }))
      expect(out).toContain("Process exited with code 0")
      const rest = body(out)
      expect(rest).not.toContain("Total output lines:")
      expect(rest.startsWith("HEAD") || rest.startsWith("READYHEAD")).toBe(true)
      expect(rest.endsWith("TAIL")).toBe(true)
      expect(rest).not.toContain("MID")
      expect(new TextEncoder().encode(rest).length).toBe(1024 * 1024)
    }).pipe(Effect.provide(live)))

  it.scopedLive("runs in the given working directory, relative ones from the tools' directory", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const dir = NodeFs.realpathSync(yield* fs.makeTempDirectoryScoped())
      NodeFs.mkdirSync(NodePath.join(dir, "sub"))
      NodeFs.symlinkSync(NodePath.join(dir, "sub"), NodePath.join(dir, "link"))
      const reg = yield* registry(dir)
      expect(body(text(yield* run(reg, "exec_command", { cmd: "pwd" })))).toBe(`${dir}\n`)
      expect(body(text(yield* run(reg, "exec_command", { cmd: "pwd", workdir: "sub" })))).toBe(`${dir}/sub\n`)
      expect(body(text(yield* run(reg, "exec_command", { cmd: "pwd -P", workdir: `${dir}/link` })))).toBe(`${dir}/sub\n`)
      expect(body(text(yield* run(reg, "exec_command", { cmd: "pwd", workdir: "" })))).toBe(`${dir}\n`)
    }).pipe(Effect.provide(live)))

  it.scopedLive("answers bad calls with clear results instead of crashing", () =>
    Effect.gen(function*() {
      const reg = yield* registry()
      const missingDir = yield* run(reg, "exec_command", { cmd: "pwd", workdir: "/nonexistent/place" })
      expect(missingDir.isError).toBe(true)
      expect(missingDir.output).toEqual({ error: "FileNotFoundError: working directory does not exist: /nonexistent/place" })
      const notDir = yield* run(reg, "exec_command", { cmd: "pwd", workdir: "/etc/hostname" })
      expect(notDir.output).toEqual({ error: "NotADirectoryError: not a directory: /etc/hostname" })
      const noShell = yield* run(reg, "exec_command", { cmd: "true", shell: "/no/such/shell" })
      expect(noShell.output).toEqual({ error: "FileNotFoundError: no such program: /no/such/shell" })
      expect(text(yield* run(reg, "exec_command", { cmd: "   " }))).toBe("Error: `cmd` is required.")
      expect(text(yield* run(reg, "exec_command", {}))).toBe("Error: `cmd` is required.")
      expect(text(yield* run(reg, "write_stdin", { chars: "x" }))).toBe("Error: `session_id` is required.")
      expect(text(yield* run(reg, "write_stdin", { session_id: null }))).toBe("Error: `session_id` is required.")
      expect(text(yield* run(reg, "write_stdin", { session_id: "999" }))).toBe("Error: session_id 999 is not running.")
      const badYield = yield* run(reg, "exec_command", { cmd: "true", yield_time_ms: "soon" })
      expect(badYield).toMatchObject({ isError: true, output: { error: "InvalidArguments: yield_time_ms: expected an integer, got \"soon\"" } })
      const badId = yield* run(reg, "write_stdin", { session_id: [1] })
      expect(badId).toMatchObject({ isError: true, output: { error: "InvalidArguments: session_id: expected an integer, got an array" } })
      const coerced = text(yield* run(reg, "exec_command", { cmd: "echo ok", yield_time_ms: "2000", login: 0, max_output_tokens: null }))
      expect(coerced).toContain("Command: /bin/bash -c 'echo ok'\n")
      expect(body(coerced)).toBe("ok\n")
      // The escalation fields of the declaration are accepted and ignored.
      const escalated = text(yield* run(reg, "exec_command", { cmd: "echo ok", sandbox_permissions: "require_escalated", justification: "why", prefix_rule: ["echo"] }))
      expect(body(escalated)).toBe("ok\n")
    }).pipe(Effect.provide(live)))

  it.scopedLive("does not wait past the yield time for background children holding the output open", () =>
    Effect.gen(function*() {
      const reg = yield* registry()
      const out = text(yield* run(reg, "exec_command", { cmd: "sleep 30 & echo $!", login: false, yield_time_ms: 500 }))
      expect(out).toContain("Process exited with code 0")
      const wall = Number(/Wall time: (\d+\.\d+) seconds/.exec(out)?.[1])
      expect(wall).toBeGreaterThanOrEqual(0.4)
      expect(wall).toBeLessThan(5)
      // The session is over, so the child that outlived the shell is terminated with it.
      const child = Number(body(out).trim())
      expect(yield* awaitGone(child)).toBe(true)
    }).pipe(Effect.provide(live)))

  it.live("terminates running processes and their children when the scope closes", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const reg = yield* registry().pipe(Scope.extend(scope))
      const first = text(yield* run(reg, "exec_command", { cmd: "echo $$; sleep 30 & echo $!; exec sleep 31", login: false, yield_time_ms: 300 }))
      const stubborn = text(yield* run(reg, "exec_command", { cmd: "trap '' TERM; echo $$; while true; do sleep 0.05; done", login: false, yield_time_ms: 300 }))
      const pids = [...body(first).trim().split("\n"), body(stubborn).trim()].map(Number)
      expect(pids.length).toBe(3)
      for (const pid of pids) expect(isAlive(pid)).toBe(true)
      yield* Scope.close(scope, Exit.void)
      for (const pid of pids) expect(yield* awaitGone(pid)).toBe(true)
    }).pipe(Effect.provide(live)), 20_000)
})
