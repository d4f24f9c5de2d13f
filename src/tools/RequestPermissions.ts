/** RequestPermissions: the `request_permissions` tool, which asks the user for more file-system or network access. */
import { Effect, Option, Schema } from "effect"
import { compactJson } from "../protocol/Items.js"
import type * as Sandbox from "../sandbox/Sandbox.js"
import type * as PermissionRequests from "./PermissionRequests.js"
import * as Tool from "./Tool.js"

export const NAME = "request_permissions"
export const CANCELLED = "Error: request_permissions was cancelled before receiving a response."
export const EMPTY = "Error: request_permissions requires at least one permission."
export const NOT_AN_OBJECT = "Error: `permissions` must be an object."

const paths = (what: string) => ({ type: "array", items: { type: "string" }, description: `Absolute paths to ${what}.` })

/** Both arguments are checked by hand so that each problem gets its own message. */
export const Parameters = Schema.Struct({
  reason: Tool.optionalArgument(Schema.Unknown, { type: "string", description: "Why the extra access is needed, in a short sentence." }),
  permissions: Tool.requiredArgument(Schema.Unknown, {
    type: "object",
    properties: {
      network: {
        type: "object",
        properties: { enabled: { type: "boolean", description: "True to ask for network access." } },
        additionalProperties: false
      },
      file_system: {
        type: "object",
        properties: { read: paths("read"), write: paths("write") },
        additionalProperties: false
      }
    },
    additionalProperties: false
  })
})
export type Parameters = typeof Parameters.Type

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const reasonText = (value: unknown): string | null => {
  if (value === undefined || value === null || value === "") return null
  if (typeof value === "string") return value
  return typeof value === "object" ? compactJson(value) : String(value)
}

/** Where a granted answer takes effect: the session's sandbox (see `Sandbox.grant`). */
export type GrantTarget = Pick<Sandbox.Sandbox, "grant">

/**
 * The request_permissions tool asking through `requests`. An answer that grants something, for the
 * turn or the session, widens `sandbox` as Codex does: later commands of that turn (or session) may
 * write the granted paths and use the network if it was granted.
 */
export const make = (requests: PermissionRequests.PermissionRequests, sandbox?: GrantTarget): Tool.Tool<Parameters> =>
  Tool.make({
    name: NAME,
    description: "Asks the user for more file-system or network access and waits for the answer.",
    parameters: Parameters,
    handler: (args, context) =>
      Effect.gen(function*() {
        if (!isRecord(args.permissions)) return NOT_AN_OBJECT
        if (Object.keys(args.permissions).length === 0) return EMPTY
        const answer = yield* requests.request({ reason: reasonText(args.reason), permissions: args.permissions }).pipe(
          Effect.catchTag("PermissionRequestError", (error) => new Tool.ToolFailure({ name: "RuntimeError", message: error.message }))
        )
        const given = Option.getOrUndefined(Option.filter(answer, (value) => value !== null && value !== undefined))
        if (given === undefined) return CANCELLED
        if (sandbox !== undefined && isRecord(given) && (given.scope === "turn" || given.scope === "session")) {
          yield* sandbox.grant(given.permissions, given.scope, context.turnId)
        }
        return given
      })
  })
