/** Picker: the numbered recorded sessions `tscodex resume` offers on a terminal, and the choice typed at it. */
import { Effect, Either } from "effect"
import * as SessionList from "../../session/SessionList.js"
import { Terminal } from "./Terminal.js"

/** Shown under the numbered sessions. */
export const PICK_HINT = "Type a session number to resume it, or press Enter to start a new session."

export type Choice =
  | { readonly _tag: "Session"; readonly entry: SessionList.SessionEntry }
  | { readonly _tag: "New" }
  | { readonly _tag: "Quit" }

/**
 * Lists the sessions of `codexHome` and reads a choice: a number picks that session, an empty
 * line or Esc starts a new one, Ctrl-C or Ctrl-D leaves. A number out of range asks again.
 */
export const pick = (codexHome: string) =>
  Effect.gen(function* () {
    const terminal = yield* Terminal
    const { entries } = yield* SessionList.listSessions(codexHome)
    yield* Effect.forEach(SessionList.formatResumeChoices(entries), terminal.writeLine, { discard: true })
    if (entries.length === 0) return { _tag: "New" } satisfies Choice as Choice
    yield* terminal.writeLine(PICK_HINT)
    while (true) {
      const answer = yield* terminal.readLine("resume> ")
      if (answer._tag === "Eof" || answer._tag === "Interrupt") return { _tag: "Quit" } satisfies Choice as Choice
      const text = answer._tag === "Line" ? answer.text.trim() : ""
      if (text === "") return { _tag: "New" } satisfies Choice as Choice
      const chosen = SessionList.selectByIndex(entries, text)
      if (Either.isRight(chosen)) return { _tag: "Session", entry: chosen.right } satisfies Choice as Choice
      yield* terminal.writeLine(`No session numbered ${text}: type 1 to ${entries.length}, or press Enter for a new session.`)
    }
  })
