/** Helpers for the context tests: temp folder trees and the layers a live context manager needs. */
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { Effect, Layer } from "effect"
import * as NodePath from "node:path"
import * as CodexConfig from "../../src/config/CodexConfig.js"
import * as Environment from "../../src/config/Environment.js"
import * as ContextManagerLive from "../../src/context/ContextManagerLive.js"

/** Writes `files` (relative path -> text, or bytes) below `root`, creating folders. */
export const writeTree = (root: string, files: Readonly<Record<string, string | Uint8Array>>) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    for (const [relative, content] of Object.entries(files)) {
      const path = NodePath.join(root, relative)
      yield* fs.makeDirectory(NodePath.dirname(path), { recursive: true })
      if (typeof content === "string") yield* fs.writeFileString(path, content)
      else yield* fs.writeFile(path, content)
    }
  })

/** A scoped temp folder, resolved to its real path. */
export const tempDir = Effect.gen(function* () {
  const fs = yield* FileSystem.FileSystem
  return yield* fs.realPath(yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-context-" }))
})

export type ConfigValues = Omit<Parameters<typeof CodexConfig.layerValue>[0], "model" | "provider"> & {
  readonly model?: string
}

/** A complete provider (the context does not use it). */
const testProvider: CodexConfig.ProviderInfo = {
  ...CodexConfig.providerDefaults,
  id: "test",
  name: "test",
  baseUrl: "http://127.0.0.1:1/v1"
}

/** The services `ContextManagerLive.make` needs, over real files and a given config and environment. */
export const services = (config: ConfigValues, env: Record<string, string> = {}) =>
  Layer.mergeAll(
    CodexConfig.layerValue({ model: "demo-model", provider: testProvider, ...config }),
    Environment.layerValue(env),
    NodeContext.layer
  )

/** Builds a live manager with the given options over `services(config, env)`. */
export const manager = (
  options: ContextManagerLive.Options,
  config: ConfigValues,
  env: Record<string, string> = {}
) => ContextManagerLive.make(options).pipe(Effect.provide(services(config, env)))

/** The texts of a context message's content items. */
export const texts = (item: unknown): ReadonlyArray<string> => {
  const content = (item as { contentItems?: ReadonlyArray<{ text?: unknown }> }).contentItems ?? []
  return content.map((c) => String(c.text))
}
