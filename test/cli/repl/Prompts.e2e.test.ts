/** The built CLI on a real pseudo-terminal (tmux) answering the model's questions: command approvals (yes / no / always) and request_user_input. Skipped without tmux. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFileSync, spawnSync } from "node:child_process"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { bubblewrap } from "../../support/Bubblewrap.js"
import { CLI_PATH } from "../../support/Cli.js"
import type { FakeTurn } from "../../support/FakeResponsesServer.js"
import { defaultConfig, inputOf, KEY_VARIABLE, setup } from "../../e2e/support.js"

const hasTmux = spawnSync("tmux", ["-V"]).status === 0
/** Each test gets its own tmux server, so one test's teardown cannot meet the next one's start. */
let sessions = 0
let socket = ""
const tmux = (...args: ReadonlyArray<string>) =>
  Effect.try({
    try: () => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }),
    catch: (error) => new Error(`tmux ${args[0]} failed: ${String((error as { stderr?: unknown }).stderr ?? error)}`)
  })

/** The screen; an empty one while tmux cannot answer (it is still starting). */
const capture = tmux("capture-pane", "-p", "-S", "-300", "-t", "repl").pipe(Effect.orElseSucceed(() => ""))

/** Polls the screen (100 ms apart, 20 s at most) until `check` accepts it. */
const screenUntil = (check: (screen: string) => boolean, what: string) =>
  Effect.gen(function* () {
    for (let i = 0; i < 200; i++) {
      const screen = yield* capture
      if (check(screen)) return screen
      yield* Effect.sleep("100 millis")
    }
    return yield* Effect.dieMessage(`timed out waiting for ${what}; screen:\n${yield* capture}`)
  })

const count = (screen: string, text: string) => screen.split(text).length - 1

/** Starts the CLI in a tmux session (ended with the Scope) with `flags`, in the harness's workspace. */
const startCli = (h: { readonly home: string; readonly workspace: string; readonly configPath: string }, flags: string, extraEnv = "") =>
  Effect.gen(function* () {
    const env = `CODEX_HOME='${h.home}' ${KEY_VARIABLE}=test-key TSCODEX_NO_COLOR=1 TERM=xterm SHELL=/bin/bash ${extraEnv}`
    socket = `tscodex-prompts-test-${process.pid}-${++sessions}`
    const command = `cd '${h.workspace}' && env ${env} '${process.execPath}' '${CLI_PATH}' --config '${h.configPath}' ${flags}; echo EXIT=$?; sleep 30`
    yield* Effect.acquireRelease(
      tmux("new-session", "-d", "-s", "repl", "-x", "160", "-y", "60", command),
      () => tmux("kill-server").pipe(Effect.ignore)
    )
    yield* screenUntil((s) => s.includes("tscodex interactive mode. Type /exit to quit."), "the banner")
  })

const say = (text: string) => tmux("send-keys", "-t", "repl", text, "Enter")

const execCall = (id: string, cmd: string): FakeTurn => ({
  type: "function_calls",
  calls: [{ name: "exec_command", call_id: id, arguments: { cmd, yield_time_ms: 2000 } }]
})

/** The output the model received for `callId`, from the request that carried it. */
const outputFor = (posts: ReadonlyArray<Parameters<typeof inputOf>[0]>, callId: string) =>
  posts.flatMap((post) => inputOf(post)).find((item) => item.type === "function_call_output" && (item as { call_id?: string }).call_id === callId) as
    | { readonly output?: unknown }
    | undefined

