// tscodex embedded: a custom tool that needs a service, one scripted turn read as a Stream, the rollout read back from memory.
import { Console, Context, Effect, Either, Layer, Schema, Stream } from "effect"
import { TurnStream } from "tscodex/agent"
import { CodexConfig } from "tscodex/config"
import { ModelClient } from "tscodex/model"
import { Items } from "tscodex/protocol"
import { RolloutReader, RolloutStore } from "tscodex/session"
import { Agent } from "tscodex/stack"
import { Tool } from "tscodex/tools"

// A service the tool needs; whoever builds the agent provides it.
class EchoPrefix extends Context.Tag("example/EchoPrefix")<EchoPrefix, { readonly text: string }>() {}

// The tool. The model sees the JSON Schema of `parameters`; the handler is an Effect that needs EchoPrefix.
const echo = Tool.make({
  name: "echo",
  description: "Repeats the given text.",
  parameters: Schema.Struct({ text: Schema.String }),
  success: Schema.Struct({ echoed: Schema.String }),
  supportsParallel: true,
  handler: ({ text }) => Effect.map(EchoPrefix, (prefix) => ({ echoed: `${prefix.text}${text}` }))
})

// A scripted model instead of a provider: it calls the tool, then answers.
const model = ModelClient.layerScripted([
  ModelClient.items(Items.toolCall("call_1", "echo", { text: "hello" })),
  ModelClient.items(Items.assistantMessage("The tool said: echo: hello"))
])

const program = Effect.gen(function*() {
  const memory = yield* RolloutStore.makeMemory()
  // The agent with the built-in tools plus ours. Leave out the EchoPrefix layer and this does not compile.
  const agent = Agent.layer({ tools: [echo] }).pipe(
    Layer.provide(Layer.succeed(EchoPrefix, { text: "echo: " })),
    Layer.provide(model),
    Layer.provide(Layer.succeed(RolloutStore.RolloutStore, memory.store)),
    Layer.provide(CodexConfig.layerValue({ model: "scripted-model", provider: { baseUrl: "http://127.0.0.1:9/v1" } })),
    Layer.provide(Agent.layerPlatform)
  )

  // One turn as a Stream: the loop's events, then the result.
  yield* TurnStream.runTurnStream(["Please echo hello."]).pipe(
    Stream.runForEach((item) =>
      TurnStream.isDone(item)
        ? Console.log(`answer: ${item.result.outputText}`)
        : item._tag === "tool_completed"
        ? Console.log(`event: tool_completed ${JSON.stringify(item.result.output)}`)
        : Console.log(`event: ${item._tag}`)
    ),
    Effect.provide(agent)
  )

  // The rollout the turn wrote, read back from memory.
  const [path, text] = [...(yield* memory.files)][0]!
  const session = yield* Either.flatMap(RolloutReader.parseRollout(text, path), (parsed) => RolloutReader.loadParsed(parsed))
  yield* Console.log(`rollout: ${session.history.length} history items in ${session.turns.length} turn(s)`)
})

await Effect.runPromise(program)
