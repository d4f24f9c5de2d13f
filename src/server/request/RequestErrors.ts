/** RequestErrors: why an inbound Responses request or a downstream request could not be built. */
import { Data } from "effect"

/** The inbound body is not a JSON object (answered with HTTP 400). */
export class InvalidRequest extends Data.TaggedError("InvalidRequest")<{ readonly message: string }> {
  get status(): 400 {
    return 400
  }
}

/** The inbound request uses something the chat backend cannot express (answered with HTTP 501). */
export class UnsupportedFeature extends Data.TaggedError("UnsupportedFeature")<{ readonly message: string }> {
  get status(): 501 {
    return 501
  }
}

/** A provider payload processor did not give back a request object. */
export class PayloadProcessorError extends Data.TaggedError("PayloadProcessorError")<{
  readonly provider: string
  readonly message: string
}> {}

/** The canonical chat request cannot be expressed as a Messages API request. */
export class MessagesRequestError extends Data.TaggedError("MessagesRequestError")<{ readonly message: string }> {}

/** Everything `translateRequest` can fail with. */
export type TranslateError = InvalidRequest | UnsupportedFeature | PayloadProcessorError

/** The inbound body breaks a size or depth limit (answered with HTTP 400). */
export class RequestTooLarge extends Data.TaggedError("RequestTooLarge")<{
  readonly message: string
  readonly param: string | null
}> {}
