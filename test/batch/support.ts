/** Shared set-up for batch tests: a scripted server that answers per task, a Codex home, and result readers. */
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect } from "effect"
import * as NodeFs from "node:fs"
import * as FakeResponsesServer from "../support/FakeResponsesServer.js"

type InputItem = { readonly type?: string; readonly role?: string; readonly content?: ReadonlyArray<{ readonly text?: string }> }

const inputOf = (request: FakeResponsesServer.FakeRequest): ReadonlyArray<InputItem> =>
  ((request.body as { input?: ReadonlyArray<InputItem> } | null)?.input ?? [])

/** The task a request belongs to: its prompt is `task <id>` (with words after it). */
export const taskOf = (request: FakeResponsesServer.FakeRequest): string | undefined => {
  const user = inputOf(request).filter((item) => item.role === "user").at(-1)?.content?.[0]?.text ?? ""
  return /task ([^\s:,]+)/.exec(user)?.[1]
}

/**
 * Answers every task with one command round (`sleep`, when the prompt says `sleep N`; `wait FILE`
 * runs a command that ends only once FILE exists in the task's folder; `hang` makes the model never
 * answer) and then `done <id>`, with a fixed usage per response.
 */
export const perTaskScript: FakeResponsesServer.FakeScript = {
  turns: (request) => {
    const id = taskOf(request) ?? "unknown"
    const prompt = inputOf(request).filter((item) => item.role === "user").at(-1)?.content?.[0]?.text ?? ""
    if (prompt.includes("hang")) return { type: "hang" }
    const answered = inputOf(request).some((item) => item.type === "function_call_output")
    const usage = { input_tokens: 100, output_tokens: 10, total_tokens: 110 }
    const gate = /wait (\S+)/.exec(prompt)?.[1]
    if (answered || (!prompt.includes("sleep") && gate === undefined)) return { type: "message", text: `done ${id}`, usage }
    if (gate !== undefined) {
      const cmd = `while [ ! -e '${gate}' ]; do sleep 0.1; done; pwd`
      return { type: "function_calls", calls: [{ name: "exec_command", call_id: `call_${id}`, arguments: { cmd, yield_time_ms: 600000 } }], usage }
    }
    const seconds = /sleep (\S+)/.exec(prompt)?.[1] ?? "0"
    const cmd = `sleep ${seconds}; pwd; cat marker.txt 2>/dev/null || true`
    return { type: "function_calls", calls: [{ name: "exec_command", call_id: `call_${id}`, arguments: { cmd, yield_time_ms: 10000 } }], usage }
  }
}

export const KEY_VARIABLE = "TSCODEX_BATCH_KEY"

/** A scripted server and a Codex home pointing at it; both live as long as the Scope. */
export const setup = (script: FakeResponsesServer.FakeScriptInput = perTaskScript) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const server = yield* FakeResponsesServer.make(script)
    const home = NodeFs.realpathSync(yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-batch-home-" }))
    const work = NodeFs.realpathSync(yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-batch-work-" }))
    yield* fs.writeFileString(
      `${home}/config.toml`,
      `model = "gpt-5.5"\nmodel_provider = "fake"\n[model_providers.fake]\nname = "Fake"\nbase_url = "${server.url}"\nenv_key = "${KEY_VARIABLE}"\n`
    )
    const env = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: home,
      CODEX_HOME: home,
      [KEY_VARIABLE]: "test-key",
      SHELL: "/bin/bash",
      TZ: "Etc/UTC"
    }
    const posts = Effect.map(server.requests, (all) => all.filter((r) => r.method === "POST"))
    return { home, work, env, posts, url: server.url }
  })

/** Writes a task file from objects. */
export const writeTasks = (path: string, tasks: ReadonlyArray<Record<string, unknown>>) =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => fs.writeFileString(path, tasks.map((t) => JSON.stringify(t)).join("\n") + "\n"))

/** The lines of results.jsonl, parsed (a missing file has none). */
export const readResults = (path: string) =>
  Effect.flatMap(FileSystem.FileSystem, (fs) =>
    fs.readFileString(path).pipe(
      Effect.orElseSucceed(() => ""),
      Effect.map((text) =>
        text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as Record<string, unknown> & { id: string; status: string; attempt: number })
      )
    ))
