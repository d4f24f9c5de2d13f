/** apply_patch under the sandbox policy: refused writes are refused before anything is written. */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { toolCall } from "../../src/protocol/Items.js"
import * as Sandbox from "../../src/sandbox/Sandbox.js"
import type * as SandboxPolicy from "../../src/sandbox/SandboxPolicy.js"
import * as ApplyPatch from "../../src/tools/ApplyPatch.js"
import type * as Tool from "../../src/tools/Tool.js"
import * as ToolRegistry from "../../src/tools/ToolRegistry.js"

const context: Tool.ToolContext = { turnId: "turn-1", history: [], collaborationMode: "default" }

const setup = (mode: SandboxPolicy.SandboxMode) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const root = NodeFs.realpathSync(yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-patch-sandbox-" }))
    NodeFs.mkdirSync(NodePath.join(root, ".git"))
    NodeFs.writeFileSync(NodePath.join(root, "kept.txt"), "old\n")
    const sandbox = Sandbox.make({
      settings: {
        requestedMode: mode,
        writableRoots: [],
        networkAccess: false,
        excludeTmpdirEnvVar: true,
        excludeSlashTmp: true,
        bwrapPath: undefined
      },
      cwd: root,
      tmpdir: undefined,
      availability: Sandbox.Availability.Available({ bwrap: "/usr/bin/bwrap" })
    })
    // The tool finds the policy in its context, as the CLI provides it.
    const tool = yield* ApplyPatch.make({ cwd: root }).pipe(Effect.provideService(Sandbox.Sandbox, sandbox))
    const registry = ToolRegistry.make([tool])
    const call = (input: string, turnId = context.turnId) =>
      registry.execute(toolCall("call_1", "apply_patch", input, "custom"), { ...context, turnId })
    return { root, call, sandbox }
  })

const patch = (...lines: ReadonlyArray<string>) => ["*** Begin Patch", ...lines, "*** End Patch"].join("\n")

describe("apply_patch and the sandbox policy", () => {
  it.scoped("read-only: nothing is written, not even the files before the refused one", () =>
    Effect.gen(function*() {
      const { call, root } = yield* setup("read-only")
      const result = yield* call(patch("*** Add File: new.txt", "+x", "*** Update File: kept.txt", "@@", "-old", "+new"))
      expect(result.output).toBe(
        "Exit code: 1\nWall time: 0 seconds\nOutput:\npatch rejected: writing is blocked by read-only sandbox; rejected by user approval settings"
      )
      expect(NodeFs.existsSync(NodePath.join(root, "new.txt"))).toBe(false)
      expect(NodeFs.readFileSync(NodePath.join(root, "kept.txt"), "utf8")).toBe("old\n")
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("read-only with the workspace granted for a turn: that turn may patch it, another may not", () =>
    Effect.gen(function*() {
      const { call, root, sandbox } = yield* setup("read-only")
      yield* sandbox.grant({ file_system: { write: [root] } }, "turn", "turn-1")
      const refused = yield* call(patch("*** Add File: other.txt", "+y"), "turn-2")
      expect(refused.output).toContain("writing is blocked by read-only sandbox")
      const ok = yield* call(patch("*** Add File: new.txt", "+x"))
      expect(ok.output).toContain("Exit code: 0")
      expect(NodeFs.readFileSync(NodePath.join(root, "new.txt"), "utf8")).toBe("x\n")
      expect(NodeFs.existsSync(NodePath.join(root, "other.txt"))).toBe(false)
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("workspace-write: the workspace is writable, its .git is not", () =>
    Effect.gen(function*() {
      const { call, root } = yield* setup("workspace-write")
      const ok = yield* call(patch("*** Add File: new.txt", "+x"))
      expect(ok.output).toContain("Success: A new.txt")
      const refused = yield* call(patch("*** Add File: a.txt", "+y", "*** Add File: .git/hooks/pre-commit", "+evil"))
      expect(refused.output).toContain(`patch rejected: ${root}/.git stays read-only in the workspace-write sandbox`)
      expect(NodeFs.existsSync(NodePath.join(root, "a.txt"))).toBe(false)
      expect(NodeFs.existsSync(NodePath.join(root, ".git", "hooks"))).toBe(false)
    }).pipe(Effect.provide(NodeFileSystem.layer)))
})
