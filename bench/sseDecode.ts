/** Benchmark: framing and decoding a 25,000-delta Responses stream (decodeSse + JSON + event schemas). */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { Chunk, Effect, Either, Stream } from "effect"
import { pathToFileURL } from "node:url"
import { providerDefaults } from "../src/config/CodexConfig.js"
import * as Environment from "../src/config/Environment.js"
import * as ResponsesModelClient from "../src/model/ResponsesModelClient.js"
import { decodeSse } from "../src/model/Sse.js"
import { userMessage } from "../src/protocol/Items.js"
import { decodeResponsesEvent } from "../src/protocol/ResponsesWire.js"

const DELTAS = Number(process.env.BENCH_DELTAS ?? 25_000)
const CHUNK_BYTES = 16 * 1024
const RUNS = Number(process.env.BENCH_SSE_RUNS ?? 5)

export interface SseDecodeResult {
  /** Events per second through decodeSse, JSON.parse and the event schemas (best of the runs). */
  readonly eventsPerSecond: number
  /** Events per second through the whole client (HTTP body to ModelEvents, in memory, 16 KB chunks). */
  readonly clientEventsPerSecond: number
  /** The same with one body chunk per event, as a provider streaming event by event delivers them. */
  readonly perEventChunkEventsPerSecond: number
  readonly events: number
}

/** The SSE body of one response: created, 25,000 deltas, item done, completed. */
const streamText = (): string => {
  const events: Array<Record<string, unknown>> = [{ type: "response.created", response: { id: "resp_1", status: "in_progress" } }]
  let text = ""
  for (let i = 0; i < DELTAS; i++) {
    const delta = `w${i % 10} `
    text += delta
    events.push({ type: "response.output_text.delta", item_id: "msg_1", output_index: 0, content_index: 0, delta, sequence_number: i + 1 })
  }
  events.push({
    type: "response.output_item.done",
    output_index: 0,
    item: { type: "message", id: "msg_1", role: "assistant", content: [{ type: "output_text", text }] }
  })
  events.push({ type: "response.completed", response: { id: "resp_1", status: "completed", usage: { total_tokens: DELTAS } } })
  return events.map((e) => `event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`).join("")
}

/** The body cut into network-sized byte chunks. */
const chunked = (text: string): ReadonlyArray<Uint8Array> => {
  const bytes = new TextEncoder().encode(text)
  const chunks: Array<Uint8Array> = []
  for (let i = 0; i < bytes.length; i += CHUNK_BYTES) chunks.push(bytes.subarray(i, i + CHUNK_BYTES))
  return chunks
}

const decodeOnly = (chunks: ReadonlyArray<Uint8Array>) =>
  Stream.fromIterable(chunks).pipe(
    Stream.decodeText(),
    decodeSse,
    Stream.map((event) => decodeResponsesEvent(JSON.parse(event.data) as Record<string, unknown>, event.event)),
    Stream.runFoldEffect(0, (n, decoded) => (Either.isRight(decoded) ? Effect.succeed(n + 1) : Effect.die(decoded.left)))
  )

/** The body cut after every event. */
const perEvent = (text: string): ReadonlyArray<Uint8Array> => {
  const encoder = new TextEncoder()
  return text.split("\n\n").filter((piece) => piece !== "").map((piece) => encoder.encode(piece + "\n\n"))
}

/** A body delivered in the given chunks, one chunk per read. */
const bodyOf = (chunks: ReadonlyArray<Uint8Array>): ReadableStream<Uint8Array> => {
  let next = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next < chunks.length) controller.enqueue(chunks[next++]!)
      else controller.close()
    }
  })
}

const throughClient = (chunks: ReadonlyArray<Uint8Array>) =>
  Effect.gen(function* () {
    const http = HttpClient.make((request) =>
      Effect.succeed(
        HttpClientResponse.fromWeb(request, new Response(bodyOf(chunks), { status: 200, headers: { "content-type": "text/event-stream" } }))
      )
    )
    const client = yield* ResponsesModelClient.make({
      provider: { ...providerDefaults, id: "bench", name: "bench", baseUrl: "http://127.0.0.1:1/v1" },
      model: "bench-model",
      sessionId: "00000000-0000-7000-8000-000000000000",
      originator: "codex_exec",
      userAgent: "bench",
      timeoutSeconds: 10
    }).pipe(Effect.provideService(HttpClient.HttpClient, http), Effect.provideService(Environment.Environment, Environment.fromRecord({})))
    const events = yield* client.stream({ input: [userMessage("hi")], tools: [], parallelToolCalls: true }).pipe(Stream.runCollect)
    return Chunk.size(events)
  })

/** Best of the runs, by CPU time of this process (the machine may be shared: wall time is noisy). */
const best = async (run: () => Promise<number>): Promise<{ readonly perSecond: number; readonly count: number }> => {
  let fastest = Infinity
  let count = 0
  await run() // warm-up
  for (let i = 0; i < RUNS; i++) {
    const started = process.cpuUsage()
    count = await run()
    const used = process.cpuUsage(started)
    fastest = Math.min(fastest, (used.user + used.system) / 1000)
  }
  return { perSecond: (count / fastest) * 1000, count }
}

export const runSseDecodeBench = async (): Promise<SseDecodeResult> => {
  const text = streamText()
  const chunks = chunked(text)
  const decode = await best(() => Effect.runPromise(decodeOnly(chunks)))
  const client = await best(() => Effect.runPromise(throughClient(chunks)))
  const single = perEvent(text)
  const perChunk = await best(() => Effect.runPromise(throughClient(single)))
  return {
    eventsPerSecond: decode.perSecond,
    clientEventsPerSecond: client.perSecond,
    perEventChunkEventsPerSecond: perChunk.perSecond,
    events: decode.count
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const result = await runSseDecodeBench()
  console.log(
    `SSE decode: ${result.events} events, ${Math.round(result.eventsPerSecond)} events/s (target 200000); ` +
      `whole client: ${Math.round(result.clientEventsPerSecond)} events/s in 16 KB chunks, ` +
      `${Math.round(result.perEventChunkEventsPerSecond)} events/s with one chunk per event`
  )
}
