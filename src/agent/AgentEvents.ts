/** AgentEvents: the sink the loop reports every event to, in order. */
import { Context, Effect, Layer, Ref } from "effect"
import type { AgentEvent } from "../protocol/AgentEvent.js"

export interface AgentEvents {
  readonly publish: (event: AgentEvent) => Effect.Effect<void>
}
export const AgentEvents = Context.GenericTag<AgentEvents>("tscodex/AgentEvents")

export const make = (publish: (event: AgentEvent) => Effect.Effect<void>): AgentEvents => ({ publish })

/** Drops every event. */
export const layerNoop: Layer.Layer<AgentEvents> = Layer.succeed(AgentEvents, make(() => Effect.void))

/** Collects events in memory (tests); read them back with `collected`. */
export const makeCollected = Effect.gen(function* () {
  const events = yield* Ref.make<ReadonlyArray<AgentEvent>>([])
  return {
    sink: make((event) => Ref.update(events, (all) => [...all, event])),
    collected: Ref.get(events)
  }
})
