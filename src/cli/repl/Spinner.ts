/** Spinner: the "working" indicator's state; frames are drawn only when the view asks, never by a timer. */
import { colorize } from "./Colors.js"

export const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"] as const

/** Erases the current terminal line and returns to its start. */
export const CLEAR_LINE = "\r\x1b[2K"

/** `<glyph> <label>`, or the glyph alone without a label. */
export const frameText = (index: number, label: string): string => {
  const glyph = FRAMES[((index % FRAMES.length) + FRAMES.length) % FRAMES.length]!
  return label === "" ? glyph : `${glyph} ${label}`
}

/** The frame shown above the input prompt: its glyph follows the clock (one step per 120 ms). */
export const promptFrame = (nowMillis: number, label: string): string => frameText(Math.floor(nowMillis / 120), label)

export interface Spinner {
  readonly active: boolean
  readonly paused: boolean
  readonly label: string
  readonly visible: boolean
  /** Starts a turn: active, running, with this label. */
  readonly startTurn: (label: string) => ReadonlyArray<string>
  /** Ends the turn and erases a visible frame. */
  readonly finishTurn: () => ReadonlyArray<string>
  readonly pause: () => ReadonlyArray<string>
  readonly resume: () => void
  readonly setLabel: (label: string) => void
  /** Erases a visible frame. */
  readonly clear: () => ReadonlyArray<string>
  /** Draws the next frame now (nothing while inactive or paused). */
  readonly render: () => ReadonlyArray<string>
}

/** A spinner; the returned arrays are raw terminal writes. */
export const makeSpinner = (colors: boolean): Spinner => {
  let active = false
  let paused = false
  let label = ""
  let visible = false
  let counter = 0
  const clear = (): ReadonlyArray<string> => {
    if (!visible) return []
    visible = false
    return [CLEAR_LINE]
  }
  return {
    get active() {
      return active
    },
    get paused() {
      return paused
    },
    get label() {
      return label
    },
    get visible() {
      return visible
    },
    startTurn: (next) => {
      active = true
      paused = false
      label = next
      return []
    },
    finishTurn: () => {
      active = false
      paused = false
      return clear()
    },
    pause: () => {
      paused = true
      return clear()
    },
    resume: () => {
      paused = false
    },
    setLabel: (next) => {
      label = next
    },
    clear,
    render: () => {
      if (!active || paused) return []
      const frame = frameText(counter, label)
      counter += 1
      visible = true
      return [CLEAR_LINE + colorize(frame, "status", colors)]
    }
  }
}
