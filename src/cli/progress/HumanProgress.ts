/** HumanProgress: `tscodex exec` progress on stderr in the layout of `codex exec` — header, prompt, reasoning, commands, diffs, plan, answer, tokens. */
import { Effect, Option } from "effect"
import * as NodePath from "node:path"
import type { CodexConfig } from "../../config/CodexConfig.js"
import * as Approvals from "../../sandbox/Approvals.js"
import * as Sandbox from "../../sandbox/Sandbox.js"
import type { AgentEvent } from "../../protocol/AgentEvent.js"
import { VERSION } from "../../stack/Version.js"
import { reconnectingText } from "./ProgressView.js"
import * as ExecItems from "./ExecItems.js"

/** Colour when asked (`always`), or on a terminal unless `NO_COLOR` is set (`auto`). */
export const useColor = (choice: "always" | "never" | "auto", isTTY: boolean, noColor: string | undefined): boolean =>
  choice === "always" ? true : choice === "never" ? false : isTTY && (noColor === undefined || noColor === "")

/** How many output lines of a command are shown. */
export const OUTPUT_LINES = 20

type Paint = (code: string, text: string) => string
const painter = (color: boolean): Paint => (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text)

const BOLD = "1"
const DIM = "2"
const ITALIC = "3"
const RED = "31"
const GREEN = "32"
const MAGENTA = "35"
const CYAN = "36"

/** The first lines of a command's output, and how many more there were. */
export const outputHead = (output: string, limit = OUTPUT_LINES): ReadonlyArray<string> => {
  const lines = output.replace(/\n$/, "").split("\n")
  if (output.trim() === "") return []
  return lines.length <= limit ? lines : [...lines.slice(0, limit), `... +${lines.length - limit} lines`]
}

/** `1,034`. */
export const thousands = (n: number): string => n.toLocaleString("en-US")

/** A file change as a git-style diff (paths relative to `cwd`). */
export const diffLines = (change: ExecItems.FileChange, cwd: string, paint: Paint): ReadonlyArray<string> => {
  const rel = (path: string) => NodePath.relative(cwd, path) || path
  const a = rel(change.path)
  const b = change.movedTo !== undefined ? rel(change.movedTo) : a
  const head = [paint(BOLD, `diff --git a/${a} b/${b}`)]
  const body = change.lines.map((line) =>
    line.startsWith("+") ? paint(GREEN, line) : line.startsWith("-") ? paint(RED, line) : line.startsWith("@@") ? paint(CYAN, line) : line)
  switch (change.kind) {
    case "add":
      return [...head, "new file mode 100644", "--- /dev/null", `+++ b/${b}`, paint(CYAN, `@@ -0,0 +1${change.lines.length === 1 ? "" : `,${change.lines.length}`} @@`), ...body]
    case "delete":
      return [...head, "deleted file mode 100644", `--- a/${a}`, "+++ /dev/null"]
    case "update":
      return [...head, `--- a/${a}`, `+++ b/${b}`, ...body]
  }
}

/** `  [x] step` / `  [>] step` / `  [ ] step`. */
export const checklist = (steps: ReadonlyArray<ExecItems.PlanStep>): ReadonlyArray<string> =>
  steps.map((s) => `  ${s.status === "completed" ? "[x]" : s.status === "in_progress" ? "[>]" : "[ ]"} ${s.text}`)

/** The policies as enforced (not as configured), as the header shows them. */
export interface EnforcedPolicies {
  readonly approval: string
  readonly sandbox: string
}

/**
 * The header's view of a settled sandbox: its mode (the default where bubblewrap works, the
 * unsandboxed fallback where it does not), with a note when a requested sandbox refuses commands.
 */
export const sandboxText = (sandbox: Sandbox.Sandbox): string => {
  const mode = sandbox.policy.mode
  if (sandbox.availability._tag === "Available" || mode === "danger-full-access" && sandbox.explicit) return mode
  return sandbox.explicit ? `${mode} (unavailable here: commands are refused)` : `${mode} (no sandbox available here)`
}

/** The policies of the context's Sandbox and Approvals (the configured texts where a service is missing). */
export const enforcedPolicies = (config: CodexConfig): Effect.Effect<EnforcedPolicies> =>
  Effect.gen(function*() {
    const sandbox = yield* Effect.serviceOption(Sandbox.Sandbox)
    const approvals = yield* Effect.serviceOption(Approvals.Approvals)
    return {
      approval: Option.match(approvals, { onNone: () => config.approvalPolicy ?? Approvals.DEFAULT_APPROVAL_POLICY, onSome: (a) => a.policy }),
      sandbox: Option.match(sandbox, { onNone: () => config.sandboxMode ?? "danger-full-access", onSome: sandboxText })
    }
  })

export interface HeaderFacts {
  readonly config: CodexConfig
  /** What is enforced (see `enforcedPolicies`). */
  readonly policies: EnforcedPolicies
  readonly sessionId: string
  readonly cwd: string
  readonly prompt: string
}

export interface HumanView {
  /** The banner, the settings and the user prompt. */
  readonly header: (facts: HeaderFacts) => string
  /** The blocks an event adds (each printed as it comes). */
  readonly onEvent: (event: AgentEvent) => ReadonlyArray<string>
  /** `tokens used` and the total, once the turn ended. */
  readonly footer: () => string
}

