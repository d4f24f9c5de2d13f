/** `tscodex responses-server`: flags become the server config (the base URL used as given). */
import * as Command from "@effect/cli/Command"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import * as ResponsesServerCommand from "../../../src/cli/ResponsesServerCommand.js"
import type { ServerConfig } from "../../../src/server/ServerConfig.js"

const parse = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const seen: Array<ServerConfig> = []
    const run = Command.run(ResponsesServerCommand.make((config) => Effect.sync(() => void seen.push(config))), {
      name: "tscodex",
      version: "0"
    })
    const result = yield* Effect.either(run(["node", "tscodex", ...args]))
    return { seen, result }
  }).pipe(Effect.provide(NodeContext.layer))

describe("responses-server command", () => {
  it.effect("takes defaults and keeps the base URL verbatim", () =>
    Effect.gen(function* () {
      const { seen } = yield* parse(["--outcomming-base-url", "http://h:8000"])
      expect(seen).toMatchObject([{
        host: "127.0.0.1",
        port: 8001,
        outcommingBaseUrl: "http://h:8000",
        outcommingApi: "chat_completions",
        outcommingApiKeyEnv: null,
        modelProvider: null,
        timeoutSeconds: 120
      }])
    }))

  it.effect("reads every flag", () =>
    Effect.gen(function* () {
      const { seen } = yield* parse([
        "--host", "0.0.0.0", "--port", "0", "--outcomming-base-url", "http://h/v1", "--outcomming-api", "messages",
        "--outcomming-api-key-env", "KEY", "--model-provider", "stepfun", "--timeout-seconds", "5.5"
      ])
      expect(seen).toMatchObject([{
        host: "0.0.0.0",
        port: 0,
        outcommingBaseUrl: "http://h/v1",
        outcommingApi: "messages",
        outcommingApiKeyEnv: "KEY",
        modelProvider: "stepfun",
        timeoutSeconds: 5.5
      }])
    }))

  it.effect("rejects a missing base URL and an unknown API", () =>
    Effect.gen(function* () {
      for (const args of [[], ["--outcomming-base-url", "http://h", "--outcomming-api", "grpc"]]) {
        const { seen, result } = yield* parse(args)
        expect(seen).toEqual([])
        expect(Either.isLeft(result)).toBe(true)
      }
    }))
})
