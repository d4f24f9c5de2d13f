/** CliLogger: warnings logged anywhere in a run reach stderr as one `[warning] …` line each, printed once. */
import { HashSet, Logger, LogLevel } from "effect"

/**
 * Warnings and errors as `[warning] text` / `[error] text`, each distinct text once; other levels as the
 * runtime's pretty logger shows them (the entry point turns that one off and installs this instead).
 */
export const make = (write: (line: string) => void = (line) => process.stderr.write(line + "\n")) => {
  let seen = HashSet.empty<string>()
  return Logger.make((options) => {
    if (!LogLevel.greaterThanEqual(options.logLevel, LogLevel.Warning)) {
      Logger.prettyLoggerDefault.log(options)
      return
    }
    const text = (Array.isArray(options.message) ? options.message : [options.message]).map(String).join(" ")
    const label = LogLevel.greaterThanEqual(options.logLevel, LogLevel.Error) ? "error" : "warning"
    const line = `[${label}] ${text}`
    if (HashSet.has(seen, line)) return
    seen = HashSet.add(seen, line)
    write(line)
  })
}

/** The logger of the command line. */
export const layer = Logger.replace(Logger.defaultLogger, make())
