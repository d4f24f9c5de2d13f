/** Tests of PayloadProcessors: payload processors. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import type { ChatRequest } from "../../../src/protocol/ChatWire.js"
import { translateRequest } from "../../../src/server/request/ChatRequest.js"
import * as PayloadProcessors from "../../../src/server/request/PayloadProcessors.js"

const canonical: ChatRequest = {
  model: "m",
  messages: [
    { role: "developer", content: "Be concise." },
    { role: "user", content: "hi" },
    { role: "developer", content: "later" }
  ],
  stream: true,
  stream_options: { include_usage: true }
}

const applied = (registry: PayloadProcessors.Registry, provider: string | undefined, request = canonical) => {
  const result = PayloadProcessors.apply(registry, provider, request)
  if (Either.isLeft(result)) throw new Error(result.left.message)
  return result.right
}

const tagged = (tag: string): PayloadProcessors.PayloadProcessor => (request) => ({ ...request, provider_tag: tag })

describe("payload processors", () => {
  it("vllm leaves the request as it is", () => {
    expect(applied(PayloadProcessors.builtins, "vllm")).toEqual(canonical)
  })

  it("stepfun renames developer messages to system in place (behaviour 17)", () => {
    const out = applied(PayloadProcessors.builtins, " StepFun ")
    expect(out.messages).toEqual([
      { role: "system", content: "Be concise." },
      { role: "user", content: "hi" },
      { role: "system", content: "later" }
    ])
    expect(canonical.messages[0]).toEqual({ role: "developer", content: "Be concise." })
  })

  it("unknown and absent providers use the vllm entry (behaviour 18)", () => {
    const registry = new Map(PayloadProcessors.builtins).set("vllm", tagged("vllm"))
    for (const provider of ["unknown-provider", "", undefined]) {
      const out = applied(registry, provider)
      expect(out.provider_tag).toBe("vllm")
      expect(out.stream_options).toEqual({ include_usage: true })
    }
    expect(applied(new Map(), "x")).toEqual(canonical)
  })

  it("runs on a deep copy, so a mutating processor cannot touch the canonical request", () => {
    const mutate: PayloadProcessors.PayloadProcessor = (request) => {
      ;(request.messages as Array<{ content: string }>)[1]!.content = "changed"
      return request
    }
    const out = applied(new Map([["p", mutate]]), "p")
    expect(out.messages[1]).toEqual({ role: "user", content: "changed" })
    expect(canonical.messages[1]).toEqual({ role: "user", content: "hi" })
  })

  it("reports a processor that returns no object or throws", () => {
    const none = PayloadProcessors.apply(new Map([["bad", () => [1]]]), "bad", canonical)
    expect(Either.isLeft(none) && none.left).toMatchObject({
      _tag: "PayloadProcessorError",
      provider: "bad",
      message: "payload processor must return a JSON object request"
    })
    const thrown = PayloadProcessors.apply(new Map([["boom", () => { throw new Error("nope") }]]), "boom", canonical)
    expect(Either.isLeft(thrown) && thrown.left.message).toBe("payload processor failed: nope")
  })

  it("translateRequest applies the provider's processor after setting return_token_ids", () => {
    const body = { model: "m", instructions: "Be concise.", input: [] }
    const registry = new Map(PayloadProcessors.builtins).set("demo", (request) => {
      request.provider_tag = request.return_token_ids === true ? "demo+ids" : "demo"
      return request
    })
    const result = translateRequest(body, { provider: "demo", processors: registry, returnTokenIds: true })
    expect(Either.isRight(result) && result.right.request.provider_tag).toBe("demo+ids")
    expect(Either.isRight(result) && result.right.canonical).not.toHaveProperty("provider_tag")
    const failed = translateRequest(body, { provider: "x", processors: new Map([["vllm", () => null]]) })
    expect(Either.isLeft(failed) && failed.left._tag).toBe("PayloadProcessorError")
  })

  it.effect("the registry service can be extended and overridden at run time", () =>
    Effect.gen(function* () {
      const processors = yield* PayloadProcessors.PayloadProcessors
      expect((yield* processors.apply("stepfun", canonical)).messages[0]).toEqual({ role: "system", content: "Be concise." })
      yield* processors.register("Demo", tagged("demo"))
      yield* processors.register("vllm", tagged("vllm"))
      expect((yield* processors.apply("demo", canonical)).provider_tag).toBe("demo")
      expect((yield* processors.apply("other", canonical)).provider_tag).toBe("vllm")
      expect([...(yield* processors.registry).keys()].sort()).toEqual(["demo", "stepfun", "vllm"])
    }).pipe(Effect.provide(PayloadProcessors.layer()))
  )

  it.effect("the layer takes extra processors, and a failing one surfaces as a typed error", () =>
    Effect.gen(function* () {
      const processors = yield* PayloadProcessors.PayloadProcessors
      const error = yield* Effect.flip(processors.apply("broken", canonical))
      expect(error._tag).toBe("PayloadProcessorError")
      expect(error.provider).toBe("broken")
    }).pipe(Effect.provide(PayloadProcessors.layer(new Map([["Broken", () => "no"]]))))
  )
})
