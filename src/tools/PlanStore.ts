/** PlanStore: the task plan the model keeps with update_plan, and the way a view hears about its changes. */
import { Context, Data, Effect, Layer, Option, Ref, type Stream, SubscriptionRef } from "effect"

/** The states a plan step can be in. */
export const PLAN_STATUSES = ["pending", "in_progress", "completed"] as const
export type PlanStatus = typeof PLAN_STATUSES[number]

export const isPlanStatus = (value: string): value is PlanStatus => (PLAN_STATUSES as ReadonlyArray<string>).includes(value)

export interface PlanStep {
  readonly step: string
  readonly status: PlanStatus
}

/** The whole plan as the listener and `snapshot` see it (key order as in the JSON form). */
export interface PlanSnapshot {
  readonly explanation: string | null
  readonly plan: ReadonlyArray<PlanStep>
}

export const emptySnapshot: PlanSnapshot = { explanation: null, plan: [] }

/** A plan the store refuses; nothing is stored when this happens. */
export class PlanError extends Data.TaggedError("PlanError")<{
  readonly reason: "TooManyInProgress"
  readonly message: string
}> {}

/** Called with the new plan after every accepted update. */
export type PlanListener = (snapshot: PlanSnapshot) => Effect.Effect<void>

export interface PlanStore {
  /** Replaces the explanation and the steps, then tells the listener. Fails when several steps are in progress. */
  readonly update: (explanation: string | null, plan: ReadonlyArray<PlanStep>) => Effect.Effect<void, PlanError>
  /** The current plan (`{explanation: null, plan: []}` before any update). */
  readonly snapshot: Effect.Effect<PlanSnapshot>
  /** The current plan, then every accepted update. */
  readonly changes: Stream.Stream<PlanSnapshot>
  /** Installs the one listener, replacing the previous one; `undefined` removes it. */
  readonly setListener: (listener: PlanListener | undefined) => Effect.Effect<void>
}
export const PlanStore = Context.GenericTag<PlanStore>("tscodex/PlanStore")

/** A fresh, empty plan store, optionally with a listener already installed. */
export const make = (listener?: PlanListener): Effect.Effect<PlanStore> =>
  Effect.gen(function*() {
    const current = yield* SubscriptionRef.make<PlanSnapshot>(emptySnapshot)
    const listenerRef = yield* Ref.make(Option.fromNullable(listener))
    return PlanStore.of({
      update: (explanation, plan) =>
        Effect.gen(function*() {
          if (plan.filter((item) => item.status === "in_progress").length > 1) {
            return yield* new PlanError({
              reason: "TooManyInProgress",
              message: "at most one plan step can be in_progress"
            })
          }
          const next: PlanSnapshot = {
            explanation,
            plan: plan.map((item) => ({ step: item.step.trim(), status: item.status }))
          }
          yield* SubscriptionRef.set(current, next)
          const installed = yield* Ref.get(listenerRef)
          if (Option.isSome(installed)) yield* installed.value(next)
        }),
      snapshot: SubscriptionRef.get(current),
      changes: current.changes,
      setListener: (next) => Ref.set(listenerRef, Option.fromNullable(next))
    })
  })

/** A fresh plan store per layer build (one per runtime or sub-agent). */
export const layer: Layer.Layer<PlanStore> = Layer.effect(PlanStore, make())
