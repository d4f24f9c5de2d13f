/** Network: the name lookups and connection probes the doctor runs, as a replaceable service. */
import * as FileSystem from "@effect/platform/FileSystem"
import { Context, Data, Effect, Layer } from "effect"
import * as Dns from "node:dns"
import { Environment } from "../../config/Environment.js"
import { type Endpoint, open } from "../../model/connect.js"
import { caBundleLocation, loadTrust } from "../../model/wireHttpClient.js"

export type { Endpoint } from "../../model/connect.js"

/** A lookup or connection that did not work; `message` is what the report shows. */
export class NetworkError extends Data.TaggedError("NetworkError")<{ readonly message: string }> {}

export interface Network {
  /** The addresses a host name resolves to for stream connections. */
  readonly lookup: (host: string) => Effect.Effect<ReadonlyArray<string>, NetworkError>
  /**
   * Opens a connection (TCP, then TLS for secure endpoints, trusting the same CA bundle as the
   * model client) and closes it again once it is up.
   */
  readonly connect: (endpoint: Endpoint) => Effect.Effect<void, NetworkError>
}
export const Network = Context.GenericTag<Network>("tscodex/cli/doctor/Network")

/** The text of a Node error: its message, which already carries the code (`connect ECONNREFUSED …`). */
export const errorText = (error: unknown): string => {
  if (error instanceof Error && error.message !== "") return error.message
  if (typeof error === "object" && error !== null && "message" in error) return String((error as { message: unknown }).message)
  return String(error)
}

/** `node:dns` lookup of every address, wrapped once. */
export const lookup = (host: string): Effect.Effect<ReadonlyArray<string>, NetworkError> =>
  Effect.async<ReadonlyArray<string>, NetworkError>((resume) => {
    Dns.lookup(host, { all: true }, (error, addresses) => {
      if (error !== null) resume(Effect.fail(new NetworkError({ message: errorText(error) })))
      else resume(Effect.succeed(addresses.map((entry) => entry.address)))
    })
  })

/** The real network, with the environment's CA bundle for TLS probes. */
export const layer: Layer.Layer<Network, never, Environment | FileSystem.FileSystem> = Layer.effect(
  Network,
  Effect.gen(function* () {
    const env = yield* Environment
    const fs = yield* FileSystem.FileSystem
    const location = caBundleLocation(env)
    const trust = location === undefined ? Effect.succeed(undefined) : yield* Effect.cached(loadTrust(fs, location))
    return Network.of({
      lookup,
      connect: (endpoint) =>
        Effect.gen(function* () {
          const context = endpoint.secure ? yield* trust : undefined
          yield* Effect.acquireRelease(open(endpoint, undefined, context), (socket) => Effect.sync(() => socket.destroy()))
        }).pipe(
          Effect.scoped,
          Effect.mapError((error) => new NetworkError({ message: errorText(error) }))
        )
    })
  })
)

/** A network given in code (tests). */
export const layerValue = (network: Network): Layer.Layer<Network> => Layer.succeed(Network, network)
