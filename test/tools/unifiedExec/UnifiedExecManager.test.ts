/** UnifiedExecManager on scripted processes, timed by the test clock. */
import * as FileSystem from "@effect/platform/FileSystem"
import { SystemError } from "@effect/platform/Error"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Ref, Scope, TestClock } from "effect"
import * as Environment from "../../../src/config/Environment.js"
import * as UnifiedExecManager from "../../../src/tools/unifiedExec/UnifiedExecManager.js"
import * as FakeBackend from "../support/FakeBackend.js"

/** Every directory exists except those under /missing; no real file system is touched. */
const fakeFs = FileSystem.layerNoop({
  realPath: (path) =>
    path.startsWith("/missing")
      ? Effect.fail(new SystemError({ reason: "NotFound", module: "FileSystem", method: "realPath", pathOrDescriptor: path }))
      : Effect.succeed(path)
})

const setup = (script?: (process: FakeBackend.FakeProcess) => Effect.Effect<void>, env: Record<string, string> = { SHELL: "/bin/bash" }) =>
  Effect.gen(function*() {
    const fake = yield* FakeBackend.make(script)
    const manager = yield* UnifiedExecManager.make({ cwd: "/project", backend: fake.backend, environment: Environment.fromRecord(env) })
    return { fake, manager }
  })

/** Lets forked fibers run until `n` sleeps are pending on the test clock. */
const awaitSleeps = (n: number) =>
  Effect.gen(function*() {
    while ((yield* TestClock.sleeps()).length < n) yield* Effect.yieldNow()
  })

const exec = (request: Partial<UnifiedExecManager.ExecRequest> & { cmd: string }): UnifiedExecManager.ExecRequest => ({
  login: true,
  tty: false,
  yieldTimeMs: 10_000,
  ...request
})

const lines = (text: string) => text.split("\n")

