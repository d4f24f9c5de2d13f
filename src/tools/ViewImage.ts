/** ViewImage: the `view_image` tool, which attaches a local image file to the conversation as a data URL. */
import * as FileSystem from "@effect/platform/FileSystem"
import type { PlatformError } from "@effect/platform/Error"
import { Effect, Encoding, Schema } from "effect"
import * as NodePath from "node:path"
import { compactJson } from "../protocol/Items.js"
import * as Tool from "./Tool.js"

export const NAME = "view_image"

/** Both arguments are checked by hand so that each problem gets its own message. */
export const Parameters = Schema.Struct({
  path: Tool.requiredArgument(Schema.Unknown.annotations({ jsonSchema: { type: "string", description: "Path of the image file on this machine." } })),
  detail: Tool.undeclaredArgument(Schema.Unknown)
})
export type Parameters = typeof Parameters.Type

/** Image types by lower-case file extension; the content of the file is never sniffed. */
export const IMAGE_TYPES: Readonly<Record<string, string>> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  jpe: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  bmp: "image/bmp",
  svg: "image/svg+xml",
  tif: "image/tiff",
  tiff: "image/tiff",
  ico: "image/vnd.microsoft.icon",
  avif: "image/avif",
  heic: "image/heic",
  heif: "image/heif",
  ief: "image/ief",
  pbm: "image/x-portable-bitmap",
  pgm: "image/x-portable-graymap",
  pnm: "image/x-portable-anymap",
  ppm: "image/x-portable-pixmap",
  ras: "image/x-cmu-raster",
  rgb: "image/x-rgb",
  xbm: "image/x-xbitmap",
  xpm: "image/x-xpixmap",
  xwd: "image/x-xwindowdump"
}

/** The image type of a file name, from its extension alone. */
export const mimeTypeOf = (path: string): string | undefined => {
  const extension = NodePath.extname(path).slice(1).toLowerCase()
  return Object.hasOwn(IMAGE_TYPES, extension) ? IMAGE_TYPES[extension] : undefined
}

/** `data:<mime>;base64,<standard base64 with padding>`. */
export const dataUrl = (mime: string, bytes: Uint8Array): string => `data:${mime};base64,${Encoding.encodeBase64(bytes)}`

/** A JSON value as text: strings as they are, nothing for `null`, JSON for objects and arrays. */
const textOf = (value: unknown): string => {
  if (typeof value === "string") return value
  if (value === null || value === undefined) return ""
  if (typeof value === "number" || typeof value === "boolean") return String(value)
  return compactJson(value)
}

/** Error names the model sees when the file system refuses. */
const failure = (error: PlatformError): Tool.ToolFailure =>
  new Tool.ToolFailure({
    name: error._tag === "SystemError" && error.reason === "PermissionDenied" ? "PermissionError" : "OSError",
    message: error.message
  })

/** Whether a stat failure means "there is nothing at this path" (missing, or a parent is not a folder). */
const isMissing = (error: PlatformError): boolean =>
  error._tag === "SystemError" && (error.reason === "NotFound" || error.reason === "BadResource")

/**
 * The view_image tool. Relative paths are read from `workspaceRoot` (default: the current
 * directory); symbolic links are followed to the real file.
 */
export const make = (workspaceRoot: string = process.cwd()): Effect.Effect<Tool.Tool<Parameters>, never, FileSystem.FileSystem> =>
  Effect.map(FileSystem.FileSystem, (fs) => {
    /** The absolute path with links resolved; for a missing file, as far as its folder exists. */
    const resolve = (path: string) => {
      const absolute = NodePath.resolve(workspaceRoot, path)
      return fs.realPath(absolute).pipe(
        Effect.orElse(() =>
          Effect.map(fs.realPath(NodePath.dirname(absolute)), (dir) => NodePath.join(dir, NodePath.basename(absolute)))
        ),
        Effect.orElseSucceed(() => absolute)
      )
    }
    return Tool.make({
      name: NAME,
      description: "Shows a local image file (for example a screenshot or a chart) to the model. Use it when an image the user mentioned by path is not already attached to the conversation.",
      parameters: Parameters,
      supportsParallel: true,
      handler: (args) =>
        Effect.gen(function*() {
          const raw = textOf(args.path).trim()
          if (raw === "") return "Error: `path` is required."
          const detailText = textOf(args.detail)
          if (detailText !== "" && detailText !== "original") {
            return `Error: \`detail\` only supports \`original\`; omit \`detail\` for default behavior, got \`${detailText}\`.`
          }
          const detail = detailText === "original" ? "original" : null
          const path = yield* resolve(raw)
          const info = yield* fs.stat(path).pipe(Effect.either)
          if (info._tag === "Left") {
            if (isMissing(info.left)) return `Error: unable to locate image at \`${path}\`.`
            return yield* failure(info.left)
          }
          if (info.right.type !== "File") return `Error: image path \`${path}\` is not a file.`
          const mime = mimeTypeOf(path)
          if (mime === undefined) return `Error: \`${path}\` does not look like an image file.`
          const bytes = yield* fs.readFile(path).pipe(Effect.mapError(failure))
          const imageUrl = dataUrl(mime, bytes)
          return Tool.structured({
            output: { image_url: imageUrl, detail },
            contentItems: [{ type: "input_image", image_url: imageUrl, ...(detail !== null ? { detail } : {}) }]
          })
        })
    })
  })