export const make = (options: { readonly cwd: string; readonly shell: string; readonly color: boolean }): HumanView => {
  const paint = painter(options.color)
  let usage = ExecItems.emptyUsage
  const commands = new Map<string, { readonly command: string; readonly cwd: string }>()
  const sessions = new Map<number, { readonly command: string; readonly cwd: string }>()

  const commandDone = (open: { readonly command: string; readonly cwd: string }, outcome: ExecItems.CommandOutcome) => {
    const took = outcome.durationMs === undefined ? "" : ` in ${outcome.durationMs}ms`
    const status = outcome.exitCode === 0
      ? paint(GREEN, ` succeeded${took}:`)
      : paint(RED, ` exited ${outcome.exitCode ?? "?"}${took}:`)
    return [
      paint(MAGENTA, "exec"),
      `${paint(BOLD, open.command)} in ${open.cwd}`,
      status,
      ...outputHead(outcome.output).map((line) => paint(DIM, line)),
      ""
    ].join("\n")
  }

  const onEvent = (event: AgentEvent): ReadonlyArray<string> => {
    switch (event._tag) {
      case "turn_started":
        usage = ExecItems.emptyUsage
        return []
      case "token_count":
        usage = ExecItems.addUsage(usage, event.usage)
        return []
      case "model_completed":
        return (event.items ?? []).flatMap((item) => {
          if (item._tag === "AssistantMessage") return [`${paint(MAGENTA, "codex")}\n${item.text}`]
          const text = ExecItems.reasoningText(item)
          return text === undefined ? [] : [paint(ITALIC, text)]
        })
      case "tool_called":
        // a provider-side search: Codex prints one line when it starts and one when it is done
        return event.toolName === "web_search" ? ["web search: ", `web search: ${ExecItems.webSearchView(event.webSearch).query}`] : []
      case "tool_started": {
        const call = event.call
        if (ExecItems.COMMAND_TOOLS.has(call.name)) {
          commands.set(call.callId, {
            command: ExecItems.commandLine(call, options.shell) ?? call.name,
            cwd: ExecItems.commandCwd(call, options.cwd)
          })
        }
        return []
      }
      case "tool_completed": {
        const call = event.call
        const open = commands.get(event.callId)
        commands.delete(event.callId)
        if (open !== undefined) {
          const outcome = ExecItems.commandOutcome(event.result)
          if (outcome.sessionId !== undefined) {
            sessions.set(outcome.sessionId, open)
            return [`${paint(MAGENTA, "exec")}\n${paint(BOLD, open.command)} in ${open.cwd}\n${paint(DIM, ` running (session ${outcome.sessionId})`)}`]
          }
          return [commandDone(open, outcome)]
        }
        if (call.name === "write_stdin") {
          const session = (call.arguments as { session_id?: unknown } | null)?.session_id
          const running = typeof session === "number" ? sessions.get(session) : undefined
          const outcome = ExecItems.commandOutcome(event.result)
          if (running === undefined || outcome.sessionId !== undefined) return []
          sessions.delete(session as number)
          return [commandDone(running, outcome)]
        }
        if (call.name === "apply_patch") {
          const changes = ExecItems.patchChanges(ExecItems.patchText(call) ?? "", options.cwd)
          const status = event.isError ? paint(RED, "patch: failed") : paint(GREEN, "patch: completed")
          return [[
            paint(MAGENTA, "apply patch"),
            status,
            ...changes.flatMap((change) => [change.movedTo ?? change.path, ...diffLines(change, options.cwd, paint)]),
            ""
          ].join("\n")]
        }
        if (call.name === "update_plan" && !event.isError) {
          return [[paint(MAGENTA, "plan"), ...checklist(ExecItems.planSteps(call))].join("\n")]
        }
        if (event.isError) return [paint(RED, `${call.name} failed`)]
        return []
      }
      case "stream_error":
        return [paint(RED, reconnectingText(event, false))]
      case "turn_failed":
        return [paint(RED, `ERROR: ${event.error}`)]
      case "turn_interrupted":
        return [paint(RED, "turn interrupted")]
      case "auto_compact_completed":
        return [paint(DIM, "context compacted")]
      default:
        return []
    }
  }

  const header = (facts: HeaderFacts): string => {
    const c = facts.config
    const rows: ReadonlyArray<readonly [string, string]> = [
      ["workdir", facts.cwd],
      ["model", c.model],
      ["provider", c.provider.id],
      ["approval", facts.policies.approval],
      ["sandbox", facts.policies.sandbox],
      ["reasoning effort", c.reasoningEffort ?? "none"],
      ["reasoning summaries", c.reasoningSummary ?? "none"],
      ["session id", facts.sessionId]
    ]
    return [
      `tscodex v${VERSION}`,
      "--------",
      ...rows.map(([key, value]) => `${paint(BOLD, `${key}:`)} ${value}`),
      "--------",
      paint(CYAN, "user"),
      facts.prompt
    ].join("\n")
  }

  return { header, onEvent, footer: () => `${paint(MAGENTA, "tokens used")}\n${thousands(ExecItems.blendedTotal(usage))}` }
}
