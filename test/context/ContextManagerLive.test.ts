/** Tests of ContextManagerLive: where the instructions come from, and what each prompt carries. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { expect, layer } from "@effect/vitest"
import { Effect, Option, Ref, TestClock } from "effect"
import * as ConfigLoader from "../../src/config/ConfigLoader.js"
import * as Environment from "../../src/config/Environment.js"
import * as AgentsMd from "../../src/context/AgentsMd.js"
import * as ContextManagerLive from "../../src/context/ContextManagerLive.js"
import { assistantMessage, userMessage } from "../../src/protocol/Items.js"
import { manager, texts, tempDir, writeTree } from "./support.js"

const skill = (name: string, description: string) =>
  `---\nname: "${name}"\ndescription: '${description}'\n---\n\n# ${name}\n`

const noWorkspace = () => Effect.succeed(Option.none())

layer(NodeContext.layer)("ContextManagerLive base instructions", (it) => {
  it.scoped("override > base_instructions > model_instructions_file > catalog > default", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      yield* writeTree(dir, { "model.md": "from model file\n" })
      const file = `${dir}/model.md`
      const opts = { cwd: dir, workspaceProbe: noWorkspace }
      const all = { codexHome: dir, baseInstructions: "from config", modelInstructionsFile: file }
      expect(yield* (yield* manager({ ...opts, baseInstructionsOverride: "from override" }, all)).baseInstructions)
        .toBe("from override")
      expect(yield* (yield* manager({ ...opts, baseInstructionsOverride: "   " }, all)).baseInstructions).toBe("from config")
      expect(yield* (yield* manager(opts, { codexHome: dir, modelInstructionsFile: file, model: "gpt-5.4" })).baseInstructions)
        .toBe("from model file")
      const catalog = yield* (yield* manager(opts, { codexHome: dir, model: "gpt-5.4", personality: "pragmatic" })).baseInstructions
      expect(catalog.startsWith("You are Codex, a coding agent based on GPT-5.")).toBe(true)
      expect(catalog).toContain("You are a deeply pragmatic, effective software engineer.")
      const fallback = yield* (yield* manager(opts, { codexHome: dir, model: "demo-model" })).baseInstructions
      expect(fallback).toContain("Always use apply_patch for manual code edits.")
      expect(fallback).not.toContain("{{")
      expect(fallback).not.toContain("GPT-5")
    }))

  it.scoped("an empty instructions file gives empty instructions; the file is read for every prompt", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      yield* writeTree(dir, { "model.md": "  \n" })
      const context = yield* manager(
        { cwd: dir, workspaceProbe: noWorkspace },
        { codexHome: dir, modelInstructionsFile: `${dir}/model.md`, model: "gpt-5.4" }
      )
      expect(yield* context.baseInstructions).toBe("")
      yield* writeTree(dir, { "model.md": "changed" })
      const prompt = yield* context.buildPrompt({ history: [], tools: [], parallelToolCalls: false, turnId: "t" })
      expect(prompt.baseInstructions).toBe("changed")
    }))

  it.scoped("a missing model_instructions_file fails the prompt with its path", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const context = yield* manager(
        { cwd: dir, workspaceProbe: noWorkspace },
        { codexHome: dir, modelInstructionsFile: `${dir}/absent.md` }
      )
      const error = yield* Effect.flip(context.buildPrompt({ history: [], tools: [], parallelToolCalls: false, turnId: "t" }))
      expect(error._tag).toBe("ContextError")
      expect(error.reason).toBe("InstructionsFile")
      expect(error.message).toBe(`model_instructions_file not found: ${dir}/absent.md`)
    }))
})

layer(NodeContext.layer)("ContextManagerLive settings", (it) => {
  it.scoped("an unknown sandbox_mode is refused when the manager is built", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const error = yield* Effect.flip(manager({ cwd: dir, workspaceProbe: noWorkspace }, { codexHome: dir, sandboxMode: "yolo" }))
      expect(error.reason).toBe("InvalidSetting")
      expect(error.message).toContain("unknown sandbox_mode \"yolo\"")
    }))

  it.scoped("an unknown approval_policy leaves the permissions section out", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const context = yield* manager(
        { cwd: dir, workspaceProbe: noWorkspace, includeSkillsInstructions: false },
        { codexHome: dir, approvalPolicy: "bogus", developerInstructions: "dev" }
      )
      expect(yield* context.developerSections).toEqual(["dev"])
    }))

  it.scoped("a working directory that does not exist is a clear error", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const error = yield* Effect.flip(manager({ cwd: `${dir}/gone`, workspaceProbe: noWorkspace }, { codexHome: dir }))
      expect(error.message).toContain(`working directory ${dir}/gone cannot be used`)
    }))

  it.scoped("window and auto-compact limit come from config, then the catalog", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const opts = { cwd: dir, workspaceProbe: noWorkspace }
      const catalog = yield* manager(opts, { codexHome: dir, model: "gpt-5.4" })
      expect([catalog.contextWindow, catalog.autoCompactTokenLimit]).toEqual([258400, undefined])
      const configured = yield* manager(opts, {
        codexHome: dir,
        model: "gpt-oss-20b",
        modelContextWindow: 50000,
        modelAutoCompactTokenLimit: 12345
      })
      expect([configured.contextWindow, configured.autoCompactTokenLimit]).toEqual([47500, 12345])
      const unknown = yield* manager(opts, { codexHome: dir, model: "demo-model" })
      expect([unknown.contextWindow, unknown.autoCompactTokenLimit]).toEqual([undefined, undefined])
      expect(unknown.collaborationMode).toBe("default")
      expect((yield* manager({ ...opts, collaborationMode: "Plan" }, { codexHome: dir })).collaborationMode).toBe("plan")
      expect((yield* manager(opts, { codexHome: dir, collaborationMode: "plan" })).collaborationMode).toBe("plan")
    }))
})

layer(NodeContext.layer)("ContextManagerLive prompts", (it) => {
  it.scoped("official-style context: permissions, developer, collaboration, skills, AGENTS chain, environment", () =>
    Effect.gen(function* () {
      const root = yield* tempDir
      const home = `${root}/home`
      const repo = `${root}/repo`
      yield* writeTree(home, {
        "AGENTS.md": "global rules\n",
        "skills/alpha/SKILL.md": skill("alpha", "Alpha skill description."),
        "skills/.system/omega/SKILL.md": skill("omega", "Omega skill description.")
      })
      yield* writeTree(repo, {
        ".git/HEAD": "ref: refs/heads/main\n",
        "AGENTS.md": "root project rules\n",
        "pkg/AGENTS.md": "nested default rules\n",
        "pkg/AGENTS.override.md": "nested override rules\n"
      })
      const nested = `${repo}/pkg`
      yield* TestClock.setTime(Date.UTC(2026, 10, 23, 20, 0, 0))
      const context = yield* manager(
        {
          cwd: nested,
          baseInstructionsOverride: "override rules",
          includeCollaborationInstructions: true,
          workspaceProbe: noWorkspace
        },
        {
          codexHome: home,
          userInstructions: "config rules",
          developerInstructions: "developer rules",
          baseInstructions: "base rules",
          projectDocMaxBytes: 1024,
          approvalPolicy: "never",
          sandboxMode: "danger-full-access"
        },
        { SHELL: "/bin/zsh", TZ: "Asia/Hong_Kong" }
      )
      const prompt = yield* context.buildPrompt({
        history: [userMessage("hello")],
        tools: [],
        parallelToolCalls: true,
        turnId: "turn-1"
      })
      expect(prompt.baseInstructions).toBe("override rules")
      expect(prompt.input.map((item) => item._tag)).toEqual(["ContextMessage", "ContextMessage", "UserMessage"])
      const [developer, contextual] = prompt.input
      expect(developer?._tag === "ContextMessage" && developer.role).toBe("developer")
      expect(contextual?._tag === "ContextMessage" && contextual.role).toBe("user")

      const dev = texts(developer)
      expect(dev).toHaveLength(4)
      expect(dev[0]!.startsWith("<permissions instructions>\n")).toBe(true)
      expect(dev[0]!.endsWith("\n</permissions instructions>")).toBe(true)
      expect(dev[0]).toContain("Approval policy is currently never.")
      expect(dev[1]).toBe("developer rules")
      expect(dev[2]!.startsWith("<collaboration_mode># Collaboration Mode: Default")).toBe(true)
      expect(dev[2]).toContain("Known mode names are Default and Plan.")
      expect(dev[2]).toContain("The `request_user_input` tool is unavailable in Default mode.")
      expect(dev[2]!.endsWith("Never write a multiple choice question as a textual assistant message.\n</collaboration_mode>"))
        .toBe(true)
      expect(dev[3]!.startsWith("<skills_instructions>")).toBe(true)
      expect(dev[3]).toContain(`- alpha: Alpha skill description. (file: ${home}/skills/alpha/SKILL.md)`)
      expect(dev[3]).toContain(`- omega: Omega skill description. (file: ${home}/skills/.system/omega/SKILL.md)`)
      expect(dev[3]!.indexOf("- alpha:")).toBeLessThan(dev[3]!.indexOf("- omega:"))

      const ctx = texts(contextual)
      expect(ctx).toHaveLength(2)
      expect(ctx[0]).toBe(AgentsMd.block(
        nested,
        "config rules\n\nglobal rules\n\n--- project-doc ---\n\nroot project rules\n\n\nnested override rules\n"
      ))
      expect(ctx[0]).not.toContain("nested default rules")
      expect(ctx[1]).toBe([
        "<environment_context>",
        `  <cwd>${nested}</cwd>`,
        "  <shell>zsh</shell>",
        "  <current_date>2026-11-24</current_date>",
        "  <timezone>Asia/Hong_Kong</timezone>",
        "</environment_context>"
      ].join("\n"))
      expect(prompt.turnId).toBe("turn-1")
      expect(prompt.turnMetadata).toEqual({ turn_id: "turn-1", sandbox: "none" })
      expect(prompt.parallelToolCalls).toBe(true)
    }))

  it.scoped("plan mode uses the plan text", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const context = yield* manager(
        { cwd: dir, includeCollaborationInstructions: true, includeSkillsInstructions: false, workspaceProbe: noWorkspace },
        { codexHome: dir, collaborationMode: "plan" }
      )
      const dev = yield* context.developerSections
      expect(dev).toHaveLength(2)
      expect(dev[1]!.startsWith("<collaboration_mode># Plan Mode (Conversational)")).toBe(true)
      expect(dev[1]).toContain("Strongly prefer using the `request_user_input` tool")
      expect(dev[1]!.endsWith("</collaboration_mode>")).toBe(true)
    }))

  it.scoped("sections can be switched off; a custom collaboration text and network value are used", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      yield* writeTree(dir, { "skills/a/SKILL.md": skill("a", "A.") })
      const opts = { cwd: dir, workspaceProbe: noWorkspace }
      const none = yield* manager({ ...opts, includePermissionsInstructions: false, includeSkillsInstructions: false }, {
        codexHome: dir
      })
      const prompt = yield* none.buildPrompt({ history: [], tools: [], parallelToolCalls: false, turnId: "t" })
      expect(prompt.input.map((i) => i._tag === "ContextMessage" && i.role)).toEqual(["user"])
      const custom = yield* manager(
        { ...opts, includeCollaborationInstructions: true, collaborationInstructions: "  be brief  ", networkAccess: "restricted" },
        { codexHome: dir, sandboxMode: "workspace-write" }
      )
      const dev = yield* custom.developerSections
      expect(dev[0]).toContain("Network access is restricted.")
      expect(dev[1]).toBe("<collaboration_mode>be brief\n</collaboration_mode>")
      expect(dev[2]).toContain("- a: A. (file: ")
      expect(yield* custom.turnMetadata("x")).toEqual({ turn_id: "x", sandbox: "workspace-write" })
    }))

  it.scoped("no AGENTS block without instructions; the history is passed through untouched", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const context = yield* manager(
        { cwd: dir, baseInstructionsOverride: "base rules", includeSkillsInstructions: false, workspaceProbe: noWorkspace },
        { codexHome: `${dir}/home`, developerInstructions: "developer rules", sandboxMode: "read-only" }
      )
      const history = [userMessage("hello"), assistantMessage("done")]
      const prompt = yield* context.buildPrompt({ history, tools: [], parallelToolCalls: false, turnId: "t1" })
      expect(prompt.input.slice(2)).toEqual(history)
      expect(texts(prompt.input[1])).toHaveLength(1)
      expect(texts(prompt.input[1])[0]!.startsWith("<environment_context>")).toBe(true)
      expect(history).toEqual([userMessage("hello"), assistantMessage("done")])
      expect(prompt.turnMetadata).toEqual({ turn_id: "t1", sandbox: "read-only" })
    }))
})

layer(NodeContext.layer)("ContextManagerLive turn metadata", (it) => {
  it.scoped("workspaces only for the first turn id ever seen, computed once", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const calls = yield* Ref.make(0)
      const workspace = { "/repo": { latest_git_commit_hash: "abc", has_changes: false } }
      const context = yield* manager(
        { cwd: dir, workspaceProbe: () => Effect.as(Ref.update(calls, (n) => n + 1), Option.some(workspace)) },
        { codexHome: dir }
      )
      const first = yield* context.turnMetadata("turn_a")
      const again = yield* context.turnMetadata("turn_a")
      const other = yield* context.turnMetadata("turn_b")
      expect(Object.keys(first)).toEqual(["turn_id", "workspaces", "sandbox"])
      expect(Object.keys(again)).toEqual(["turn_id", "workspaces", "sandbox"])
      expect(again.workspaces).toEqual(first.workspaces)
      expect(first).toEqual({ turn_id: "turn_a", workspaces: workspace, sandbox: "none" })
      expect(Object.keys(other)).toEqual(["turn_id", "sandbox"])
      expect(yield* Ref.get(calls)).toBe(1)
      const prompt = yield* context.buildPrompt({ history: [], tools: [], parallelToolCalls: false, turnId: "turn_a" })
      expect(prompt.turnMetadata).toEqual(first)
    }))

  it.scoped("nothing to report leaves workspaces out", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const context = yield* manager({ cwd: dir, workspaceProbe: noWorkspace }, { codexHome: dir })
      expect(Object.keys(yield* context.turnMetadata("turn_a"))).toEqual(["turn_id", "sandbox"])
    }))
})

layer(NodeContext.layer)("ContextManagerLive over config.toml", (it) => {
  it.scoped("takes the auto-compact limit and instructions file from a config file", () =>
    Effect.gen(function* () {
      const home = yield* tempDir
      yield* writeTree(home, {
        "config.toml": [
          "model = \"demo-model\"",
          "model_provider = \"demo\"",
          "model_auto_compact_token_limit = 12345",
          "model_instructions_file = \"instructions.md\"",
          "",
          "[model_providers.demo]",
          "name = \"Demo\"",
          "base_url = \"http://127.0.0.1:9/v1\"",
          ""
        ].join("\n"),
        "instructions.md": "\nfrom the file next to config.toml\n"
      })
      const context = yield* ContextManagerLive.make({ cwd: home, workspaceProbe: noWorkspace }).pipe(
        Effect.provide(ConfigLoader.layer({ configPath: `${home}/config.toml` })),
        Effect.provide(Environment.layerValue({ HOME: home }))
      )
      expect(context.autoCompactTokenLimit).toBe(12345)
      expect(context.contextWindow).toBeUndefined()
      expect(yield* context.baseInstructions).toBe("from the file next to config.toml")
    }))
})
