/** Completions: bash, zsh and fish scripts that complete tscodex's subcommands and the flags of each. */

/** A command's words (`exec`, `exec resume`; `""` for the root) and its flags (`--model`, `-m`, …). */
export interface CompletionCommand {
  readonly path: string
  readonly flags: ReadonlyArray<string>
}

export const SHELLS = ["bash", "zsh", "fish"] as const
export type Shell = (typeof SHELLS)[number]

const bash = (commands: ReadonlyArray<CompletionCommand>, subcommands: ReadonlyArray<string>): string => {
  const cases = commands
    .filter((c) => c.path !== "")
    .map((c) => `    "${c.path}") opts="${c.flags.join(" ")}" ;;`)
  const root = commands.find((c) => c.path === "")?.flags ?? []
  return `# bash completion for tscodex
_tscodex() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  local path="" opts=""
  if [ "\${COMP_WORDS[1]}" = "exec" ] && [ "\${COMP_WORDS[2]}" = "resume" ] && [ "$COMP_CWORD" -gt 2 ]; then
    path="exec resume"
  elif [ "$COMP_CWORD" -gt 1 ]; then
    path="\${COMP_WORDS[1]}"
  fi
  case "$path" in
${cases.join("\n")}
    *) opts="${root.join(" ")}" ;;
  esac
  if [ "$COMP_CWORD" -eq 1 ] && [[ "$cur" != -* ]]; then
    COMPREPLY=( $(compgen -W "${subcommands.join(" ")}" -- "$cur") )
  elif [ "$path" = "exec" ] && [ "$COMP_CWORD" -eq 2 ] && [[ "$cur" != -* ]]; then
    COMPREPLY=( $(compgen -W "resume" -- "$cur") )
  else
    COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
  fi
}
complete -o default -F _tscodex tscodex
`
}

const zsh = (commands: ReadonlyArray<CompletionCommand>, subcommands: ReadonlyArray<string>): string => {
  const cases = commands
    .filter((c) => c.path !== "")
    .map((c) => `    "${c.path}") opts=(${c.flags.join(" ")}) ;;`)
  const root = commands.find((c) => c.path === "")?.flags ?? []
  return `#compdef tscodex
_tscodex() {
  local -a opts
  local path=""
  if [[ "\${words[2]}" == "exec" && "\${words[3]}" == "resume" && CURRENT -gt 3 ]]; then
    path="exec resume"
  elif (( CURRENT > 2 )); then
    path="\${words[2]}"
  fi
  case "$path" in
${cases.join("\n")}
    *) opts=(${root.join(" ")}) ;;
  esac
  if (( CURRENT == 2 )) && [[ "\${words[CURRENT]}" != -* ]]; then
    compadd -- ${subcommands.join(" ")}
  elif [[ "$path" == "exec" ]] && (( CURRENT == 3 )) && [[ "\${words[CURRENT]}" != -* ]]; then
    compadd -- resume
  else
    compadd -- $opts
  fi
}
compdef _tscodex tscodex
`
}

const fish = (commands: ReadonlyArray<CompletionCommand>, subcommands: ReadonlyArray<string>): string => {
  const lines = [`# fish completion for tscodex`, `complete -c tscodex -f -n "__fish_use_subcommand" -a "${subcommands.join(" ")}"`]
  lines.push(`complete -c tscodex -f -n "__fish_seen_subcommand_from exec; and not __fish_seen_subcommand_from resume" -a "resume"`)
  for (const command of commands) {
    const condition = command.path === ""
      ? "__fish_use_subcommand"
      : command.path === "exec resume"
        ? "__fish_seen_subcommand_from resume; and __fish_seen_subcommand_from exec"
        : `__fish_seen_subcommand_from ${command.path}`
    for (const flag of command.flags) {
      const spec = flag.startsWith("--") ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`
      lines.push(`complete -c tscodex -n "${condition}" ${spec}`)
    }
  }
  return lines.join("\n") + "\n"
}

/** The completion script for `shell`. */
export const script = (shell: Shell, commands: ReadonlyArray<CompletionCommand>, subcommands: ReadonlyArray<string>): string =>
  shell === "bash" ? bash(commands, subcommands) : shell === "zsh" ? zsh(commands, subcommands) : fish(commands, subcommands)
