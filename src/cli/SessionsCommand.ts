/** SessionsCommand: `tscodex sessions` lists the resumable sessions of the Codex home, newest first. */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Console, Effect, Option } from "effect"
import * as CodexHome from "../config/CodexHome.js"
import * as SessionList from "../session/SessionList.js"
import * as AgentStack from "../stack/AgentStack.js"

const json = Options.boolean("json").pipe(Options.withDescription("Print the sessions as JSON."))
const limit = Options.integer("limit").pipe(
  Options.withDescription("How many sessions to show at most."),
  Options.withDefault(20)
)
const config = Options.text("config").pipe(Options.withDescription("Path to Codex config.toml."), Options.optional)

/** Lines for a listing: one per session, or the reference's text when there is none. */
export const formatListing = (entries: ReadonlyArray<SessionList.SessionEntry>): ReadonlyArray<string> =>
  entries.length === 0 ? ["No resumable sessions found."] : SessionList.formatSessionList(entries)

export const command = Command.make("sessions", { json, limit, config }, (args) =>
  Effect.gen(function* () {
    const location = yield* CodexHome.resolve({ configPath: Option.getOrUndefined(args.config) })
    const listing = yield* SessionList.listSessions(location.codexHome, { limit: args.limit })
    for (const problem of listing.problems) yield* Console.error(`[warning] ${problem}`)
    if (args.json) {
      yield* Console.log(JSON.stringify(listing.entries.map(SessionList.sessionJson), null, 2))
      return
    }
    for (const line of formatListing(listing.entries)) yield* Console.log(line)
  }).pipe(Effect.provide(AgentStack.platformLayer))
).pipe(Command.withDescription("List resumable sessions (id, date, working directory, first prompt)."))
