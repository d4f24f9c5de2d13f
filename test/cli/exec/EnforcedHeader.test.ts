/** The one-shot progress header and the permissions text sent to the model both say what is enforced, and agree, in every sandbox case. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as HumanProgress from "../../../src/cli/progress/HumanProgress.js"
import { userMessage } from "../../../src/protocol/Items.js"
import * as Approvals from "../../../src/sandbox/Approvals.js"
import * as Sandbox from "../../../src/sandbox/Sandbox.js"
import type * as SandboxPolicy from "../../../src/sandbox/SandboxPolicy.js"
import { manager, tempDir, texts } from "../../context/support.js"

const sandboxOf = (cwd: string, requested: SandboxPolicy.SandboxMode | undefined, available: boolean) =>
  Sandbox.make({
    settings: { requestedMode: requested, writableRoots: [], networkAccess: false, excludeTmpdirEnvVar: true, excludeSlashTmp: false, bwrapPath: undefined },
    cwd,
    tmpdir: undefined,
    availability: available
      ? Sandbox.Availability.Available({ bwrap: "/usr/bin/bwrap" })
      : Sandbox.Availability.Unavailable({ reason: "bubblewrap (bwrap) was not found on PATH" })
  })

/** The sandbox mode the permissions text describes. */
const modeInText = (text: string): string => {
  if (text.includes("Filesystem sandboxing is set to workspace-write")) return "workspace-write"
  if (text.includes("Filesystem sandboxing is set to read-only")) return "read-only"
  if (text.includes("Filesystem sandboxing is disabled")) return "danger-full-access"
  return "unknown"
}

const CASES: ReadonlyArray<{
  readonly name: string
  readonly requested: SandboxPolicy.SandboxMode | undefined
  readonly configured: string | undefined
  readonly available: boolean
  readonly header: string
}> = [
  { name: "nothing asked, bubblewrap works", requested: undefined, configured: undefined, available: true, header: "workspace-write" },
  { name: "nothing asked, no bubblewrap", requested: undefined, configured: undefined, available: false, header: "danger-full-access (no sandbox available here)" },
  { name: "read-only asked, bubblewrap works", requested: "read-only", configured: "read-only", available: true, header: "read-only" },
  {
    name: "workspace-write asked, no bubblewrap",
    requested: "workspace-write",
    configured: "workspace-write",
    available: false,
    header: "workspace-write (unavailable here: commands are refused)"
  },
  { name: "danger-full-access asked", requested: "danger-full-access", configured: "danger-full-access", available: false, header: "danger-full-access" }
]

describe("enforced policies in the header and the permissions text", () => {
  for (const testCase of CASES) {
    it.scoped(testCase.name, () =>
      Effect.gen(function*() {
        const cwd = yield* tempDir
        const sandbox = sandboxOf(cwd, testCase.requested, testCase.available)
        const approvals = yield* Approvals.make("never", undefined, true)
        const config = testCase.configured === undefined ? {} : { sandboxMode: testCase.configured }
        const provide = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
          effect.pipe(Effect.provideService(Sandbox.Sandbox, sandbox), Effect.provideService(Approvals.Approvals, approvals))
        const context = yield* provide(manager({ cwd }, config))
        const prompt = yield* context.buildPrompt({ history: [userMessage("hi")], tools: [], parallelToolCalls: true, turnId: "t" })
        const permissions = texts(prompt.input[0])[0]!
        const policies = yield* provide(HumanProgress.enforcedPolicies({ sandboxMode: testCase.configured } as never))
        const header = HumanProgress.make({ cwd, shell: "bash", color: false }).header({
          config: { model: "m", provider: { id: "p" }, sandboxMode: testCase.configured } as never,
          policies,
          sessionId: "s",
          cwd,
          prompt: "hi"
        })
        const sandboxLine = header.split("\n").find((line) => line.startsWith("sandbox: "))
        expect(sandboxLine).toBe(`sandbox: ${testCase.header}`)
        // both name the same mode
        expect(sandboxLine!.slice("sandbox: ".length).split(" ")[0]).toBe(modeInText(permissions))
        expect(header).toContain("approval: never")
        expect(permissions).toContain("Approval policy is currently never.")
      }).pipe(Effect.provide(NodeContext.layer)))
  }
})