describe("UnifiedExecManager (scripted processes, test clock)", () => {
  it.scoped("returns as soon as the process exits, with its output and exit code", () =>
    Effect.gen(function*() {
      const { fake, manager } = yield* setup((p) => Effect.sleep("3 seconds").pipe(Effect.zipRight(p.emit("hello\n")), Effect.zipRight(p.exit(0))))
      const fiber = yield* Effect.fork(manager.execCommand(exec({ cmd: "echo hello" })))
      yield* awaitSleeps(2)
      yield* TestClock.adjust("3 seconds")
      const text = yield* Fiber.join(fiber)
      const [command, chunk, wall, state, tokens, output, ...rest] = lines(text)
      expect(command).toBe("Command: /bin/bash -lc 'echo hello'")
      expect(chunk).toMatch(/^Chunk ID: [0-9a-f]{6}$/)
      expect(wall).toBe("Wall time: 3.0000 seconds")
      expect(state).toBe("Process exited with code 0")
      expect(tokens).toBe("Original token count: 2")
      expect(output).toBe("Output:")
      expect(rest.join("\n")).toBe("hello\n")
      expect((yield* fake.last).request).toMatchObject({ argv: ["/bin/bash", "-lc", "echo hello"], cwd: "/project", tty: false })
      expect(yield* manager.sessionIds).toEqual([])
    }).pipe(Effect.provide(fakeFs)))

  it.scoped("reports a running session after the yield time, then reads it with write_stdin", () =>
    Effect.gen(function*() {
      const { fake, manager } = yield* setup((p) => p.emit("start"))
      const fiber = yield* Effect.fork(manager.execCommand(exec({ cmd: "server", yieldTimeMs: 500 })))
      yield* awaitSleeps(1)
      yield* TestClock.adjust("500 millis")
      const first = yield* Fiber.join(fiber)
      expect(first).toContain("Wall time: 0.5000 seconds\nProcess running with session ID 1000\nOriginal token count: 2\nOutput:\nstart")
      expect(yield* manager.sessionIds).toEqual([1000])

      const process = yield* fake.last
      const poll = yield* Effect.fork(manager.writeStdin({ sessionId: 1000, chars: "quit\n", yieldTimeMs: 250 }))
      yield* awaitSleeps(1)
      expect(yield* Ref.get(process.written)).toBe("quit\n")
      yield* process.emit("bye\n")
      yield* process.exit(3)
      const second = yield* Fiber.join(poll)
      expect(second).toContain("Process exited with code 3\nOriginal token count: 1\nOutput:\nbye\n")
      expect(second.startsWith("Command: /bin/bash -lc server\n")).toBe(true)

      // The exit was reported once; the session is gone.
      expect(yield* manager.writeStdin({ sessionId: 1000, chars: "", yieldTimeMs: 250 })).toBe("Error: session_id 1000 is not running.")
      expect(yield* manager.writeStdin({ sessionId: 4242, chars: "x", yieldTimeMs: 250 })).toBe("Error: session_id 4242 is not running.")
    }).pipe(Effect.provide(fakeFs)))

  it.scoped("polls with an empty write, waiting the full yield time while the process runs", () =>
    Effect.gen(function*() {
      const { fake, manager } = yield* setup()
      const started = yield* Effect.fork(manager.execCommand(exec({ cmd: "sleep 100", yieldTimeMs: 0 })))
      yield* awaitSleeps(1)
      yield* TestClock.adjust("1 millis") // a yield time below 1 ms still waits 1 ms
      expect(yield* Fiber.join(started)).toContain("Wall time: 0.0010 seconds\nProcess running with session ID 1000")
      const poll = yield* Effect.fork(manager.writeStdin({ sessionId: 1000, chars: "", yieldTimeMs: 250 }))
      yield* awaitSleeps(1)
      yield* TestClock.adjust("249 millis")
      expect(poll.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 millis")
      expect(yield* Fiber.join(poll)).toContain("Wall time: 0.2500 seconds\nProcess running with session ID 1000\nOriginal token count: 0\nOutput:\n")
      expect(yield* Ref.get((yield* fake.last).written)).toBe("")
    }).pipe(Effect.provide(fakeFs)))

  it.scoped("allocates session ids from 1000, also for commands that fail to start", () =>
    Effect.gen(function*() {
      const { manager } = yield* setup((p) => (p.request.argv[2] === "long" ? Effect.void : p.exit(0)))
      expect(yield* manager.execCommand(exec({ cmd: "true" }))).toContain("Process exited with code 0")
      const failed = yield* Effect.flip(manager.execCommand(exec({ cmd: "x", shell: "/usr/bin/no-such-program" })))
      expect(failed).toMatchObject({ _tag: "UnifiedExecError", reason: "ProgramNotFound" })
      const missing = yield* Effect.flip(manager.execCommand(exec({ cmd: "true", workdir: "/missing/dir" })))
      expect(missing).toMatchObject({ reason: "WorkdirNotFound", message: "working directory does not exist: /missing/dir" })
      // 1000 ran, 1001 failed to start, 1002 had a bad workdir: the next one is 1003.
      const next = yield* Effect.fork(manager.execCommand(exec({ cmd: "long", yieldTimeMs: 5 })))
      yield* awaitSleeps(1)
      yield* TestClock.adjust("5 millis")
      expect(yield* Fiber.join(next)).toContain("Process running with session ID 1003")
      expect(yield* manager.sessionIds).toEqual([1003])
    }).pipe(Effect.provide(fakeFs)))

  it.scoped("picks the shell and its flags", () =>
    Effect.gen(function*() {
      const argvOf = (env: Record<string, string>, request: UnifiedExecManager.ExecRequest) =>
        Effect.gen(function*() {
          const { fake, manager } = yield* setup((p) => p.exit(0), env)
          yield* manager.execCommand(request)
          return (yield* fake.last).request.argv
        })
      expect(yield* argvOf({ SHELL: "/bin/zsh" }, exec({ cmd: "ls" }))).toEqual(["/bin/zsh", "-lc", "ls"])
      expect(yield* argvOf({}, exec({ cmd: "ls", login: false }))).toEqual(["/bin/bash", "-c", "ls"])
      expect(yield* argvOf({}, exec({ cmd: "dir", shell: "C:\\Windows\\System32\\CMD.EXE" }))).toEqual(["C:\\Windows\\System32\\CMD.EXE", "/C", "dir"])
      expect(yield* argvOf({}, exec({ cmd: "ls", shell: "powershell.exe" }))).toEqual(["powershell.exe", "-NoProfile", "-Command", "ls"])
      expect(yield* argvOf({ SHELL: "/bin/zsh" }, exec({ cmd: "ls", workdir: "sub" }))).toEqual(["/bin/zsh", "-lc", "ls"])
      expect((yield* argvOf({}, exec({ cmd: "ls", workdir: "/abs/dir" })))[0]).toBe("/bin/bash")
    }).pipe(Effect.provide(fakeFs)))

  it.scoped("resolves a relative workdir against the manager's directory", () =>
    Effect.gen(function*() {
      const { fake, manager } = yield* setup((p) => p.exit(0))
      yield* manager.execCommand(exec({ cmd: "pwd", workdir: "sub/dir" }))
      expect((yield* fake.last).request.cwd).toBe("/project/sub/dir")
      yield* manager.execCommand(exec({ cmd: "pwd", workdir: "/elsewhere" }))
      expect((yield* fake.last).request.cwd).toBe("/elsewhere")
    }).pipe(Effect.provide(fakeFs)))

  it.scoped("echoes typed input with CRLF for tty sessions on pipes", () =>
    Effect.gen(function*() {
      const { fake, manager } = yield* setup()
      const fiber = yield* Effect.fork(manager.execCommand(exec({ cmd: "cat", tty: true, yieldTimeMs: 10 })))
      yield* awaitSleeps(1)
      yield* TestClock.adjust("10 millis")
      yield* Fiber.join(fiber)
      const poll = yield* Effect.fork(manager.writeStdin({ sessionId: 1000, chars: "abc\n", yieldTimeMs: 100 }))
      yield* awaitSleeps(1)
      yield* (yield* fake.last).emit("abc\n")
      yield* TestClock.adjust("100 millis")
      expect((yield* Fiber.join(poll)).endsWith("Output:\nabc\r\nabc\n")).toBe(true)
    }).pipe(Effect.provide(fakeFs)))

  it.scoped("never shows half a character while the process runs", () =>
    Effect.gen(function*() {
      const euro = new TextEncoder().encode("\u20ac")
      const { fake, manager } = yield* setup()
      const fiber = yield* Effect.fork(manager.execCommand(exec({ cmd: "print", yieldTimeMs: 10 })))
      yield* awaitSleeps(1)
      yield* (yield* fake.last).emit(new Uint8Array([0x61, euro[0]!]))
      yield* TestClock.adjust("10 millis")
      expect((yield* Fiber.join(fiber)).endsWith("Output:\na")).toBe(true)
      yield* (yield* fake.last).emit(euro.subarray(1))
      yield* (yield* fake.last).exit(0)
      expect((yield* manager.writeStdin({ sessionId: 1000, chars: "", yieldTimeMs: 10 })).endsWith("Output:\n\u20ac")).toBe(true)
    }).pipe(Effect.provide(fakeFs)))

  it.scoped("truncates to the token budget and counts the original tokens", () =>
    Effect.gen(function*() {
      const text = Array.from({ length: 3000 }, (_, i) => `${i + 1}\n`).join("")
      const { manager } = yield* setup((p) => p.emit(text).pipe(Effect.zipRight(p.exit(0))))
      const result = yield* manager.execCommand(exec({ cmd: "seq 1 3000", maxOutputTokens: 20 }))
      expect(result).toContain("Original token count: 3474\nOutput:\nTotal output lines: 3000\n\n1\n2\n")
      expect(result).toContain("\u20263454 tokens truncated\u2026")
      expect(result.endsWith("2999\n3000\n")).toBe(true)
      const none = yield* manager.execCommand(exec({ cmd: "seq 1 3000", maxOutputTokens: -5 }))
      expect(none.endsWith("Output:\nTotal output lines: 3000\n\n\u20263474 tokens truncated\u2026")).toBe(true)
    }).pipe(Effect.provide(fakeFs)))

  it.effect("terminates every running process when its scope closes", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const { fake, manager } = yield* setup((p) => (p.request.argv[2] === "quick" ? p.exit(0) : Effect.void)).pipe(Scope.extend(scope))
      for (const cmd of ["a", "b", "quick"]) {
        const fiber = yield* Effect.fork(manager.execCommand(exec({ cmd, yieldTimeMs: 5 })))
        yield* awaitSleeps(1).pipe(Effect.when(() => cmd !== "quick"))
        yield* TestClock.adjust("5 millis")
        yield* Fiber.join(fiber)
      }
      expect(yield* manager.sessionIds).toEqual([1000, 1001])
      yield* Scope.close(scope, Exit.void)
      const killed = yield* Effect.forEach(yield* Ref.get(fake.processes), (p) => Ref.get(p.killed))
      expect(killed).toEqual([true, true, false])
    }).pipe(Effect.provide(fakeFs)))
})

