/** UpdatePlan: the `update_plan` tool, which checks the model's plan and stores it in the PlanStore. */
import { Effect, Schema } from "effect"
import { compactJson } from "../protocol/Items.js"
import * as PlanStore from "./PlanStore.js"
import * as Tool from "./Tool.js"

export const NAME = "update_plan"

/** What the model reads after an accepted update. */
export const UPDATED = "Plan updated"

/** Both arguments are checked by hand so that each problem gets its own message. */
export const Parameters = Schema.Struct({
  explanation: Tool.optionalArgument(Schema.Unknown, { type: "string" }),
  plan: Tool.requiredArgument(Schema.Unknown, {
    type: "array",
    items: {
      type: "object",
      properties: {
        status: { type: "string", description: "The state of the step: pending, in_progress or completed." },
        step: { type: "string" }
      },
      required: ["step", "status"],
      additionalProperties: false
    },
    description: "Every step of the plan, in order."
  })
})
export type Parameters = typeof Parameters.Type

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** A JSON value as text: strings as they are, nothing for `null`, JSON for objects and arrays. */
const textOf = (value: unknown): string => {
  if (typeof value === "string") return value
  if (value === null || value === undefined) return ""
  if (typeof value === "number" || typeof value === "boolean") return String(value)
  return compactJson(value)
}

/** The steps of `plan`, or the message telling the model what is wrong with them. */
export const readPlan = (plan: unknown): { readonly steps: ReadonlyArray<PlanStore.PlanStep> } | { readonly error: string } => {
  if (!Array.isArray(plan)) return { error: "Error: `plan` must be a list." }
  const steps: Array<PlanStore.PlanStep> = []
  for (const item of plan as ReadonlyArray<unknown>) {
    if (!isRecord(item)) return { error: "Error: each `plan` item must be an object." }
    const step = textOf(item.step).trim()
    if (step === "") return { error: "Error: each `plan` item must include a non-empty `step`." }
    const status = textOf(item.status).trim()
    if (!PlanStore.isPlanStatus(status)) return { error: `Error: invalid plan status \`${status}\`.` }
    steps.push({ step, status })
  }
  return { steps }
}

/** The explanation to store: absent, `null` and `""` mean none. */
export const readExplanation = (explanation: unknown): string | null =>
  explanation === undefined || explanation === null || explanation === "" ? null : textOf(explanation)

/** The update_plan tool over `store`. */
export const make = (store: PlanStore.PlanStore): Tool.Tool<Parameters> =>
  Tool.make({
    name: NAME,
    description: "Records the task plan as a list of steps with their status. Keep at most one step in_progress at any time; optionally explain what changed since the last update.",
    parameters: Parameters,
    handler: (args) => {
      const plan = readPlan(args.plan)
      if ("error" in plan) return Effect.succeed(plan.error)
      return store.update(readExplanation(args.explanation), plan.steps).pipe(
        Effect.as(UPDATED),
        Effect.catchTag("PlanError", (error) => new Tool.ToolFailure({ name: "ValueError", message: error.message }))
      )
    }
  })
