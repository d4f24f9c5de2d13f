// An embedding of tscodex: a custom tool that needs a service, one turn against a scripted model,
// the turn's events read as a Stream, and the rollout read back from an in-memory store.
import { Chunk, Context, Effect, Either, Layer, Schema, Stream } from "effect"
import { TurnStream } from "tscodex/agent"
import { CodexConfig } from "tscodex/config"
import { ModelClient } from "tscodex/model"
import { Items } from "tscodex/protocol"
import { RolloutReader, RolloutStore } from "tscodex/session"
import { Agent } from "tscodex/stack"
import { Tool } from "tscodex/tools"

// A service the tool needs: whoever builds the agent must provide it.
class EchoPrefix extends Context.Tag("example/EchoPrefix")<EchoPrefix, { readonly text: string }>() {}

// The tool: its Schema is the JSON Schema the model sees; its handler is an Effect needing EchoPrefix.
const echo = Tool.make({
  name: "echo",
  description: "Repeats the given text.",
  parameters: Schema.Struct({ text: Schema.String }),
  success: Schema.Struct({ echoed: Schema.String }),
  supportsParallel: true,
  handler: ({ text }) => Effect.map(EchoPrefix, (prefix) => ({ echoed: `${prefix.text}${text}` }))
})

// A scripted model: first it calls the tool, then it answers.
const model = ModelClient.layerScripted([
  ModelClient.items(Items.toolCall("call_1", "echo", { text: "hello" })),
  ModelClient.items(Items.assistantMessage("The tool said: echo: hello"))
])

const program = Effect.gen(function*() {
  const memory = yield* RolloutStore.makeMemory()
  // The assembled agent with the built-in tools plus ours; the layer's type asks for EchoPrefix.
  const agent = Agent.layer({ tools: [echo] }).pipe(
    Layer.provide(Layer.succeed(EchoPrefix, { text: "echo: " })),
    Layer.provide(model),
    Layer.provide(Layer.succeed(RolloutStore.RolloutStore, memory.store)),
    Layer.provide(CodexConfig.layerValue({ model: "scripted-model", provider: { baseUrl: "http://127.0.0.1:9/v1" } })),
    Layer.provide(Agent.layerPlatform)
  )

  // One turn as a Stream of events that ends with the result.
  const items = yield* TurnStream.runTurnStream(["Please echo hello."]).pipe(
    Stream.tap((item) => Effect.log(item._tag)),
    Stream.runCollect,
    Effect.provide(agent)
  )
  const last = Chunk.unsafeLast(items)
  if (!TurnStream.isDone(last)) return yield* Effect.dieMessage("the stream did not end with the result")
  yield* Effect.log(`answer: ${last.result.outputText}`)

  // The rollout, read back from memory.
  const [path, text] = [...(yield* memory.files)][0]!
  const parsed = yield* Either.flatMap(RolloutReader.parseRollout(text, path), (rollout) => RolloutReader.loadParsed(rollout))
  yield* Effect.log(`rollout: ${parsed.history.length} history items, ${parsed.turns.length} turn(s)`)
  return { answer: last.result.outputText, toolOutput: text.includes("echo: hello") }
})

const result = await Effect.runPromise(program)
if (result.answer !== "The tool said: echo: hello" || !result.toolOutput) {
  console.error("unexpected result", result)
  process.exit(1)
}
