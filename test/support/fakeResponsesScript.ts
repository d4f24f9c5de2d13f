/** The script of the fake Responses server: turn kinds, turn selection, and the replies they make. */

/** Token usage attached to `response.completed` (`total_tokens` is filled in when absent). */
export type FakeUsage = Record<string, unknown>

export interface FakeCall {
  readonly name: string
  readonly call_id: string
  /** Arguments of a function call (an object, or JSON text sent as is). */
  readonly arguments?: unknown
  /** `custom` makes a `custom_tool_call` carrying `input`. */
  readonly kind?: "function" | "custom"
  readonly input?: string
}

interface Repeat {
  /** How many requests this turn answers (default 1). */
  readonly times?: number
}

export type FakeTurn =
  | (Repeat & {
      readonly type: "message"
      readonly text: string
      /** Characters per delta event (default: the whole text in one delta). */
      readonly deltas?: number
      readonly usage?: FakeUsage
      /** A reasoning item before the message, with this summary text. */
      readonly reasoning?: string
    })
  | (Repeat & {
      readonly type: "function_calls"
      readonly calls: ReadonlyArray<FakeCall>
      readonly reasoning?: string
      /** An assistant message before the calls. */
      readonly text?: string
      readonly usage?: FakeUsage
    })
  | (Repeat & { readonly type: "custom_tool_call"; readonly name: string; readonly call_id: string; readonly input: string; readonly usage?: FakeUsage })
  | (Repeat & { readonly type: "reasoning"; readonly summary?: string; readonly encrypted_content?: string; readonly text?: string; readonly usage?: FakeUsage })
  | (Repeat & { readonly type: "web_search_call"; readonly id?: string; readonly action?: Record<string, unknown>; readonly text?: string })
  | (Repeat & { readonly type: "failed"; readonly code?: string | null; readonly message?: string; readonly error_type?: string; readonly no_error?: boolean })
  | (Repeat & { readonly type: "http_error"; readonly status: number; readonly headers?: Record<string, string>; readonly body?: unknown })
  | (Repeat & {
      readonly type: "disconnect"
      /** Events sent before the connection is dropped. */
      readonly after_events: number
      readonly text?: string
    })
  | (Repeat & { readonly type: "hang"; readonly after_events?: number; readonly text?: string })
  | (Repeat & { readonly type: "events"; readonly events: ReadonlyArray<Record<string, unknown>>; readonly then?: "end" | "disconnect" | "hang" })

/** A recorded request, in the order received. */
export interface FakeRequest {
  readonly seq: number
  readonly method: string
  readonly path: string
  /** Lowercased names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>
  /** Names as sent, in wire order. */
  readonly rawHeaders: ReadonlyArray<readonly [string, string]>
  /** Parsed JSON body, or the text when it is not JSON, or null when empty. */
  readonly body: unknown
  /** Which turn answered (−1 for the exhausted turn or non-turn requests). */
  readonly turn_index: number
  readonly reply: string
}

export type TurnChooser = (request: FakeRequest, index: number) => FakeTurn

export interface FakeScript {
  readonly turns: ReadonlyArray<FakeTurn> | TurnChooser
  /** Answer once the turns are used up (default: a message `fake script exhausted`). */
  readonly exhausted?: FakeTurn
  /** Ids served by `GET /models` (default `["demo-model"]`). */
  readonly models?: ReadonlyArray<string>
}

/** A script as given: the fixtures' turns.json object, a bare list of turns, or the typed form. */
export type FakeScriptInput = FakeScript | ReadonlyArray<FakeTurn>

export const normalizeScript = (input: FakeScriptInput): FakeScript =>
  Array.isArray(input) ? { turns: input as ReadonlyArray<FakeTurn> } : (input as FakeScript)

/** What the server does for one request. */
export interface FakeReply {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  /** Body pieces, written one by one. */
  readonly chunks: ReadonlyArray<string>
  /** After the chunks: finish normally, drop the connection, or keep it open and silent. */
  readonly then: "end" | "disconnect" | "hang"
}

/** Picks turns in order, honouring `times`; then the exhausted turn. */
export const makeTurnPicker = (script: FakeScript) => {
  let used = 0
  return (request: FakeRequest): { readonly turn: FakeTurn; readonly index: number } => {
    const turns = script.turns
    if (typeof turns === "function") {
      const index = used++
      return { turn: turns(request, index), index }
    }
    let position = used++
    for (let index = 0; index < turns.length; index++) {
      const times = Math.max(1, turns[index]!.times ?? 1)
      if (position < times) return { turn: turns[index]!, index }
      position -= times
    }
    return { turn: script.exhausted ?? { type: "message", text: "fake script exhausted" }, index: -1 }
  }
}

const sse = (event: Record<string, unknown>): string => `event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`

