/** PayloadProcessors: provider-specific rewrites of the canonical chat request, kept in a replaceable registry. */
import { Context, Effect, Either, Layer, Ref } from "effect"
import type { ChatRequest } from "../../protocol/ChatWire.js"
import { PayloadProcessorError } from "./RequestErrors.js"
import { isRecord } from "./Values.js"

/** A rewrite of a (deep-copied) request; it may mutate its argument and must return a request object. */
export type PayloadProcessor = (request: Record<string, unknown>) => unknown

/** Provider name -> processor. */
export type Registry = ReadonlyMap<string, PayloadProcessor>

/** The provider whose processor (and capabilities) stand in for unknown providers. */
export const FALLBACK_PROVIDER = "vllm"

/** vLLM takes the canonical request as it is. */
export const vllm: PayloadProcessor = (request) => request

/** StepFun has no developer role: developer messages become system messages in place. */
export const stepfun: PayloadProcessor = (request) => {
  if (Array.isArray(request.messages)) {
    request.messages = request.messages.map((message: unknown) =>
      isRecord(message) && message.role === "developer" ? { ...message, role: "system" } : message
    )
  }
  return request
}

/** The built-in processors. */
export const builtins: Registry = new Map<string, PayloadProcessor>([
  ["vllm", vllm],
  ["stepfun", stepfun]
])

/** The registry key of a configured `model_provider`: trimmed and lower-cased. */
export const providerKey = (provider: string | null | undefined): string => (provider ?? "").trim().toLowerCase()

/** The processor for a provider: its own, else the fallback provider's, else none. */
export const lookup = (registry: Registry, provider: string | null | undefined): PayloadProcessor | undefined =>
  registry.get(providerKey(provider)) ?? registry.get(FALLBACK_PROVIDER)

/**
 * Run the provider's processor on a deep copy of the request. The input is never
 * changed; a processor that returns something other than an object is an error.
 */
export const apply = (
  registry: Registry,
  provider: string | null | undefined,
  request: ChatRequest
): Either.Either<ChatRequest, PayloadProcessorError> => {
  const key = providerKey(provider)
  let copy: Record<string, unknown>
  try {
    copy = structuredClone(request) as Record<string, unknown>
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    return Either.left(new PayloadProcessorError({ provider: key, message: `payload processor failed: the request could not be copied: ${reason}` }))
  }
  const processor = lookup(registry, provider)
  if (processor === undefined) return Either.right(copy as ChatRequest)
  let result: unknown
  try {
    result = processor(copy)
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    return Either.left(new PayloadProcessorError({ provider: key, message: `payload processor failed: ${reason}` }))
  }
  if (!isRecord(result)) {
    return Either.left(
      new PayloadProcessorError({ provider: key, message: "payload processor must return a JSON object request" })
    )
  }
  return Either.right(result as ChatRequest)
}

// ---------------------------------------------------------------------------
// service: the registry a running server consults at request time

/** The registry a server looks processors up in; tests and embedders may register their own. */
export interface PayloadProcessors {
  /** The registry as it is now. */
  readonly registry: Effect.Effect<Registry>
  /** Add or replace the processor of a provider (name normalized like `model_provider`). */
  readonly register: (provider: string, processor: PayloadProcessor) => Effect.Effect<void>
  /** Apply the current registry to a request. */
  readonly apply: (
    provider: string | null | undefined,
    request: ChatRequest
  ) => Effect.Effect<ChatRequest, PayloadProcessorError>
}

export const PayloadProcessors = Context.GenericTag<PayloadProcessors>("tscodex/server/PayloadProcessors")

/** A registry service starting from `initial` (the built-ins by default). */
export const make = (initial: Registry = builtins): Effect.Effect<PayloadProcessors> =>
  Effect.map(Ref.make<Registry>(new Map(initial)), (ref) =>
    PayloadProcessors.of({
      registry: Ref.get(ref),
      register: (provider, processor) =>
        Ref.update(ref, (current) => new Map(current).set(providerKey(provider), processor)),
      apply: (provider, request) => Effect.flatMap(Ref.get(ref), (registry) => apply(registry, provider, request))
    })
  )

/** The built-in processors, plus or overridden by `extra`. */
export const layer = (extra: Registry = new Map()): Layer.Layer<PayloadProcessors> =>
  Layer.effect(PayloadProcessors, make(new Map([...builtins, ...[...extra].map(([k, v]) => [providerKey(k), v] as const)])))
