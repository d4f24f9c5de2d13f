/** The app served as a web handler (no Node response to write to): the stream takes the encoded path, with the same events and deadline. */
import * as HttpApp from "@effect/platform/HttpApp"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Environment from "../../../src/config/Environment.js"
import * as WireHttpClient from "../../../src/model/wireHttpClient.js"
import * as PayloadProcessors from "../../../src/server/request/PayloadProcessors.js"
import * as ResponsesServer from "../../../src/server/ResponsesServer.js"
import * as ServerConfig from "../../../src/server/ServerConfig.js"
import * as FakeChatServer from "../../support/FakeChatServer.js"
import { chatReply, chunk, textChunks } from "../../support/FakeChatServer.js"
import { eventTypes, inbound, userMessage } from "./support.js"

const handlerFor = (config: Partial<ServerConfig.ServerConfig>) =>
  Effect.gen(function* () {
    const app = yield* ResponsesServer.makeApp(ServerConfig.make(config))
    return HttpApp.toWebHandlerRuntime(yield* Effect.runtime<never>())(app)
  }).pipe(Effect.provide(Layer.mergeAll(WireHttpClient.layer, Environment.layerValue({}), PayloadProcessors.layer(), NodeFileSystem.layer)))

const post = (handler: (request: Request) => Promise<Response>, body: string) =>
  Effect.promise(async () => {
    const response = await handler(new Request("http://127.0.0.1/v1/responses", { method: "POST", body, headers: { "content-type": "application/json" } }))
    return { status: response.status, text: await response.text() }
  })

describe("the app as a web handler", () => {
  it.scopedLive("streams the same events", () =>
    Effect.gen(function* () {
      const fake = yield* FakeChatServer.make({ chat: [chatReply(textChunks("Hello"))] })
      const handler = yield* handlerFor({ outcommingBaseUrl: fake.url })
      const reply = yield* post(handler, inbound("", [userMessage("hi")]))
      expect(reply.status).toBe(200)
      expect(eventTypes(reply.text)).toEqual([
        "response.created", "response.output_item.added", "response.content_part.added", "response.output_text.delta",
        "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"
      ])
    }))

  it.scopedLive("ends a stream at the request deadline with response.failed", () =>
    Effect.gen(function* () {
      const fake = yield* FakeChatServer.make({ chat: [{ _tag: "Hang", chunks: [chunk({ role: "assistant", content: "par" })] }] })
      const handler = yield* handlerFor({ outcommingBaseUrl: fake.url, requestDeadlineSeconds: 0.3 })
      const reply = yield* post(handler, inbound("", [userMessage("hi")]))
      const types = eventTypes(reply.text)
      expect(types.at(-1)).toBe("response.failed")
      expect(reply.text).toContain("the request did not finish within its deadline of 0.3 seconds")
    }))
})
