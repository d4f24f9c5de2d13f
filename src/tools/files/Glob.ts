/** Glob: gitignore-style patterns (`*`, `?`, `[…]`, `**`, `!`, trailing `/`) compiled to regular expressions. */

/** One rule of an ignore file, or an include glob. */
export interface GlobRule {
  readonly regex: RegExp
  /** `!pattern`: a match re-includes instead of excluding. */
  readonly negated: boolean
  /** `pattern/`: applies to folders only. */
  readonly directoryOnly: boolean
  /** Patterns without an inner `/` match the base name at any depth. */
  readonly basenameOnly: boolean
}

const escapeRegex = (char: string): string => (/[\\^$.*+?()[\]{}|/]/.test(char) ? `\\${char}` : char)

/** The body of a regular expression for one glob (matched against a whole `/`-separated path). */
const translate = (glob: string): string => {
  let out = ""
  let i = 0
  while (i < glob.length) {
    const char = glob[i]!
    if (char === "*") {
      if (glob[i + 1] === "*") {
        const atStart = i === 0 || glob[i - 1] === "/"
        const atEnd = i + 2 === glob.length || glob[i + 2] === "/"
        if (atStart && atEnd) {
          if (i + 2 === glob.length) {
            out += ".*"
            i += 2
          } else {
            out += "(?:.*/)?"
            i += 3
          }
          continue
        }
      }
      out += "[^/]*"
      i += 1
    } else if (char === "?") {
      out += "[^/]"
      i += 1
    } else if (char === "[") {
      const close = glob.indexOf("]", i + 2)
      if (close === -1) {
        out += "\\["
        i += 1
        continue
      }
      let body = glob.slice(i + 1, close)
      if (body.startsWith("!")) body = `^${body.slice(1)}`
      out += `[${body.replace(/\\/g, "\\\\")}]`
      i = close + 1
    } else if (char === "\\" && i + 1 < glob.length) {
      out += escapeRegex(glob[i + 1]!)
      i += 2
    } else {
      out += escapeRegex(char)
      i += 1
    }
  }
  return out
}

/** One line of an ignore file as a rule; `undefined` for blank lines and comments. */
export const parseRule = (line: string): GlobRule | undefined => {
  let pattern = line.replace(/(?<!\\)\s+$/, "")
  if (pattern === "" || pattern.startsWith("#")) return undefined
  let negated = false
  if (pattern.startsWith("!")) {
    negated = true
    pattern = pattern.slice(1)
  } else if (pattern.startsWith("\\!") || pattern.startsWith("\\#")) {
    pattern = pattern.slice(1)
  }
  let directoryOnly = false
  if (pattern.endsWith("/")) {
    directoryOnly = true
    pattern = pattern.replace(/\/+$/, "")
  }
  if (pattern === "") return undefined
  const basenameOnly = !pattern.includes("/")
  if (pattern.startsWith("/")) pattern = pattern.slice(1)
  return { regex: new RegExp(`^${translate(pattern)}$`), negated, directoryOnly, basenameOnly }
}

/** Whether a rule matches `relative` (a path below the rule's folder) or its base name. */
export const matches = (rule: GlobRule, relative: string, isDirectory: boolean): boolean => {
  if (rule.directoryOnly && !isDirectory) return false
  const subject = rule.basenameOnly ? relative.slice(relative.lastIndexOf("/") + 1) : relative
  return rule.regex.test(subject)
}

/** The rules of an ignore file's text. */
export const parseIgnoreFile = (text: string): ReadonlyArray<GlobRule> =>
  text.split(/\r?\n/).flatMap((line) => {
    const rule = parseRule(line)
    return rule === undefined ? [] : [rule]
  })
