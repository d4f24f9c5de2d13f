/** Small file helpers shared by the context builders: lossy UTF-8 reads and text normalisation. */
import type * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Option } from "effect"

const lossy = new TextDecoder("utf-8", { fatal: false })

/** Decodes UTF-8, replacing invalid bytes with U+FFFD. */
export const decodeLossy = (bytes: Uint8Array): string => lossy.decode(bytes)

/** Reads a file as UTF-8 with replacement; `None` when it is missing or cannot be read. */
export const readTextIfReadable = (fs: FileSystem.FileSystem, path: string): Effect.Effect<Option.Option<string>> =>
  fs.readFile(path).pipe(
    Effect.map((bytes) => Option.some(decodeLossy(bytes))),
    Effect.orElseSucceed(() => Option.none<string>())
  )

/** Whether `path` exists and is a regular file (symlinks followed). */
export const isRegularFile = (fs: FileSystem.FileSystem, path: string): Effect.Effect<boolean> =>
  fs.stat(path).pipe(
    Effect.map((info) => info.type === "File"),
    Effect.orElseSucceed(() => false)
  )

/** Whether `path` exists and is a directory (symlinks followed). */
export const isDirectory = (fs: FileSystem.FileSystem, path: string): Effect.Effect<boolean> =>
  fs.stat(path).pipe(
    Effect.map((info) => info.type === "Directory"),
    Effect.orElseSucceed(() => false)
  )

/** The resolved path, or the path itself when it cannot be resolved. */
export const realPathOr = (fs: FileSystem.FileSystem, path: string): Effect.Effect<string> =>
  fs.realPath(path).pipe(Effect.orElseSucceed(() => path))

/** A configured text value: stripped, and absent when blank. */
export const normalizeText = (value: string | undefined | null): string | undefined => {
  if (value === undefined || value === null) return undefined
  const text = value.trim()
  return text === "" ? undefined : text
}
