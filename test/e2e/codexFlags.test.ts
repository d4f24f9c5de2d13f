/** Codex's everyday flags on the root command (-m, -c, -C, -i, -o, -s, -a) through the built CLI. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { inputOf, setup } from "./support.js"

// A 1x1 PNG.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64")

describe("tscodex with Codex's flags", () => {
  it.scopedLive("-m, -c, -C, -i and -o reach the request and the files", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const h = yield* setup([{ type: "message", text: "It is a pixel." }], (url) =>
        ['model = "gpt-5.5"', 'model_provider = "fake"', "[model_providers.fake]", 'base_url = "http://127.0.0.1:9/v1"', 'env_key = "TSCODEX_E2E_KEY"', `# ${url}`].join("\n"))
      const sub = `${h.workspace}/sub`
      yield* fs.makeDirectory(sub)
      yield* fs.writeFile(`${sub}/dot.png`, PNG)
      const run = yield* h.cli([
        "-m", "gpt-5.4",
        "-c", `model_providers.fake.base_url="${h.url}"`,
        "-c", "model_reasoning_effort=low",
        "-C", "sub",
        "-i", "dot.png",
        "-o", `${h.workspace}/last.txt`,
        "-s", "danger-full-access",
        "-a", "never",
        "what", "is", "this?"
      ])
      expect(run).toEqual({ stdout: "It is a pixel.\n", stderr: "", exitCode: 0 })
      const [request] = yield* h.posts
      const body = request?.body as { model: string; reasoning?: { effort?: string } }
      expect(body.model).toBe("gpt-5.4")
      expect(body.reasoning?.effort).toBe("low")
      const user = inputOf(request).filter((item) => item.role === "user").at(-1)
      expect(user?.content).toEqual([
        { type: "input_image", image_url: `data:image/png;base64,${PNG.toString("base64")}` },
        { type: "input_text", text: "what is this?" }
      ])
      const environment = inputOf(request).map((item) => JSON.stringify(item)).find((text) => text.includes("<cwd>"))
      expect(environment).toContain(`<cwd>${sub}</cwd>`)
      expect(yield* fs.readFileString(`${h.workspace}/last.txt`)).toBe("It is a pixel.")
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("bad overrides and a missing image are clear errors, with nothing sent", () =>
    Effect.gen(function* () {
      const h = yield* setup([{ type: "message", text: "unused" }])
      // On the root command a value that is not `key=value` is the config file, as it always was.
      const path = yield* h.cli(["-c", "model", "hi"])
      expect(path.exitCode).toBe(1)
      expect(path.stderr).toMatch(/^Error: .*model: config file not found\n$/)
      const badMode = yield* h.cli(["-s", "sometimes", "hi"])
      expect(badMode.exitCode).toBe(2)
      expect(badMode.stderr).toContain("argument --sandbox: invalid choice: 'sometimes'")
      const image = yield* h.cli(["-i", "missing.png", "hi"])
      expect(image.exitCode).toBe(1)
      expect(image.stderr).toMatch(/^Error: cannot read image missing\.png/)
      const cd = yield* h.cli(["-C", "nowhere", "hi"])
      expect(cd.exitCode).toBe(1)
      expect(cd.stderr).toMatch(/^Error: cannot use nowhere as the working directory/)
      expect(yield* h.posts).toEqual([])
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scopedLive("--progress codex gives the root command the sectioned progress of tscodex exec", () =>
    Effect.gen(function* () {
      const h = yield* setup([{ type: "message", text: "Hi!", usage: { input_tokens: 10, output_tokens: 5, total_tokens: 15 } }])
      const run = yield* h.cli(["--progress", "codex", "say", "hi"])
      expect(run.stdout).toBe("Hi!\n")
      const lines = run.stderr.split("\n")
      expect(lines).toContain(`workdir: ${h.workspace}`)
      expect(lines).toContain("model: gpt-5.5")
      expect(lines.slice(lines.indexOf("user"))).toEqual(["user", "say hi", "codex", "Hi!", "tokens used", "15", ""])
    }).pipe(Effect.provide(NodeContext.layer)))
})
