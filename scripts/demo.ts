/**
 * The demo: starts the project's scripted Responses server on 127.0.0.1 and runs one real turn
 * through the built CLI. The scripted model asks for a shell command, the exec_command tool runs
 * it, and the model answers; no API key or network needed.
 */
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { startFakeResponsesServer } from "../test/support/FakeResponsesServer.js"

const cli = resolve(import.meta.dirname, "../dist/tscodex.js")
const home = mkdtempSync(join(tmpdir(), "tscodex-demo-"))

const server = await startFakeResponsesServer({
  turns: [
    {
      type: "function_calls",
      text: "I will run the command first.",
      calls: [{ name: "exec_command", call_id: "call_demo_1", arguments: { cmd: "echo 'hello from tscodex'", yield_time_ms: 2000 } }],
      usage: { input_tokens: 900, output_tokens: 40, total_tokens: 940 }
    },
    { type: "message", text: "The command printed: hello from tscodex", deltas: 8, usage: { input_tokens: 1000, output_tokens: 12, total_tokens: 1012 } }
  ]
})

writeFileSync(
  join(home, "config.toml"),
  [
    'model = "gpt-5.5"',
    'model_provider = "demo"',
    'approval_policy = "never"',
    'sandbox_mode = "danger-full-access"',
    "",
    "[model_providers.demo]",
    'name = "Scripted demo server"',
    `base_url = "${server.url}"`,
    'env_key = "TSCODEX_DEMO_KEY"',
    ""
  ].join("\n")
)

const prompt = "Run `echo 'hello from tscodex'` and tell me what it printed."
console.log(`$ tscodex ${JSON.stringify(prompt)}   (CODEX_HOME=${home})`)
const exitCode = await new Promise<number>((done) => {
  const child = spawn(process.execPath, [cli, prompt], {
    env: { ...process.env, CODEX_HOME: home, TSCODEX_DEMO_KEY: "demo-key" },
    stdio: ["ignore", "inherit", "inherit"]
  })
  child.on("exit", (code) => done(code ?? 1))
})

const requests = server.requests().filter((r) => r.method === "POST")
console.log(`\nThe scripted server received ${requests.length} model requests.`)
const second = requests[1]?.body as { input?: ReadonlyArray<Record<string, unknown>> } | undefined
const output = second?.input?.find((item) => item.type === "function_call_output")
if (output !== undefined) console.log("What the tool sent back to the model:\n" + String(output.output))
await server.close()
rmSync(home, { recursive: true, force: true })
process.exitCode = exitCode