/** Builds the Responses events of a turn, numbering response, items and sequence. */
export const turnEvents = (turn: FakeTurn, responseNumber: number): Array<Record<string, unknown>> => {
  const responseId = `resp_${responseNumber}`
  const events: Array<Record<string, unknown>> = []
  const output: Array<Record<string, unknown>> = []
  const push = (event: Record<string, unknown>) => events.push({ ...event, sequence_number: events.length })
  const response = (status: string, extra: Record<string, unknown> = {}) => ({
    id: responseId,
    object: "response",
    status,
    output: [...output],
    ...extra
  })
  push({ type: "response.created", response: response("in_progress") })
  push({ type: "response.in_progress", response: response("in_progress") })

  const addItem = (item: Record<string, unknown>, body?: (outputIndex: number, itemId: string) => void) => {
    const outputIndex = output.length
    const itemId = String(item.id)
    push({ type: "response.output_item.added", output_index: outputIndex, item: { ...item, status: "in_progress" } })
    body?.(outputIndex, itemId)
    const done = { ...item, status: "completed" }
    output.push(done)
    push({ type: "response.output_item.done", output_index: outputIndex, item: done })
  }
  const addMessage = (text: string, size?: number) =>
    addItem(
      { type: "message", id: `msg_${responseNumber}_${output.length}`, role: "assistant", content: [{ type: "output_text", text, annotations: [] }] },
      (outputIndex, itemId) => {
        const at = { item_id: itemId, output_index: outputIndex, content_index: 0 }
        push({ type: "response.content_part.added", ...at, part: { type: "output_text", text: "", annotations: [] } })
        const step = size !== undefined && size > 0 ? size : Math.max(1, text.length)
        for (let i = 0; i < text.length || i === 0; i += step) push({ type: "response.output_text.delta", ...at, delta: text.slice(i, i + step) })
        push({ type: "response.output_text.done", ...at, text })
        push({ type: "response.content_part.done", ...at, part: { type: "output_text", text, annotations: [] } })
      }
    )
  const addReasoning = (summary: string, encrypted?: string) =>
    addItem({
      type: "reasoning",
      id: `rs_${responseNumber}_${output.length}`,
      summary: [{ type: "summary_text", text: summary }],
      ...(encrypted !== undefined ? { encrypted_content: encrypted } : {})
    })
  const addCall = (call: FakeCall) => {
    if (call.kind === "custom") {
      addItem({ type: "custom_tool_call", id: `ctc_${call.call_id}`, call_id: call.call_id, name: call.name, input: call.input ?? "" })
      return
    }
    const args = typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments ?? {})
    addItem({ type: "function_call", id: `fc_${call.call_id}`, call_id: call.call_id, name: call.name, arguments: args }, (outputIndex, itemId) => {
      push({ type: "response.function_call_arguments.delta", item_id: itemId, output_index: outputIndex, delta: args })
      push({ type: "response.function_call_arguments.done", item_id: itemId, output_index: outputIndex, arguments: args })
    })
  }
  const complete = (usage?: FakeUsage) => {
    const filled =
      usage === undefined
        ? undefined
        : { ...usage, total_tokens: usage.total_tokens ?? Number(usage.input_tokens ?? 0) + Number(usage.output_tokens ?? 0) }
    push({ type: "response.completed", response: response("completed", filled === undefined ? {} : { usage: filled }) })
  }

  switch (turn.type) {
    case "message":
      if (turn.reasoning !== undefined) addReasoning(turn.reasoning)
      addMessage(turn.text, turn.deltas)
      complete(turn.usage)
      break
    case "function_calls":
      if (turn.reasoning !== undefined) addReasoning(turn.reasoning)
      if (turn.text !== undefined) addMessage(turn.text)
      for (const call of turn.calls) addCall(call)
      complete(turn.usage)
      break
    case "custom_tool_call":
      addCall({ kind: "custom", name: turn.name, call_id: turn.call_id, input: turn.input })
      complete(turn.usage)
      break
    case "reasoning":
      addReasoning(turn.summary ?? "", turn.encrypted_content)
      if (turn.text !== undefined) addMessage(turn.text)
      complete(turn.usage)
      break
    case "web_search_call":
      addItem({ type: "web_search_call", id: turn.id ?? `ws_${responseNumber}`, action: turn.action ?? { type: "search", query: "" } })
      addMessage(turn.text ?? "done")
      complete()
      break
    case "failed":
      push({
        type: "response.failed",
        response: response(
          "failed",
          turn.no_error === true
            ? {}
            : { error: { code: turn.code ?? null, message: turn.message ?? "", ...(turn.error_type !== undefined ? { type: turn.error_type } : {}) } }
        )
      })
      break
    case "disconnect":
    case "hang":
      push({ type: "response.output_text.delta", item_id: `msg_${responseNumber}_0`, output_index: 0, content_index: 0, delta: turn.text ?? "partial" })
      for (let i = 0; i < 8; i++) push({ type: "response.output_text.delta", item_id: `msg_${responseNumber}_0`, output_index: 0, content_index: 0, delta: turn.text ?? "partial" })
      break
    case "events":
    case "http_error":
      break
  }
  return events
}

/** The reply to one `POST /responses`. */
export const replyFor = (turn: FakeTurn, responseNumber: number): FakeReply => {
  const streamHeaders = { "content-type": "text/event-stream", "cache-control": "no-cache" }
  switch (turn.type) {
    case "http_error": {
      const body = turn.body === undefined ? "" : typeof turn.body === "string" ? turn.body : JSON.stringify(turn.body)
      const json = typeof turn.body === "object" && turn.body !== null
      return {
        status: turn.status,
        headers: { ...(json ? { "content-type": "application/json" } : { "content-type": "text/plain" }), ...turn.headers },
        chunks: [body],
        then: "end"
      }
    }
    case "events":
      return { status: 200, headers: streamHeaders, chunks: turn.events.map(sse), then: turn.then ?? "end" }
    case "disconnect":
      return { status: 200, headers: streamHeaders, chunks: turnEvents(turn, responseNumber).slice(0, turn.after_events).map(sse), then: "disconnect" }
    case "hang":
      return { status: 200, headers: streamHeaders, chunks: turnEvents(turn, responseNumber).slice(0, turn.after_events ?? 1).map(sse), then: "hang" }
    default:
      return { status: 200, headers: streamHeaders, chunks: turnEvents(turn, responseNumber).map(sse), then: "end" }
  }
}

/** The `GET /models` answer. */
export const modelsBody = (script: FakeScript): string =>
  JSON.stringify({ object: "list", data: (script.models ?? ["demo-model"]).map((id) => ({ id, object: "model", owned_by: "fake" })) })
