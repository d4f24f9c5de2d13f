/** PortableCommand: `--put` / `--call` on the root command. */
import * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Console, Effect, Layer, Option } from "effect"
import * as NodePath from "node:path"
import * as Environment from "../config/Environment.js"
import * as Call from "../portable/Call.js"
import * as Upload from "../portable/Upload.js"
import { CliError } from "./CliError.js"

/** The portable flags as the root command parsed them. */
export interface PortableArgs {
  readonly prompt: ReadonlyArray<string>
  readonly put: Option.Option<string>
  readonly call: Option.Option<string>
  readonly config: Option.Option<string>
}

const SHELL_SAFE = /^[A-Za-z0-9@%+=:,./_-]+$/

/** Quotes a word for a POSIX shell when it needs it. */
export const shellQuote = (word: string): string =>
  word !== "" && SHELL_SAFE.test(word) ? word : `'${word.replace(/'/g, `'"'"'`)}'`

const asCliError = <A, R>(effect: Effect.Effect<A, { readonly message: string }, R>) =>
  Effect.mapError(effect, (error) => new CliError({ message: error.message }))

/** Uploads, then proves the call works by bootstrapping it into a throw-away folder. */
export const put = (spec: string, log: (line: string) => Effect.Effect<void>) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const uploaded = yield* Upload.upload(spec, log)
    yield* log(`[put] testing call: ${uploaded.callSpec}`)
    const config = yield* Effect.scoped(
      Effect.flatMap(fs.makeTempDirectoryScoped({ prefix: "tscodex-call-test-" }), (root) =>
        Call.bootstrap(uploaded.callSpec, { cacheRoot: root })
      )
    )
    yield* log(`[put] call test ok: ${NodePath.basename(config)}`)
    yield* log("[put] one-click start:")
    yield* log(`tscodex --call ${shellQuote(uploaded.callSpec)}`)
    return uploaded
  })

/**
 * Runs `--put` instead of `handler`, or bootstraps `--call` and hands `handler` the downloaded
 * config (with `CODEX_HOME` set to its folder); without either flag, just runs `handler`.
 */
export const withPortable = <Args extends PortableArgs, E, R>(
  args: Args,
  handler: (args: Args) => Effect.Effect<void, E, R>,
  services: Layer.Layer<HttpClient.HttpClient | Environment.Environment> = Layer.merge(NodeHttpClient.layerUndici, Environment.layer)
): Effect.Effect<void, E | CliError, R | FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const call = Option.getOrElse(args.call, () => "").trim()
    if (Option.isSome(args.put) && call !== "") return yield* new CliError({ message: "--put and --call cannot be combined" })
    if (Option.isSome(args.put) && args.prompt.length > 0) return yield* new CliError({ message: "--put does not accept prompt text" })
    if (Option.isSome(args.put)) {
      yield* asCliError(put(args.put.value, (line) => Console.log(line))).pipe(Effect.provide(services))
      return
    }
    if (call === "") return yield* handler(args)
    const config = yield* asCliError(Call.bootstrap(call)).pipe(
      Effect.tap((path) => Effect.flatMap(Environment.Environment, (env) => env.set("CODEX_HOME", NodePath.dirname(path)))),
      Effect.provide(services)
    )
    return yield* handler({ ...args, config: Option.some(config) })
  })
