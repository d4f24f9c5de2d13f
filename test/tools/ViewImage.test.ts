/** view_image through the registry, on real files in a temp dir: data URLs, path rules, refusal texts. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { SystemError } from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Encoding, Option } from "effect"
import * as NodePath from "node:path"
import { toolCall, toResponsesInputUnsafe } from "../../src/protocol/Items.js"
import { serializeToolSpec } from "../../src/protocol/Prompt.js"
import type * as Tool from "../../src/tools/Tool.js"
import * as ToolRegistry from "../../src/tools/ToolRegistry.js"
import * as ViewImage from "../../src/tools/ViewImage.js"
import * as ExecTools from "../support/ExecTools.js"

const context: Tool.ToolContext = { turnId: "turn-1", history: [], collaborationMode: "default" }

/** A 1x1 PNG. */
const PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
const PNG = Either.getOrThrow(Encoding.decodeBase64(PNG_BASE64))
const PNG_URL = `data:image/png;base64,${PNG_BASE64}`

/** A temp workspace (removed with the test's scope) with `pixel.png` in it, and a registry rooted there. */
const setup = Effect.gen(function*() {
  const fs = yield* FileSystem.FileSystem
  const root = yield* fs.realPath(yield* fs.makeTempDirectoryScoped({ prefix: "view-image-" }))
  yield* fs.writeFile(NodePath.join(root, "pixel.png"), PNG)
  const registry = ToolRegistry.make([yield* ViewImage.make(root)])
  const run = (args: unknown) => registry.execute(toolCall("call-img", "view_image", args), context)
  return { fs, root, registry, run }
})