describe.skipIf(!hasTmux)(`answering the model on a terminal${hasTmux ? "" : " (skipped: needs tmux on PATH)"}`, () => {
  it.scopedLive("approval prompt: yes runs the command, no tells the model it was refused, always is not asked again", () =>
    Effect.gen(function* () {
      const h = yield* setup([
        execCall("call_yes", "touch yes.txt"),
        { type: "message", text: "DONE-YES" },
        execCall("call_no", "touch no.txt"),
        { type: "message", text: "DONE-NO" },
        execCall("call_always1", "touch always.txt"),
        { type: "message", text: "DONE-ALWAYS1" },
        execCall("call_always2", "touch always.txt"),
        { type: "message", text: "DONE-ALWAYS2" }
      ])
      yield* startCli(h, "-a untrusted")
      const file = (name: string) => NodeFs.existsSync(NodePath.join(h.workspace, name))

      yield* say("make yes")
      let screen = yield* screenUntil((s) => s.includes("approve>"), "the first approval prompt")
      expect(screen).toContain("Command: /bin/bash -lc 'touch yes.txt'")
      expect(screen).toContain(`Cwd: ${h.workspace}`)
      expect(screen).toContain("Choose: [y] yes / [n] no / [a] always for this session")
      yield* say("y")
      yield* screenUntil((s) => s.includes("assistant> DONE-YES"), "the first answer")
      expect(file("yes.txt")).toBe(true)

      yield* say("make no")
      yield* screenUntil((s) => count(s, "Choose: [y] yes") === 2 && s.trimEnd().endsWith("approve>"), "the second approval prompt")
      yield* say("n")
      yield* screenUntil((s) => s.includes("assistant> DONE-NO"), "the second answer")
      expect(file("no.txt")).toBe(false)

      yield* say("make always")
      yield* screenUntil((s) => count(s, "Choose: [y] yes") === 3 && s.trimEnd().endsWith("approve>"), "the third approval prompt")
      yield* say("a")
      yield* screenUntil((s) => s.includes("assistant> DONE-ALWAYS1"), "the third answer")
      yield* say("make always again")
      screen = yield* screenUntil((s) => s.includes("assistant> DONE-ALWAYS2"), "the fourth answer")
      expect(count(screen, "Choose: [y] yes")).toBe(3)
      expect(file("always.txt")).toBe(true)

      yield* say("/exit")
      yield* screenUntil((s) => s.includes("EXIT=0"), "the end of the program")
      const posts = yield* h.posts
      expect(String(outputFor(posts, "call_no")?.output)).toBe("exec command rejected by user")
      expect(String(outputFor(posts, "call_yes")?.output)).toContain("Process exited with code 0")
      expect(String(outputFor(posts, "call_always2")?.output)).toContain("Process exited with code 0")
    }).pipe(Effect.provide(NodeContext.layer)), 60_000)

  it.scopedLive("Ctrl-C at the approval prompt stops the turn: the command does not run and the session goes on", () =>
    Effect.gen(function* () {
      const h = yield* setup([
        execCall("call_stop", "touch stopped.txt"),
        { type: "message", text: "AFTER" }
      ])
      yield* startCli(h, "-a untrusted")
      yield* say("stop me")
      yield* screenUntil((s) => s.includes("approve>"), "the approval prompt")
      yield* tmux("send-keys", "-t", "repl", "C-c")
      yield* screenUntil((s) => s.includes("Conversation interrupted"), "the interrupt")
      yield* say("next")
      yield* screenUntil((s) => s.includes("assistant> AFTER"), "the next answer")
      expect(NodeFs.existsSync(NodePath.join(h.workspace, "stopped.txt"))).toBe(false)
      yield* say("/exit")
      yield* screenUntil((s) => s.includes("EXIT=0"), "the end of the program")
    }).pipe(Effect.provide(NodeContext.layer)), 60_000)

  it.scopedLive("on-request: the model's escalation request shows its justification and, approved, runs outside the sandbox", () =>
    Effect.gen(function* () {
      const h = yield* setup([
        {
          type: "function_calls",
          calls: [{
            name: "exec_command",
            call_id: "call_up",
            arguments: { cmd: "touch escalated.txt", sandbox_permissions: "require_escalated", justification: "Do you allow writing escalated.txt?" }
          }]
        },
        { type: "message", text: "DONE-UP" }
      ])
      yield* startCli(h, "-s read-only -a on-request")
      yield* say("escalate")
      const screen = yield* screenUntil((s) => s.includes("approve>"), "the escalation question")
      expect(screen).toContain("[approval] the model asks to run this command without the sandbox")
      expect(screen).toContain("Justification: Do you allow writing escalated.txt?")
      yield* say("y")
      yield* screenUntil((s) => s.includes("assistant> DONE-UP"), "the answer")
      expect(NodeFs.existsSync(NodePath.join(h.workspace, "escalated.txt"))).toBe(true)
      yield* say("/exit")
      yield* screenUntil((s) => s.includes("EXIT=0"), "the end of the program")
    }).pipe(Effect.provide(NodeContext.layer)), 60_000)

  it.scopedLive.skipIf("skip" in bubblewrap)(
    `on-failure in a real read-only sandbox: the refused write is offered again without the sandbox${"skip" in bubblewrap ? ` (skipped: ${bubblewrap.skip})` : ""}`,
    () =>
      Effect.gen(function* () {
        const h = yield* setup([
          execCall("call_ro", "touch rerun.txt"),
          { type: "message", text: "DONE-RERUN" }
        ])
        yield* startCli(h, "-s read-only -a on-failure")
        yield* say("write it")
        const screen = yield* screenUntil((s) => s.includes("approve>"), "the rerun question")
        expect(screen).toContain("[approval] the command failed in the sandbox; run it again without the sandbox?")
        expect(NodeFs.existsSync(NodePath.join(h.workspace, "rerun.txt"))).toBe(false)
        yield* say("y")
        yield* screenUntil((s) => s.includes("assistant> DONE-RERUN"), "the answer")
        expect(NodeFs.existsSync(NodePath.join(h.workspace, "rerun.txt"))).toBe(true)
        yield* say("/exit")
        yield* screenUntil((s) => s.includes("EXIT=0"), "the end of the program")
      }).pipe(Effect.provide(NodeContext.layer)),
    60_000
  )

  it.scopedLive("request_user_input: numbered options answered by number, and free text after 0 (Other)", () =>
    Effect.gen(function* () {
      const question = (id: string) => ({
        type: "function_calls" as const,
        calls: [{
          name: "request_user_input",
          call_id: id,
          arguments: {
            questions: [{
              id: "pick",
              header: "Choose",
              question: "Which database?",
              options: [{ label: "Postgres (Recommended)", description: "Battle tested" }, { label: "SQLite", description: "One file" }]
            }]
          }
        }]
      })
      const h = yield* setup(
        [question("call_1"), { type: "message", text: "DONE-1" }, question("call_2"), { type: "message", text: "DONE-2" }],
        (url) => `collaboration_mode = "plan"\n${defaultConfig(url)}`
      )
      yield* startCli(h, "")
      yield* say("ask me")
      const screen = yield* screenUntil((s) => s.includes("answer>"), "the question")
      expect(screen).toContain("[request_user_input] waiting for user response")
      expect(screen).toContain("[Choose] Which database?")
      expect(screen).toContain("  1. Postgres (Recommended) - Battle tested")
      expect(screen).toContain("  2. SQLite - One file")
      expect(screen).toContain("  0. Other")
      yield* say("2")
      yield* screenUntil((s) => s.includes("assistant> DONE-1"), "the first answer")
      yield* say("ask again")
      yield* screenUntil((s) => count(s, "  0. Other") === 2 && s.trimEnd().endsWith("answer>"), "the second question")
      yield* say("0")
      yield* screenUntil((s) => s.trimEnd().endsWith("other>"), "the free-text prompt")
      yield* say("DuckDB please")
      yield* screenUntil((s) => s.includes("assistant> DONE-2"), "the second answer")
      yield* say("/exit")
      yield* screenUntil((s) => s.includes("EXIT=0"), "the end of the program")
      const posts = yield* h.posts
      expect(outputFor(posts, "call_1")?.output).toBe("{\"answers\":{\"pick\":{\"answers\":[\"SQLite\"]}}}")
      expect(outputFor(posts, "call_2")?.output).toBe("{\"answers\":{\"pick\":{\"answers\":[\"DuckDB please\"]}}}")
    }).pipe(Effect.provide(NodeContext.layer)), 60_000)

  it.scopedLive("unanswered questions time out (TSCODEX_QUESTION_TIMEOUT_SECONDS): a question is cancelled, an approval is no", () =>
    Effect.gen(function* () {
      const h = yield* setup(
        [
          {
            type: "function_calls",
            calls: [{
              name: "request_user_input",
              call_id: "call_q",
              arguments: { questions: [{ id: "pick", header: "Pick", question: "Which?", options: [{ label: "A", description: "a" }] }] }
            }]
          },
          { type: "message", text: "DONE-Q" },
          execCall("call_cmd", "touch late.txt"),
          { type: "message", text: "DONE-CMD" }
        ],
        (url) => `collaboration_mode = "plan"\n${defaultConfig(url)}`
      )
      yield* startCli(h, "-a untrusted", "TSCODEX_QUESTION_TIMEOUT_SECONDS=1")
      yield* say("ask")
      yield* screenUntil((s) => s.includes("answer>"), "the question")
      yield* screenUntil((s) => s.includes("assistant> DONE-Q"), "the answer after the timeout")
      yield* say("run")
      yield* screenUntil((s) => s.includes("approve>"), "the approval prompt")
      const screen = yield* screenUntil((s) => s.includes("assistant> DONE-CMD"), "the answer after the approval timeout")
      expect(screen).toContain("Denied.")
      expect(NodeFs.existsSync(NodePath.join(h.workspace, "late.txt"))).toBe(false)
      yield* say("/exit")
      yield* screenUntil((s) => s.includes("EXIT=0"), "the end of the program")
      const posts = yield* h.posts
      expect(outputFor(posts, "call_q")?.output).toBe("request_user_input was cancelled before receiving a response")
      expect(outputFor(posts, "call_cmd")?.output).toBe("exec command rejected by user")
    }).pipe(Effect.provide(NodeContext.layer)), 60_000)
})
