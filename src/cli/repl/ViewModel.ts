/** ViewModel: the interactive view's state, turning agent events and user actions into terminal output. */
import type { SubmissionEvent } from "../../agent/AgentRuntime.js"
import { indicatorPercent } from "../../context/ContextWindow.js"
import type { AgentEvent } from "../../protocol/AgentEvent.js"
import type { Usage } from "../../protocol/ModelEvent.js"
import type { Turn } from "../../session/SessionHistory.js"
import {
  planItems,
  planLines,
  reconnectingText,
  spawnedNickname,
  toolLabel,
  toolLine,
  toolSummary,
  truncate,
  webLine,
  withNicknames
} from "../progress/ProgressView.js"
import { type ColorKind, colorize, toolLineKind } from "./Colors.js"
import { basePrompt, errorBlock, historyLines, type Output, preview } from "./Format.js"
import { makeSpinner, promptFrame, type Spinner } from "./Spinner.js"

export type { Output } from "./Format.js"

export interface ViewModel {
  readonly spinner: Spinner
  readonly inputActive: boolean
  /** Assistant text is being written raw. */
  readonly streaming: boolean
  /** Assistant text arrived while the prompt was open and waits in the prompt area. */
  readonly streamingInPrompt: boolean
  readonly title: string | undefined
  readonly turns: ReadonlyArray<Turn>
  readonly percent: number | undefined
  /** Submissions whose `turn_started` was seen and whose end was not. */
  readonly pendingSubmissions: number
  readonly handle: (event: SubmissionEvent) => ReadonlyArray<Output>
  readonly setInputActive: (active: boolean, resumeSpinner?: boolean) => ReadonlyArray<Output>
  /** Moves text streamed into the prompt area to normal output (the prompt was closed for it). */
  readonly handOff: () => ReadonlyArray<Output>
  /** The prompt to show now (`nowMillis` picks the spinner glyph above it). */
  readonly promptText: (nowMillis: number) => string
  /** Prints `[steer] queued: ...` and repeats it as `[steer] inserted: ...` when the submission starts. */
  readonly showSteerQueued: (submissionId: string, text: string) => ReadonlyArray<Output>
  /** Prints `[steer] inserted: ...` when the submission starts. */
  readonly recordSteerInserted: (submissionId: string, text: string) => void
  readonly line: (text: string, kind?: ColorKind) => ReadonlyArray<Output>
  readonly error: (message: string) => ReadonlyArray<Output>
  readonly finishStream: () => ReadonlyArray<Output>
  readonly history: () => ReadonlyArray<Output>
  /** Context usage reported outside a turn (`/compact`). */
  readonly usage: (usage: Usage | null) => void
  /** A resumed session: new title and turns, nothing pending. */
  readonly resetSession: (title: string, turns: ReadonlyArray<Turn>) => void
  /** A title the user chose (`/title <text>`). */
  readonly setTitle: (title: string) => void
  /** A compacted history: new turns, same title. */
  readonly resetTurns: (turns: ReadonlyArray<Turn>) => void
  /** Ends the view: stops the spinner and closes a stream. */
  readonly close: () => ReadonlyArray<Output>
}

export interface ViewOptions {
  readonly colors: boolean
  /** The usable context window; undefined hides the percentage. */
  readonly contextWindow: number | undefined
}

/** Ends assistant text streamed by an attempt that failed and is retried. */
export const CUT_OFF = " [incomplete; retrying]"

const raw = (text: string): Output => ({ _tag: "Raw", text })
const rawAll = (texts: ReadonlyArray<string>): Array<Output> => texts.map(raw)