describe("view_image", () => {
  it.scoped("is declared exactly as in exec_tools.json and runs in parallel", () =>
    Effect.gen(function*() {
      const tool = yield* ViewImage.make()
      const registry = ToolRegistry.make([tool])
      expect(registry.specs.map((s) => Either.getOrThrow(serializeToolSpec(s)))).toEqual([ExecTools.declarations[6]])
      expect(ExecTools.declarations[6]?.name).toBe("view_image")
      expect(registry.supportsParallel("view_image")).toBe(true)
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("returns a 1x1 PNG as one input_image content item with a base64 data URL", () =>
    Effect.gen(function*() {
      const { root, run } = yield* setup
      const result = yield* run({ path: NodePath.join(root, "pixel.png") })
      expect(result.isError).toBe(false)
      expect(result.contentItems).toEqual([{ type: "input_image", image_url: PNG_URL }])
      expect(Object.keys(result.contentItems![0]!)).toEqual(["type", "image_url"])
      expect(result.output).toEqual({ image_url: PNG_URL, detail: null })
      expect(result.success).toBeUndefined()
      const wire = toResponsesInputUnsafe(result)
      expect(wire).toEqual({ type: "function_call_output", call_id: "call-img", output: [{ type: "input_image", image_url: PNG_URL }] })
      expect((wire.output as Array<{ type: string; image_url: string }>)[0]!.image_url.startsWith("data:image/png;base64,")).toBe(true)
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("keeps detail `original` and refuses any other detail", () =>
    Effect.gen(function*() {
      const { run } = yield* setup
      const original = yield* run({ path: "pixel.png", detail: "original" })
      expect(original.contentItems).toEqual([{ type: "input_image", image_url: PNG_URL, detail: "original" }])
      expect(original.output).toEqual({ image_url: PNG_URL, detail: "original" })
      for (const detail of [null, ""]) {
        expect((yield* run({ path: "pixel.png", detail })).contentItems).toEqual([{ type: "input_image", image_url: PNG_URL }])
      }
      const cases: ReadonlyArray<readonly [unknown, string]> = [["high", "high"], ["Original", "Original"], [2, "2"], [false, "false"]]
      for (const [detail, shown] of cases) {
        const result = yield* run({ path: "pixel.png", detail })
        expect(result.isError).toBe(false)
        expect(result.output).toBe(
          `Error: \`detail\` only supports \`original\`; omit \`detail\` for default behavior, got \`${shown}\`.`
        )
      }
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("needs a path", () =>
    Effect.gen(function*() {
      const { run } = yield* setup
      for (const args of [{}, { path: "" }, { path: "   " }, { path: null }]) {
        const result = yield* run(args)
        expect(result.isError).toBe(false)
        expect(result.output, JSON.stringify(args)).toBe("Error: `path` is required.")
      }
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("reads relative paths from the workspace root and follows symbolic links", () =>
    Effect.gen(function*() {
      const { fs, root, run } = yield* setup
      yield* fs.makeDirectory(NodePath.join(root, "shots"))
      yield* fs.writeFile(NodePath.join(root, "shots", "Screen.PNG"), PNG)
      const relative = yield* run({ path: "  shots/Screen.PNG  " })
      expect(relative.contentItems).toEqual([{ type: "input_image", image_url: PNG_URL }])
      yield* fs.symlink(NodePath.join(root, "pixel.png"), NodePath.join(root, "link.png"))
      expect((yield* run({ path: "link.png" })).contentItems).toEqual([{ type: "input_image", image_url: PNG_URL }])
      // the type comes from the file the link points to
      yield* fs.symlink(NodePath.join(root, "pixel.png"), NodePath.join(root, "link.bin"))
      expect((yield* run({ path: "link.bin" })).contentItems).toEqual([{ type: "input_image", image_url: PNG_URL }])
      yield* fs.writeFile(NodePath.join(root, "data.bin"), PNG)
      yield* fs.symlink(NodePath.join(root, "data.bin"), NodePath.join(root, "alias.png"))
      expect((yield* run({ path: "alias.png" })).output).toBe(`Error: \`${NodePath.join(root, "data.bin")}\` does not look like an image file.`)
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("says when the image is missing, is a folder, or is not an image, naming the resolved path", () =>
    Effect.gen(function*() {
      const { fs, root, run } = yield* setup
      yield* fs.makeDirectory(NodePath.join(root, "folder.png"))
      yield* fs.writeFileString(NodePath.join(root, "notes.txt"), "hello")
      yield* fs.writeFileString(NodePath.join(root, "noext"), "hello")
      yield* fs.symlink(NodePath.join(root, "gone.png"), NodePath.join(root, "dangling.png"))
      const cases: ReadonlyArray<readonly [string, string]> = [
        ["missing.png", `Error: unable to locate image at \`${NodePath.join(root, "missing.png")}\`.`],
        [NodePath.join(root, "nope", "deeper.png"), `Error: unable to locate image at \`${NodePath.join(root, "nope", "deeper.png")}\`.`],
        ["pixel.png/inside.png", `Error: unable to locate image at \`${NodePath.join(root, "pixel.png", "inside.png")}\`.`],
        ["dangling.png", `Error: unable to locate image at \`${NodePath.join(root, "dangling.png")}\`.`],
        ["folder.png", `Error: image path \`${NodePath.join(root, "folder.png")}\` is not a file.`],
        ["notes.txt", `Error: \`${NodePath.join(root, "notes.txt")}\` does not look like an image file.`],
        ["noext", `Error: \`${NodePath.join(root, "noext")}\` does not look like an image file.`]
      ]
      for (const [path, message] of cases) {
        const result = yield* run({ path })
        expect(result.isError, path).toBe(false)
        expect(result.output, path).toBe(message)
      }
    }).pipe(Effect.provide(NodeContext.layer)))

  it.effect("a file system refusal is an error result named after it", () =>
    Effect.gen(function*() {
      const info: FileSystem.File.Info = {
        type: "File",
        mtime: Option.none(),
        atime: Option.none(),
        birthtime: Option.none(),
        dev: 0,
        ino: Option.none(),
        mode: 0o644,
        nlink: Option.none(),
        uid: Option.none(),
        gid: Option.none(),
        rdev: Option.none(),
        size: FileSystem.Size(70),
        blksize: Option.none(),
        blocks: Option.none()
      }
      const refusing = (reason: "PermissionDenied" | "Unknown", method: "stat" | "readFile") =>
        FileSystem.layerNoop({
          realPath: (path) => Effect.succeed(path),
          stat: (path) =>
            method === "stat"
              ? Effect.fail(new SystemError({ reason, module: "FileSystem", method, pathOrDescriptor: path, description: "refused" }))
              : Effect.succeed(info),
          readFile: (path) =>
            Effect.fail(new SystemError({ reason, module: "FileSystem", method, pathOrDescriptor: path, description: "refused" }))
        })
      const cases = [
        ["PermissionDenied", "readFile", "PermissionError"],
        ["Unknown", "readFile", "OSError"],
        ["PermissionDenied", "stat", "PermissionError"]
      ] as const
      for (const [reason, method, name] of cases) {
        const tool = yield* ViewImage.make("/images").pipe(Effect.provide(refusing(reason, method)))
        const result = yield* ToolRegistry.make([tool]).execute(toolCall("c", "view_image", { path: "x.png" }), context)
        expect(result.isError, `${reason} ${method}`).toBe(true)
        expect((result.output as { error: string }).error).toMatch(new RegExp(`^${name}: .*refused`))
      }
    }))

  it("knows image types by extension only, case-insensitively", () => {
    const expected: Record<string, string> = {
      "a.png": "image/png",
      "a.JPG": "image/jpeg",
      "a.jpeg": "image/jpeg",
      "a.jpe": "image/jpeg",
      "a.gif": "image/gif",
      "a.webp": "image/webp",
      "a.bmp": "image/bmp",
      "a.svg": "image/svg+xml",
      "a.tif": "image/tiff",
      "a.TIFF": "image/tiff",
      "a.ico": "image/vnd.microsoft.icon",
      "a.avif": "image/avif",
      "a.heic": "image/heic",
      "a.heif": "image/heif",
      "a.ief": "image/ief",
      "a.pbm": "image/x-portable-bitmap",
      "a.pgm": "image/x-portable-graymap",
      "a.pnm": "image/x-portable-anymap",
      "a.ppm": "image/x-portable-pixmap",
      "a.ras": "image/x-cmu-raster",
      "a.rgb": "image/x-rgb",
      "a.xbm": "image/x-xbitmap",
      "a.xpm": "image/x-xpixmap",
      "a.xwd": "image/x-xwindowdump"
    }
    for (const [name, mime] of Object.entries(expected)) expect(ViewImage.mimeTypeOf(name), name).toBe(mime)
    for (const name of ["a.txt", "a.pdf", "a", ".png", "png", "a.constructor", "a.toString"]) {
      expect(ViewImage.mimeTypeOf(name), name).toBeUndefined()
    }
  })

  it("encodes data URLs with standard, padded base64", () => {
    expect(ViewImage.dataUrl("image/png", new Uint8Array([0xfb, 0xff]))).toBe("data:image/png;base64,+/8=")
  })
})
