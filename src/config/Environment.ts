/** Environment: the process environment as one service, so nothing else reads `process.env`. */
import { Context, Effect, Layer } from "effect"

export interface Environment {
  /** The value of a variable, or undefined when unset. */
  readonly get: (name: string) => string | undefined
  /** Every variable (for child processes). */
  readonly all: () => Readonly<Record<string, string>>
  /** Sets a variable for this process and the programs it starts. */
  readonly set: (name: string, value: string) => Effect.Effect<void>
}
export const Environment = Context.GenericTag<Environment>("tscodex/Environment")

/** An environment over a mutable record. */
export const fromRecord = (vars: Record<string, string>): Environment => ({
  get: (name) => vars[name],
  all: () => vars,
  set: (name, value) => Effect.sync(() => void (vars[name] = value))
})

/** The real process environment. */
export const layer: Layer.Layer<Environment> = Layer.sync(Environment, () =>
  fromRecord(process.env as Record<string, string>)
)

/** A private environment for tests. */
export const layerValue = (vars: Record<string, string>): Layer.Layer<Environment> =>
  Layer.succeed(Environment, fromRecord({ ...vars }))

/** Reads a boolean-ish variable (`1`, `true`, `yes`, `on`). */
export const flag = (env: Environment, name: string): boolean =>
  ["1", "true", "yes", "on"].includes((env.get(name) ?? "").trim().toLowerCase())

/** Reads `TSCODEX_<NAME>`, falling back to the `PYCODEX_<NAME>` spelling. */
export const project = (env: Environment, name: string): string | undefined =>
  env.get(`TSCODEX_${name}`) ?? env.get(`PYCODEX_${name}`)