/** A fresh view. Every method returns what to write, in order. */
export const makeViewModel = (options: ViewOptions): ViewModel => {
  const colors = options.colors
  const spinner = makeSpinner(colors)
  let inputActive = false
  let streaming = false
  let inPrompt = false
  let buffer = ""
  let title: string | undefined
  let turns: Array<Turn> = []
  let percent = indicatorPercent(options.contextWindow, undefined)
  let pending = new Map<string, string>()
  let steerInserted = new Map<string, Array<string>>()
  let queued = new Map<string, Array<string>>()
  const nicknames = new Map<string, string>()

  const line = (text: string, kind?: ColorKind): Array<Output> => [
    ...rawAll(spinner.clear()),
    { _tag: "Line", text: kind === undefined ? text : colorize(text, kind, colors) }
  ]

  const finishStream = (): Array<Output> => {
    const out = rawAll(spinner.clear())
    if (streaming) out.push(raw("\n"))
    streaming = false
    inPrompt = false
    buffer = ""
    return out
  }

  /** Pauses while the prompt is open, else runs with the label (and draws a frame when asked). */
  const busy = (label: string, renderNow: boolean): Array<Output> => {
    spinner.setLabel(label)
    if (inputActive) return rawAll(spinner.pause())
    spinner.resume()
    return renderNow ? rawAll(spinner.render()) : []
  }

  const usage = (value: Usage | null): void => {
    const total = value?.total_tokens
    percent = typeof total === "number" && Number.isInteger(total)
      ? indicatorPercent(options.contextWindow, total)
      : undefined
    if (options.contextWindow === undefined) percent = undefined
  }

  const handOff = (): Array<Output> => {
    if (!inPrompt) return []
    const text = buffer
    inPrompt = false
    inputActive = false
    buffer = ""
    streaming = true
    return [...rawAll(spinner.pause()), raw("assistant> "), ...(text === "" ? [] : [raw(text)])]
  }

  const finalize = (finalText: string | null | undefined, standalone: boolean): Array<Output> => {
    const out = rawAll(spinner.finishTurn())
    if (inPrompt) {
      const text = finalText !== null && finalText !== undefined && finalText !== "" ? finalText : buffer
      inPrompt = false
      buffer = ""
      if (text !== "") out.push(...line(`assistant> ${text}`, "assistant"))
    } else if (streaming) {
      streaming = false
      out.push(raw("\n"))
    } else if (standalone && finalText !== null && finalText !== undefined && finalText !== "") {
      out.push(...line(`assistant> ${finalText}`, "assistant"))
    }
    return out
  }

  const toolCompleted = (event: Extract<AgentEvent, { _tag: "tool_completed" }>): Array<Output> => {
    let summary = toolSummary(event.call, event.result)
    if (summary !== undefined && ["wait_agent", "send_input", "resume_agent", "close_agent"].includes(event.toolName)) {
      summary = withNicknames(summary, nicknames)
    }
    if (event.toolName === "update_plan" && !event.isError) {
      const [head = "", ...steps] = planLines(summary, planItems(event.call))
      return [...line(head, "plan"), ...steps.flatMap((step) => line(step, "plan"))]
    }
    const text = toolLine(event.toolName, summary, event.isError)
    if (event.toolName === "spawn_agent" && !event.isError && summary !== undefined) {
      const spawned = spawnedNickname(summary)
      if (spawned !== undefined) nicknames.set(spawned[0], spawned[1])
    }
    return line(text, toolLineKind(text))
  }

  const handle = ({ event, submissionId }: SubmissionEvent): ReadonlyArray<Output> => {
    const sub = submissionId ?? event.turnId
    switch (event._tag) {
      case "turn_started": {
        const text = event.userText.trim() !== ""
          ? event.userText.trim()
          : event.userTexts.filter((t) => t.trim() !== "").join("\n")
        const out: Array<Output> = []
        if (title === undefined && text !== "") {
          title = truncate(text, 48)
          out.push(...line(`Session: ${title}`))
        }
        pending.set(sub, text)
        for (const shown of [...(steerInserted.get(sub) ?? []), ...(queued.get(sub) ?? [])]) {
          out.push(...line(`[steer] inserted: ${shown}`, "status"))
        }
        steerInserted.delete(sub)
        queued.delete(sub)
        if (text !== "") out.push(...line(`user> ${text}`))
        out.push(...rawAll(spinner.startTurn("thinking")))
        if (inputActive) out.push(...rawAll(spinner.pause()))
        return out
      }
      case "model_called":
        return busy("waiting model", false)
      case "token_count":
        usage(event.usage)
        return []
      case "stream_error":
        // Text the failed attempt streamed stays, marked as cut off; text held in the prompt area
        // was never output and goes. The retried answer then shows in full, once.
        return [
          ...(streaming ? [raw(CUT_OFF)] : []),
          ...finishStream(),
          ...line(`[status] ${reconnectingText(event, true)}`, "status"),
          ...busy("reconnecting", false)
        ]
      case "auto_compact_started": {
        const text = event.totalTokens !== undefined && event.tokenLimit !== undefined
          ? `[status] auto-compact: ${event.totalTokens}/${event.tokenLimit} tokens`
          : "[status] auto-compact"
        return [...finishStream(), ...line(text, "status"), ...busy("compacting context", true)]
      }
      case "auto_compact_completed":
        return [
          ...finishStream(),
          ...line(event.summary === "" ? "[status] context compacted" : `[status] ${event.summary}`, "status"),
          ...busy("thinking", true)
        ]
      case "auto_compact_failed":
        return [
          ...finishStream(),
          ...line(event.error === "" ? "[error] auto-compact failed" : `[error] auto-compact failed: ${event.error}`, "error"),
          ...busy("thinking", true)
        ]
      case "assistant_delta": {
        if (event.delta === "") return []
        if (inputActive) {
          inPrompt = true
          buffer += event.delta
          return []
        }
        const out: Array<Output> = inPrompt ? handOff() : []
        if (!streaming) {
          out.push(...rawAll(spinner.pause()), raw("assistant> "))
          streaming = true
        }
        out.push(raw(event.delta))
        return out
      }
      case "tool_called":
        if (event.webSearch === undefined) return []
        return [...finishStream(), ...line(webLine(event.webSearch), "web"), ...busy("running provider tools", true)]
      case "tool_started":
        return [...finishStream(), ...busy(toolLabel(event.toolName, event.call.arguments), true)]
      case "tool_completed":
        return [...finishStream(), ...toolCompleted(event), ...busy("thinking", true)]
      case "turn_completed": {
        const out = finalize(event.outputText, true)
        const user = pending.get(sub)
        pending.delete(sub)
        if (user !== undefined && user !== "") turns.push({ user, assistant: event.outputText ?? "" })
        return out
      }
      case "turn_interrupted": {
        const out = finalize(event.outputText, false)
        const user = pending.get(sub)
        pending.delete(sub)
        if (event.outputText !== undefined && event.outputText !== "") turns.push({ user: user ?? "", assistant: event.outputText })
        return out
      }
      case "turn_failed": {
        const out = [...rawAll(spinner.finishTurn()), ...finishStream()]
        pending.delete(sub)
        return out
      }
      case "model_completed":
        return []
    }
  }

  return {
    spinner,
    get inputActive() {
      return inputActive
    },
    get streaming() {
      return streaming
    },
    get streamingInPrompt() {
      return inPrompt
    },
    get title() {
      return title
    },
    get turns() {
      return turns
    },
    get percent() {
      return percent
    },
    get pendingSubmissions() {
      return pending.size
    },
    handle,
    setInputActive: (active, resumeSpinner = false) => {
      inputActive = active
      if (active) return rawAll(spinner.pause())
      if (resumeSpinner) spinner.resume()
      return []
    },
    handOff,
    promptText: (nowMillis) => {
      const base = basePrompt(percent)
      if (!inputActive) return base
      if (inPrompt) return buffer === "" ? "\n" : `assistant> ${buffer}\n`
      if (spinner.active) return `${promptFrame(nowMillis, spinner.label)}\n${base}`
      return base
    },
    showSteerQueued: (submissionId, text) => {
      const shown = preview(text)
      queued.set(submissionId, [...(queued.get(submissionId) ?? []), shown])
      return line(`[steer] queued: ${shown}`, "status")
    },
    recordSteerInserted: (submissionId, text) => {
      steerInserted.set(submissionId, [...(steerInserted.get(submissionId) ?? []), preview(text)])
    },
    line,
    error: (message) => errorBlock(message).flatMap((text) => line(text, "error")),
    finishStream,
    history: () => [...finishStream(), ...historyLines(title, turns).flatMap((text) => line(text))],
    usage,
    resetSession: (nextTitle, nextTurns) => {
      title = nextTitle
      turns = [...nextTurns]
      pending = new Map()
      steerInserted = new Map()
      queued = new Map()
    },
    setTitle: (nextTitle) => {
      title = nextTitle
    },
    resetTurns: (nextTurns) => {
      turns = [...nextTurns]
    },
    close: () => [...rawAll(spinner.finishTurn()), ...finishStream()]
  }
}
