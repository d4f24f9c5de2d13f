/** StorageServerCommand: `tscodex storage-server` — serves encrypted portable homes until interrupted. */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as HttpServer from "@effect/platform/HttpServer"
import { Console, Context, Effect, Layer } from "effect"
import * as NodePath from "node:path"
import { API_PREFIX } from "../portable/Specs.js"
import * as StorageServer from "../portable/StorageServer.js"
import { CliError } from "./CliError.js"

/** `tscodex storage-server [--root] [--host] [--port]`: serves bundles until interrupted. */
export const command = Command.make(
  "storage-server",
  {
    root: Options.text("root").pipe(Options.withDescription("Folder holding the stored objects."), Options.withDefault(".tmp/tscodex_storage")),
    host: Options.text("host").pipe(Options.withDescription("Address to listen on."), Options.withDefault("127.0.0.1")),
    port: Options.integer("port").pipe(Options.withDescription("Port to listen on (0 picks a free one)."), Options.withDefault(5577)),
    maxUploadBytes: Options.integer("max-upload-bytes").pipe(
      Options.withDescription("Largest upload accepted (413 above)."),
      Options.withDefault(StorageServer.DEFAULT_MAX_UPLOAD_BYTES)
    )
  },
  ({ root, host, port, maxUploadBytes }) =>
    Effect.gen(function* () {
      const absoluteRoot = NodePath.resolve(root)
      const context = yield* Layer.build(
        StorageServer.layer({ root: absoluteRoot, host, port, maxUploadBytes, log: (line) => Console.log(line) })
      ).pipe(Effect.mapError((error) => new CliError({ message: `storage server could not start: ${error.message}` })))
      const address = Context.get(context, HttpServer.HttpServer).address
      const bound = address._tag === "TcpAddress" ? `${host}:${address.port}` : `${host}:${port}`
      yield* Console.log(`storage server listening on http://${bound}${API_PREFIX}`)
      yield* Console.log(`storage root: ${absoluteRoot}`)
      yield* Console.log(`put current home: tscodex --put @${bound}`)
      yield* Console.log(`put custom home: tscodex --put /data/.codex/@${bound}`)
      return yield* Effect.never
    }).pipe(Effect.scoped)
).pipe(Command.withDescription("Serve encrypted portable Codex homes for --put and --call."))
