/** Helpers for the config tests: a temp Codex home, files in it, and the layers the loader needs. */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Layer } from "effect"
import * as NodePath from "node:path"
import * as Environment from "../../src/config/Environment.js"

/** A scoped temp folder (real path), removed after the test. */
export const tempDir = Effect.gen(function* () {
  const fs = yield* FileSystem.FileSystem
  return yield* fs.realPath(yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-config-" }))
})

/** Writes `files` (relative path -> text) below `root`, creating folders. */
export const writeFiles = (root: string, files: Readonly<Record<string, string>>) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    for (const [relative, content] of Object.entries(files)) {
      const path = NodePath.join(root, relative)
      yield* fs.makeDirectory(NodePath.dirname(path), { recursive: true })
      yield* fs.writeFileString(path, content)
    }
  })

/** Real files and a private environment holding `vars`. */
export const layers = (vars: Record<string, string>) =>
  Layer.merge(NodeFileSystem.layer, Environment.layerValue(vars))

/** A temp home holding `files`, with the environment `vars` (HOME points at an empty temp folder unless given). */
export const withHome = <A, E>(
  files: Readonly<Record<string, string>>,
  vars: Record<string, string>,
  body: (home: string) => Effect.Effect<A, E, Environment.Environment | FileSystem.FileSystem>
) =>
  Effect.gen(function* () {
    const home = yield* tempDir
    const userHome = yield* tempDir
    yield* writeFiles(home, files)
    return yield* body(home).pipe(Effect.provide(Environment.layerValue({ HOME: userHome, ...vars })))
  }).pipe(Effect.provide(NodeFileSystem.layer))
