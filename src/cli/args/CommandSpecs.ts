/** CommandSpecs: the options of `tscodex`, `tscodex exec`, `tscodex exec resume` and `tscodex resume`, one table each. */
import type { CommandSpec, OptionSpec } from "./ArgParser.js"

const opt = (long: string, help: string, extra: Partial<OptionSpec> = {}): OptionSpec => ({ long, help, ...extra })

export const SANDBOX_MODES = ["read-only", "workspace-write", "danger-full-access"] as const
export const APPROVAL_POLICIES = ["untrusted", "on-failure", "on-request", "never"] as const
export const LOCAL_PROVIDERS = ["lmstudio", "ollama"] as const

const configOverride = opt(
  "config",
  "Override a configuration value from config.toml: `key=value`, where a dotted key (`foo.bar.baz`) reaches nested tables and the value is parsed as TOML (a plain string when it does not parse). Repeatable.",
  { short: "c", value: "key=value", repeat: true }
)
const rootConfig = opt(
  "config",
  "Path to Codex config.toml, or a `key=value` override as in `tscodex exec -c` (repeatable).",
  { short: "c", value: "CONFIG|key=value", repeat: true }
)
const profile = opt("profile", "Profile name from config.toml ([profiles.<name>]).", { short: "p", value: "PROFILE" })
const model = opt("model", "Model the agent should use.", { short: "m", value: "MODEL" })
const image = opt("image", "Image(s) to attach to the prompt (repeatable; commas separate several).", { short: "i", value: "FILE", repeat: true })
const cd = opt("cd", "Use this directory as the agent's working root.", { short: "C", value: "DIR" })
const sandbox = opt("sandbox", "Sandbox for the model's shell commands.", { short: "s", value: "SANDBOX_MODE", choices: SANDBOX_MODES })
const approval = opt("ask-for-approval", "When the model must ask before running a command.", {
  short: "a",
  value: "APPROVAL_POLICY",
  choices: APPROVAL_POLICIES
})
const bypass = opt(
  "dangerously-bypass-approvals-and-sandbox",
  "Run commands without sandbox and without asking. EXTREMELY DANGEROUS: only for environments sandboxed from outside."
)
const oss = opt("oss", "Use a local open-source model provider (ollama unless --local-provider or oss_provider says otherwise).")
const localProvider = opt("local-provider", "Which local provider --oss uses.", { value: "OSS_PROVIDER", choices: LOCAL_PROVIDERS })
const outputLastMessage = opt("output-last-message", "Write the agent's last message to this file.", { short: "o", value: "FILE" })
const systemPrompt = opt("system-prompt", "Base instructions passed to the model instead of the built-in ones.", { value: "SYSTEM_PROMPT" })
const timeoutSeconds = opt("timeout-seconds", "HTTP timeout for one model call (default 120).", { value: "SECONDS" })
const vllmEndpoint = opt(
  "vllm-endpoint",
  "Base URL of a chat-completions vLLM server; a local Responses compatibility server is started for the session (/v1 added to an empty path).",
  { value: "URL" }
)
const useChatCompletion = opt("use-chat-completion", "Start a local Responses compatibility server talking to the provider's chat-completions API.")
const useMessages = opt("use-messages", "Start a local Responses compatibility server talking to the provider's /v1/messages API.")
const progress = opt("progress", "Progress on stderr: `codex` (sections, the default) or `plain` (one `[exec]` line per tool).", {
  value: "STYLE",
  choices: ["codex", "plain"]
})
const color = opt("color", "Colour in the output (default auto: only on a terminal, never with NO_COLOR).", {
  value: "COLOR",
  choices: ["always", "never", "auto"]
})
const skipGitRepoCheck = opt("skip-git-repo-check", "Allow running outside a Git repository.")
const ephemeral = opt("ephemeral", "Run without writing a session file.")
const outputSchema = opt("output-schema", "JSON Schema file the model's final answer must follow.", { value: "FILE" })
const execJson = opt("json", "Print events to stdout as JSONL.")
const last = opt("last", "Continue the most recent session.")

/** The options every prompt-taking command shares. */
const modelOptions = [model, oss, localProvider, sandbox, approval, bypass, cd, image, outputLastMessage]
const compatOptions = [systemPrompt, timeoutSeconds, vllmEndpoint, useChatCompletion, useMessages]

export const root: CommandSpec = {
  path: "tscodex",
  about: "Minimal Codex-style local CLI backed by ~/.codex/config.toml.",
  positionals: [{ name: "PROMPT", help: "Prompt text. If omitted, read from stdin (or, on a terminal, start the interactive session)." }],
  options: [
    rootConfig,
    profile,
    ...modelOptions,
    opt("json", "Print the full TurnResult as JSON."),
    progress,
    color,
    opt("put", "Upload a Codex home using `--put @host:port` or `--put /path/.codex@host:port`.", { value: "PATH@SERVER" }),
    opt("call", "Download and use a stored Codex home via <secret>-<call_id>@<host:port>.", { value: "CALL" }),
    ...compatOptions
  ],
  prefixes: true
}

export const exec: CommandSpec = {
  path: "tscodex exec",
  about: "Run one turn non-interactively, as `codex exec` does.",
  positionals: [
    {
      name: "PROMPT",
      help: "Instructions for the agent. If not given (or `-`), read from stdin; piped stdin with a prompt is appended as a <stdin> block."
    }
  ],
  subcommands: [{ name: "resume", about: "Resume a previous session by id or pick the most recent with --last" }],
  options: [
    configOverride,
    profile,
    ...modelOptions,
    skipGitRepoCheck,
    ephemeral,
    outputSchema,
    color,
    execJson,
    progress,
    ...compatOptions
  ]
}

export const execResume: CommandSpec = {
  path: "tscodex exec resume",
  about: "Resume a previous session by id or pick the most recent with --last.",
  positionals: [
    { name: "SESSION_ID", help: "Session id (or a unique prefix, or a rollout path). If omitted, use --last." },
    { name: "PROMPT", help: "Prompt to send after resuming. If `-`, read from stdin." }
  ],
  options: [last, ...exec.options]
}

export const resume: CommandSpec = {
  path: "tscodex resume",
  about: "Continue a recorded session (a picker when neither id nor --last is given on a terminal).",
  positionals: [
    { name: "SESSION_ID", help: "Session id (or a unique prefix, or a rollout path) unless --last." },
    { name: "PROMPT", help: "One more turn to run; without it on a terminal, the interactive session opens." }
  ],
  options: [last, rootConfig, profile, ...modelOptions, opt("json", "Print the full TurnResult as JSON."), progress, color, ...compatOptions]
}
