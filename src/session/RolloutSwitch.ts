/** RolloutSwitch: lets a resumed session keep writing to its own rollout file instead of the one opened at start. */
import { Context, Effect, Layer, Ref } from "effect"
import type { SessionRecorder } from "./SessionRecorder.js"

export interface RolloutSwitch {
  /** From now on, history is appended to the rollout at `path`. */
  readonly continueRollout: (path: string) => Effect.Effect<void>
}
export const RolloutSwitch = Context.GenericTag<RolloutSwitch>("tscodex/RolloutSwitch")

/** Writes nothing anywhere (tests that do not check persistence). */
export const layerNoop: Layer.Layer<RolloutSwitch> = Layer.succeed(RolloutSwitch, { continueRollout: () => Effect.void })

/** A recorder that forwards to whichever recorder was set last. */
export const makeSwitchableRecorder = (initial: SessionRecorder) =>
  Effect.map(Ref.make(initial), (current) => ({
    recorder: {
      appendHistoryItems: (items) => Effect.flatMap(Ref.get(current), (r) => r.appendHistoryItems(items)),
      appendCompacted: (items) => Effect.flatMap(Ref.get(current), (r) => r.appendCompacted(items))
    } satisfies SessionRecorder,
    switchTo: (next: SessionRecorder) => Ref.set(current, next)
  }))
