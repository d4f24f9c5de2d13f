/** The user agent's terminal token under tmux, asked of a fake `tmux` on a private PATH. */
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeCommandExecutor from "@effect/platform-node/NodeCommandExecutor"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer, TestClock } from "effect"
import * as Path from "node:path"
import * as Environment from "../../src/config/Environment.js"
import * as UserAgent from "../../src/model/UserAgent.js"

const platform = Layer.merge(NodeFileSystem.layer, NodeCommandExecutor.layer.pipe(Layer.provide(NodeFileSystem.layer)))

/** A temp dir holding an executable `tmux` with this shell body; the dir goes with the Scope. */
const fakeTmux = (body: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const dir = yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-tmux-" })
    const script = Path.join(dir, "tmux")
    yield* fs.writeFileString(script, `#!/bin/sh\n${body}\n`)
    yield* fs.chmod(script, 0o755)
    return dir
  })

const token = (vars: Record<string, string>) => UserAgent.terminalToken(Environment.fromRecord(vars))

describe("terminal token under tmux", () => {
  it.scoped("is the tmux client's terminal, asked with display-message -p '#{client_termname}'", () =>
    Effect.gen(function* () {
      const dir = yield* fakeTmux(`printf '%s\\n' "$@" > "\${0%/*}/args"; printf 'screen-256color\\n'`)
      expect(yield* token({ PATH: dir, TERM_PROGRAM: "tmux", TERM: "xterm" })).toBe("screen-256color")
      const fs = yield* FileSystem.FileSystem
      expect(yield* fs.readFileString(Path.join(dir, "args"))).toBe("display-message\n-p\n#{client_termname}\n")
    }).pipe(Effect.provide(platform))
  )

  it.scoped("matches TERM_PROGRAM case-insensitively and reaches the user agent", () =>
    Effect.gen(function* () {
      const dir = yield* fakeTmux(`echo 'tmux-256color'`)
      const agent = yield* UserAgent.detect("codex-tui", "0.1.0").pipe(
        Effect.provide(Environment.layerValue({ PATH: dir, TERM_PROGRAM: "TMUX", TERM: "xterm" }))
      )
      expect(agent).toMatch(/\) tmux-256color \(codex-tui; 0\.1\.0\)$/)
    }).pipe(Effect.provide(platform))
  )

  it.scoped("falls back to TERM when tmux prints nothing", () =>
    Effect.gen(function* () {
      const dir = yield* fakeTmux(`exit 1`)
      expect(yield* token({ PATH: dir, TERM_PROGRAM: "tmux", TERM: "xterm-kitty" })).toBe("xterm-kitty")
      expect(yield* token({ PATH: dir, TERM_PROGRAM: "tmux" })).toBe("unknown")
    }).pipe(Effect.provide(platform))
  )

  it.scoped("falls back to TERM when tmux is not installed", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const empty = yield* fs.makeTempDirectoryScoped({ prefix: "tscodex-empty-" })
      expect(yield* token({ PATH: empty, TERM_PROGRAM: "tmux", TERM: "xterm" })).toBe("xterm")
    }).pipe(Effect.provide(platform))
  )

  it.scoped("falls back to TERM when tmux does not answer in time", () =>
    Effect.gen(function* () {
      const dir = yield* fakeTmux(`exec sleep 30`)
      const fiber = yield* Effect.fork(token({ PATH: dir, TERM_PROGRAM: "tmux", TERM: "xterm" }))
      yield* TestClock.adjust(UserAgent.tmuxTimeout)
      expect(yield* Fiber.join(fiber)).toBe("xterm")
    }).pipe(Effect.provide(platform))
  )

  it.effect("does not ask tmux outside tmux, nor without a process executor", () =>
    Effect.gen(function* () {
      // no CommandExecutor is provided here: reaching tmux would need one
      expect(yield* token({ TERM_PROGRAM: "iTerm.app", TERM: "xterm-256color" })).toBe("xterm-256color")
      expect(yield* token({ TERM_PROGRAM: "tmux", TERM: "screen" })).toBe("screen")
    })
  )
})
